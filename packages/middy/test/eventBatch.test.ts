// kplDeagg() with Middy 7's event-batch-* middlewares: the order that works keeps every failure
// and checkpoints exact; the other order fails loudly, naming the one that works.
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { type KinesisStreamUserRecord, parentKey } from '@kpl-lambda/core';
import { parentOf } from '@kpl-lambda/core/internal';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import kplDeagg, { KplDeaggConfigurationError } from '@kpl-lambda/middy';
import { loadMiddyEventBatch, type MiddyEventBatch, retryFrom } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

const context = {} as Context;
const quiet = { debug() {}, warn() {}, error() {} };
let batch: MiddyEventBatch;
beforeAll(async () => {
  batch = await loadMiddyEventBatch();
});

/** An aggregate of n = 1, 2, 3 and a plain record of n = 4, as JSON. */
const event = () =>
  kinesisStreamEvent([
    aggregatedRecord([1, 2, 3].map((n) => ({ partitionKey: `k${n}`, data: `{"n":${n}}` }))),
    plainRecord({ partitionKey: 'k4', data: '{"n":4}' }),
  ]);
const numberOf = (record: KinesisStreamRecord) =>
  (JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString()) as { n: number }).n;

/** A record handler that fails n = 2 the first time, and counts what it ran. */
function flakyTwo() {
  const runs: number[] = [];
  let failed = false;
  const recordHandler = async (record: KinesisStreamRecord) => {
    const n = numberOf(record);
    runs.push(n);
    if (n === 2 && !failed) {
      failed = true;
      throw new Error('two failed');
    }
  };
  return { runs, recordHandler };
}

describe('@middy/event-batch-response and @middy/event-batch-handler with kplDeagg()', () => {
  it('used before kplDeagg(): failures reach Lambda as parents, and checkpoints keep the siblings done', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    const { runs, recordHandler } = flakyTwo();
    const handler = middy<KinesisStreamEvent>()
      .use(batch.eventBatchResponse())
      .use(kplDeagg({ checkpoints, logger: quiet }))
      .handler<KinesisStreamEvent>(batch.eventBatchHandler(recordHandler) as never);
    const first = event();

    const response = await handler(first, context);

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: first.Records[0]!.kinesis.sequenceNumber }],
    });
    const done = await checkpoints.load([parentOf(first.Records[0]!)]);
    expect([...done.get(parentKey(parentOf(first.Records[0]!)))!]).toEqual([0, 2]);

    // Lambda's retry: only n = 2 runs again.
    await handler(retryFrom(first, response as never)!, context);
    expect(runs).toEqual([1, 2, 3, 4, 2]);
  });

  it('used after kplDeagg(): fails the invocation, naming the order that works, and records nothing', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    const handler = middy<KinesisStreamEvent>()
      .use(kplDeagg({ checkpoints, logger: quiet }))
      .use(batch.eventBatchResponse())
      .handler<KinesisStreamEvent>(batch.eventBatchHandler(flakyTwo().recordHandler) as never);
    const first = event();

    const error = await handler(first, context).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(KplDeaggConfigurationError);
    expect((error as Error).message).toContain('middy().use(eventBatchResponse()).use(kplDeagg())');
    expect((await checkpoints.load(first.Records.map(parentOf))).size).toBe(0);
  });

  it('lets a handler that throws fail the whole batch, as event-batch-response reports it', async () => {
    const handler = middy<KinesisStreamEvent>()
      .use(batch.eventBatchResponse())
      .use(kplDeagg({ logger: quiet }))
      .handler<KinesisStreamEvent>(async () => {
        throw new Error('down');
      });
    const first = event();

    expect(await handler(first, context)).toEqual({
      batchItemFailures: first.Records.map(({ kinesis }) => ({
        itemIdentifier: kinesis.sequenceNumber,
      })),
    });
  });

  it("lets no onError turn kplDeagg()'s own configuration errors into a batch response", async () => {
    // event-normalizer before kplDeagg() decodes the aggregates: kplDeagg() refuses the batch,
    // and event-batch-response's onError must not answer "all failed" in its place.
    const handler = middy<KinesisStreamEvent>()
      .use(batch.eventBatchResponse())
      .use(eventNormalizer())
      .use(kplDeagg({ logger: quiet }))
      .handler<KinesisStreamEvent>(async () => []);

    await expect(handler(event(), context)).rejects.toThrow(KplDeaggConfigurationError);
  });
});

describe('@middy/event-batch-parser with kplDeagg()', () => {
  it('used after kplDeagg(): parses each user record, and failures map to parents', async () => {
    const seen: unknown[] = [];
    const handler = middy<KinesisStreamEvent>()
      .use(batch.eventBatchResponse())
      .use(kplDeagg({ logger: quiet }))
      .use(batch.eventBatchParser({ data: batch.parseJson() }))
      .handler<KinesisStreamEvent>(
        batch.eventBatchHandler(async (record) => {
          const { data, subSequenceNumber } = (record as unknown as KinesisStreamUserRecord)
            .kinesis;
          seen.push([data, subSequenceNumber]);
          if ((data as unknown as { n: number }).n === 3) throw new Error('three failed');
        }) as never,
      );
    const first = event();

    const response = await handler(first, context);

    expect(seen).toEqual([
      [{ n: 1 }, 0],
      [{ n: 2 }, 1],
      [{ n: 3 }, 2],
      [{ n: 4 }, 0],
    ]);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: first.Records[0]!.kinesis.sequenceNumber }],
    });
  });

  it('used before kplDeagg(): fails the invocation, naming the order that works', async () => {
    const handler = middy<KinesisStreamEvent>()
      .use(batch.eventBatchParser({ data: batch.parseJson() }))
      .use(kplDeagg({ logger: quiet }))
      .handler<KinesisStreamEvent>(async () => undefined);

    const error = await handler(event(), context).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(KplDeaggConfigurationError);
    expect((error as Error).message).toContain('middy().use(kplDeagg()).use(eventBatchParser(');
    // The parser's own error stays reachable.
    const { data: parserError } = (error as Error).cause as { data: Error };
    expect(parserError.cause).toMatchObject({ package: '@middy/event-batch-parser' });
  });

  it('leaves a parser error on a batch of plain records as it is', async () => {
    const handler = middy<KinesisStreamEvent>()
      .use(batch.eventBatchParser({ data: batch.parseJson() }))
      .use(kplDeagg({ logger: quiet }))
      .handler<KinesisStreamEvent>(async () => undefined);

    await expect(
      handler(kinesisStreamEvent([plainRecord({ partitionKey: 'k', data: 'not json' })]), context),
    ).rejects.toThrow('Invalid record payload');
  });

  it('leaves a parser error on an event without records as it is', async () => {
    const parseError = Object.assign(new Error('Failed to parse schema'), { name: 'ParseError' });
    const handler = middy()
      .use({
        before: () => {
          throw parseError;
        },
      })
      .use(kplDeagg({ logger: quiet }))
      .handler(async () => undefined);

    await expect(handler({ detail: {} } as never, context)).rejects.toBe(parseError);
  });
});
