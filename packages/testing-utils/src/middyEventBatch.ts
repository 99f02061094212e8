// Middy 7's event-batch-* middlewares for kplDeagg()'s tests. The npm registry this project
// reaches does not serve them (404 for all three; Middy's repository has them at 7.8.0), so the
// tests load the real packages when they resolve and otherwise these, which keep to the contract
// their documentation gives (Kinesis only), saying so on the console.
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** What these middlewares read of a Middy request: typed here, so that Middy 6 and 7 both fit. */
interface Request {
  event: KinesisStreamEvent;
  response: unknown;
  error: unknown;
  internal: object;
}
interface Middleware {
  before?: (request: Request) => void;
  after?: (request: Request) => void;
  onError?: (request: Request) => void;
}
type RecordHandler = (record: KinesisStreamRecord, context: unknown) => unknown;
type Parser = (payload: Buffer, record: KinesisStreamRecord) => unknown;

/** The three packages' default exports, and `parseJson` of the parser. */
export interface MiddyEventBatch {
  eventBatchResponse: () => Middleware;
  eventBatchHandler: (
    recordHandler: RecordHandler,
  ) => (event: KinesisStreamEvent, context: unknown) => Promise<PromiseSettledResult<unknown>[]>;
  eventBatchParser: (options: { data: Parser }) => Middleware;
  parseJson: () => Parser;
}

const RESPONSE = '@middy/event-batch-response';
const internalOf = (request: Request) => request.internal as Record<string, unknown>;

/**
 * `before` keeps `event.Records` as they are then; `after` turns a `PromiseSettledResult[]`
 * aligned with them into `batchItemFailures` by `kinesis.sequenceNumber`; `onError`, with no
 * response, reports every record kept as failed.
 */
const eventBatchResponse = (): Middleware => {
  const after = (request: Request) => {
    const kept = internalOf(request)[RESPONSE] as { records: KinesisStreamRecord[] } | undefined;
    if (kept === undefined || !Array.isArray(request.response)) return;
    const settled = request.response as PromiseSettledResult<unknown>[];
    request.response = {
      batchItemFailures: kept.records
        .filter((_, i) => settled[i]?.status !== 'fulfilled')
        .map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })),
    };
  };
  return {
    before: (request) => {
      internalOf(request)[RESPONSE] = { records: request.event.Records };
    },
    after,
    onError: (request) => {
      const kept = internalOf(request)[RESPONSE] as { records: unknown[] } | undefined;
      if (request.response !== undefined || kept === undefined) return;
      request.response = kept.records.map(() => ({ status: 'rejected', reason: request.error }));
      after(request);
    },
  };
};

/** The record handler on each of `event.Records` as the handler gets them, settled in order. */
const eventBatchHandler: MiddyEventBatch['eventBatchHandler'] =
  (recordHandler) => async (event, context) =>
    Promise.allSettled(event.Records.map(async (record) => recordHandler(record, context)));

/**
 * `before` decodes each record's base64 `kinesis.data`, parses it, and puts what it parsed in
 * its place; a parser that throws fails the invocation, naming the package in the `cause`.
 */
const eventBatchParser = ({ data }: { data: Parser }): Middleware => ({
  before: (request) => {
    for (const record of request.event.Records) {
      try {
        record.kinesis.data = data(Buffer.from(record.kinesis.data, 'base64'), record) as string;
      } catch (error) {
        throw new Error('Invalid record payload', {
          cause: { package: '@middy/event-batch-parser', field: 'data', message: String(error) },
        });
      }
    }
  },
});

const standIns: MiddyEventBatch = {
  eventBatchResponse,
  eventBatchHandler,
  eventBatchParser,
  parseJson: () => (payload) => JSON.parse(payload.toString('utf8')),
};

/**
 * Middy 7's event-batch-* packages when they are installed, else the stand-ins above.
 *
 * @example
 * ```ts
 * const batch = await loadMiddyEventBatch();
 * middy().use(batch.eventBatchResponse()).use(kplDeagg()).handler(batch.eventBatchHandler(h));
 * ```
 */
export async function loadMiddyEventBatch(): Promise<MiddyEventBatch> {
  try {
    const names = ['response', 'handler', 'parser', 'parser/parseJson'].map(
      (part) => `@middy/event-batch-${part}`,
    );
    const [response, handler, parser, parseJson] = await Promise.all(
      names.map((name) => import(name)),
    );
    return {
      eventBatchResponse: response.default,
      eventBatchHandler: handler.default,
      eventBatchParser: parser.default,
      parseJson: parseJson.default,
    };
  } catch {
    console.warn(
      "Middy's event-batch-* packages are not installed: kplDeagg() is tested with stand-ins of their contract",
    );
    return standIns;
  }
}
