import {
  assertOneOf,
  assertTypeOf,
  BATCH_ON_CORRUPT_MODES,
  deaggregateRecords,
  deaggregationModeOf,
  type KinesisStreamUserEvent,
  type KinesisStreamUserRecord,
  KplInvalidRecordError,
  safeLogger,
} from '@kpl-lambda/core';
import type { MiddlewareObj, Request } from '@middy/core';
import type {
  Context,
  KinesisStreamBatchItemFailure,
  KinesisStreamBatchResponse,
} from 'aws-lambda';
import { KplDeaggConfigurationError } from './errors.js';
import type { KplDeaggOptions } from './types.js';

const defaults: Required<Pick<KplDeaggOptions, 'onCorrupt'>> & KplDeaggOptions = {
  onCorrupt: 'passthrough',
  filter: undefined,
  logger: undefined,
};

/** What one invocation's `before` learnt, for its `after`. */
interface InvocationState {
  /** Parent sequence numbers, in batch order (a Set keeps insertion order). */
  parents: Set<string>;
  /** Parents reported as failed whatever the handler says (`onCorrupt: 'fail'`). */
  corruptParents: string[];
}

type KplDeaggRequest = Request<
  KinesisStreamUserEvent,
  KinesisStreamBatchResponse | undefined,
  Error,
  Context
>;

/**
 * Middy middleware that makes a KPL-aggregated Kinesis stream look to the handler exactly like a
 * plain one: before the handler, `event.Records` becomes the user records of `@kpl-lambda/core`
 * (each with its parent's `sequenceNumber`, plus `subSequenceNumber`, `aggregated` and, when it
 * has one, `explicitHashKey`); after it, every `batchItemFailures` identifier is mapped to its
 * parent's sequence number, de-duplicated, so that Lambda retries the right records.
 *
 * Other events (SQS, DynamoDB, Firehose, an empty batch) pass through untouched.
 *
 * @example
 * ```ts
 * import middy from '@middy/core';
 * import kplDeagg from '@kpl-lambda/middy';
 * import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
 *
 * export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
 *   .use(kplDeagg({ onCorrupt: 'fail' }))
 *   .handler(async (event) => {
 *     const batchItemFailures = [];
 *     for (const record of event.Records) {
 *       try {
 *         await process(record);
 *       } catch {
 *         batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
 *       }
 *     }
 *     return { batchItemFailures };
 *   });
 * ```
 */
export function kplDeagg(
  opts: KplDeaggOptions = {},
): MiddlewareObj<KinesisStreamUserEvent, KinesisStreamBatchResponse | undefined> {
  const { onCorrupt, filter, logger: userLogger } = validateOptions({ ...defaults, ...opts });
  // A logger that throws must not change what Lambda is told.
  const logger = safeLogger(userLogger);
  // One middleware object serves concurrent invocations: state lives with each request.
  const invocations = new WeakMap<object, InvocationState>();

  const kplDeaggMiddlewareBefore = (request: KplDeaggRequest): void => {
    const records: unknown = (request.event as { Records?: unknown } | null | undefined)?.Records;
    if (!Array.isArray(records) || records.length === 0) return;
    if ((records[0] as { eventSource?: unknown }).eventSource !== 'aws:kinesis') return;

    const userRecords = deaggregateKinesisRecords(records);
    const parents = new Set(
      records.map((record: KinesisStreamUserRecord) => record.kinesis.sequenceNumber),
    );

    const corruptParents: string[] = [];
    let aggregated = 0;
    let corrupt = 0;
    let filtered = 0;
    const handed: KinesisStreamUserRecord[] = [];
    for (const userRecord of userRecords) {
      const { deaggregationError, sequenceNumber } = userRecord.kinesis;
      if (userRecord.kinesis.aggregated) aggregated++;
      if (deaggregationError !== undefined) {
        corrupt++;
        logger.warn('Corrupt KPL aggregate', { sequenceNumber, deaggregationError, onCorrupt });
        if (onCorrupt === 'fail') {
          corruptParents.push(sequenceNumber);
          continue;
        }
      }
      if (filter && !filter(userRecord)) {
        filtered++;
        continue;
      }
      handed.push(userRecord);
    }
    // A new event, so that the caller's event object still holds what Lambda delivered.
    request.event = { ...request.event, Records: handed };
    invocations.set(request, { parents, corruptParents });

    logger.debug('KPL deaggregation', {
      parents: parents.size,
      userRecords: userRecords.length,
      aggregated,
      corrupt,
      filtered,
    });
  };

  const kplDeaggMiddlewareAfter = (request: KplDeaggRequest): void => {
    const state = invocations.get(request);
    if (!state) return;
    invocations.delete(request);
    const response = request.response as Partial<KinesisStreamBatchResponse> | null | undefined;
    const reported = response?.batchItemFailures;
    if (!Array.isArray(reported) && state.corruptParents.length === 0) return;

    const failedParents = new Set(state.corruptParents);
    for (const failure of Array.isArray(reported) ? reported : []) {
      failedParents.add(parentOfItemIdentifier(failure, state.parents));
    }
    // Batch order, so that the first failure is the lowest sequence number: Lambda resumes there.
    const batchItemFailures: KinesisStreamBatchItemFailure[] = [...state.parents]
      .filter((sequenceNumber) => failedParents.has(sequenceNumber))
      .map((itemIdentifier) => ({ itemIdentifier }));
    request.response = { ...(response ?? {}), batchItemFailures };
  };

  /**
   * The deaggregated records; Lambda data that is not base64 means another middleware (most often
   * `@middy/event-normalizer`) decoded the records first, and the aggregates are lost.
   */
  function deaggregateKinesisRecords(
    records: KinesisStreamUserRecord[],
  ): KinesisStreamUserRecord[] {
    try {
      return deaggregateRecords(records, { onCorrupt: deaggregationModeOf(onCorrupt) });
    } catch (error) {
      if (!(error instanceof KplInvalidRecordError)) throw error;
      throw new KplDeaggConfigurationError(
        `${error.message}. Use kplDeagg() before any middleware that decodes records, e.g. ` +
          'middy(handler).use(kplDeagg()).use(eventNormalizer()).',
        { cause: error },
      );
    }
  }

  /**
   * Maps an identifier a handler reported to the parent sequence number Lambda knows. One that
   * matches no parent still reports a failure, of the first parent: dropping it would tell Lambda
   * the record succeeded, and Lambda would checkpoint past it.
   */
  function parentOfItemIdentifier(
    failure: KinesisStreamBatchItemFailure | undefined,
    parents: Set<string>,
  ): string {
    const first = parents.values().next().value!;
    const itemIdentifier: unknown = failure?.itemIdentifier;
    if (itemIdentifier === undefined || itemIdentifier === null || itemIdentifier === '') {
      // Lambda reads an empty identifier as "the whole batch failed": keep that meaning with a
      // valid identifier, the first parent, from which Lambda retries everything.
      logger.warn('A batch item failure has no itemIdentifier: reporting the whole batch');
      return first;
    }
    // "<sequenceNumber>:<subSequenceNumber>" names a user record; its parent is what Lambda knows.
    const sequenceNumber =
      typeof itemIdentifier === 'string' ? itemIdentifier.split(':', 1)[0]! : undefined;
    if (sequenceNumber !== undefined && parents.has(sequenceNumber)) return sequenceNumber;
    logger.error(
      'A batch item failure matches no record of the batch: reporting the whole batch from its first record',
      { itemIdentifier },
    );
    return first;
  }

  return { before: kplDeaggMiddlewareBefore, after: kplDeaggMiddlewareAfter };
}

/** Checks the options at the factory, as Middy's own middlewares do, naming the wrong one. */
function validateOptions<T extends KplDeaggOptions>(options: T): T {
  const E = (option: string, message: string) =>
    new KplDeaggConfigurationError(message, { option });
  assertOneOf('onCorrupt', options.onCorrupt, BATCH_ON_CORRUPT_MODES, E);
  assertTypeOf('filter', options.filter, 'function', E);
  assertTypeOf('logger', options.logger, 'object', E);
  return options;
}

export default kplDeagg;
