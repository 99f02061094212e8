import {
  assertOneOf,
  assertTypeOf,
  BATCH_ON_CORRUPT_MODES,
  CheckpointedBatch,
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
  checkpoints: undefined,
};

/** What one invocation's `before` learnt, for its `after`. */
interface InvocationState {
  /** Parent sequence numbers, in batch order (a Set keeps insertion order). */
  parents: Set<string>;
  /** Parents reported as failed whatever the handler says (`onCorrupt: 'fail'`). */
  corruptParents: string[];
  /** The user records handed to the handler, in order. */
  handed: KinesisStreamUserRecord[];
  /** With `checkpoints`: what was done before, and where progress goes. */
  checkpointed: CheckpointedBatch | undefined;
}

/** A failure the handler reported: its parent, and the user record when it named one. */
interface ReportedFailure {
  parent: string;
  subSequenceNumber: number | undefined;
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
  const {
    onCorrupt,
    filter,
    logger: userLogger,
    checkpoints,
  } = validateOptions({ ...defaults, ...opts });
  // A logger that throws must not change what Lambda is told.
  const logger = safeLogger(userLogger);
  // One middleware object serves concurrent invocations: state lives with each request.
  const invocations = new WeakMap<object, InvocationState>();

  const kplDeaggMiddlewareBefore = async (request: KplDeaggRequest): Promise<void> => {
    const records: unknown = (request.event as { Records?: unknown } | null | undefined)?.Records;
    if (!Array.isArray(records) || records.length === 0) return;
    if ((records[0] as { eventSource?: unknown }).eventSource !== 'aws:kinesis') return;

    const userRecords = deaggregateKinesisRecords(records);
    const parents = new Set(
      records.map((record: KinesisStreamUserRecord) => record.kinesis.sequenceNumber),
    );

    const checkpointed = checkpoints
      ? await CheckpointedBatch.load(checkpoints, records, logger)
      : undefined;
    const corruptParents: string[] = [];
    let aggregated = 0;
    let corrupt = 0;
    let filtered = 0;
    let alreadyDone = 0;
    const handed: KinesisStreamUserRecord[] = [];
    for (const userRecord of userRecords) {
      // Done in an earlier delivery of its parent: it counts as succeeded, and does not run again.
      if (checkpointed?.isDone(userRecord)) {
        alreadyDone++;
        continue;
      }
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
    invocations.set(request, { parents, corruptParents, handed, checkpointed });

    logger.debug('KPL deaggregation', {
      parents: parents.size,
      userRecords: userRecords.length,
      aggregated,
      corrupt,
      filtered,
      alreadyDone,
    });
  };

  const kplDeaggMiddlewareAfter = async (request: KplDeaggRequest): Promise<void> => {
    const state = invocations.get(request);
    if (!state) return;
    invocations.delete(request);
    const response: unknown = request.response;
    const settled = Array.isArray(response);
    const reported = settled
      ? reportedBySettledResults(response, state)
      : reportedByBatchItemFailures(response, state);
    if (reported === undefined && state.corruptParents.length === 0) return;

    const failedParents = new Set(state.corruptParents);
    for (const failure of reported?.failures ?? []) failedParents.add(failure.parent);
    // Batch order, so that the first failure is the lowest sequence number: Lambda resumes there.
    const batchItemFailures: KinesisStreamBatchItemFailure[] = [...state.parents]
      .filter((sequenceNumber) => failedParents.has(sequenceNumber))
      .map((itemIdentifier) => ({ itemIdentifier }));
    request.response = settled
      ? { batchItemFailures }
      : { ...((response as object | null | undefined) ?? {}), batchItemFailures };
    // No batchItemFailures at all: the handler reports every user record it was handed as done.
    await state.checkpointed?.save(reported?.succeeded ?? state.handed, failedParents);
  };

  /**
   * A handler response of `PromiseSettledResult`s aligned with the user records it was handed
   * (the convention of `@middy/sqs-partial-batch-failure` and `@middy/event-batch-response`):
   * each outcome is known. One that does not line up fails closed: the whole batch, from the first
   * parent.
   */
  function reportedBySettledResults(response: unknown[], state: InvocationState): Reported {
    const { handed } = state;
    const aligned =
      response.length === handed.length &&
      response.every(
        (result) =>
          (result as PromiseSettledResult<unknown> | null)?.status === 'fulfilled' ||
          (result as PromiseSettledResult<unknown> | null)?.status === 'rejected',
      );
    if (!aligned) {
      logger.error(
        'The handler returned an array that is not one PromiseSettledResult per user record: reporting the whole batch',
        { results: response.length, userRecords: handed.length },
      );
      return { failures: [firstParentFailure(state.parents)], succeeded: [] };
    }
    const failures: ReportedFailure[] = [];
    const succeeded: KinesisStreamUserRecord[] = [];
    response.forEach((result, i) => {
      const userRecord = handed[i]!;
      if ((result as PromiseSettledResult<unknown>).status === 'fulfilled')
        succeeded.push(userRecord);
      else {
        failures.push({
          parent: userRecord.kinesis.sequenceNumber,
          subSequenceNumber: userRecord.kinesis.subSequenceNumber,
        });
      }
    });
    return { failures, succeeded };
  }

  /**
   * A `batchItemFailures` response cannot tell a user record that was skipped (a handler that stops
   * at its first failure, to keep order) from one that succeeded: only those before the earliest
   * reported failure count as done.
   */
  function reportedByBatchItemFailures(
    response: unknown,
    state: InvocationState,
  ): Reported | undefined {
    const reported = (response as Partial<KinesisStreamBatchResponse> | null | undefined)
      ?.batchItemFailures;
    if (!Array.isArray(reported)) return undefined;
    const failures = reported.map((failure) => reportedFailure(failure, state.parents));
    // Positions are (parent in batch order, sub-sequence number); a failure of a whole parent
    // stands before its first user record.
    const parentIndex = new Map([...state.parents].map((parent, i) => [parent, i]));
    let earliest: Position = [Number.POSITIVE_INFINITY, 0];
    for (const { parent, subSequenceNumber = -1 } of failures) {
      const at: Position = [parentIndex.get(parent)!, subSequenceNumber];
      if (isBefore(at, earliest)) earliest = at;
    }
    const succeeded = state.handed.filter(({ kinesis }) =>
      isBefore([parentIndex.get(kinesis.sequenceNumber)!, kinesis.subSequenceNumber], earliest),
    );
    return { failures, succeeded };
  }

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
  function reportedFailure(
    failure: KinesisStreamBatchItemFailure | undefined,
    parents: Set<string>,
  ): ReportedFailure {
    const itemIdentifier: unknown = failure?.itemIdentifier;
    if (itemIdentifier === undefined || itemIdentifier === null || itemIdentifier === '') {
      // Lambda reads an empty identifier as "the whole batch failed": keep that meaning with a
      // valid identifier, the first parent, from which Lambda retries everything.
      logger.warn('A batch item failure has no itemIdentifier: reporting the whole batch');
      return firstParentFailure(parents);
    }
    // "<sequenceNumber>:<subSequenceNumber>" names a user record; its parent is what Lambda knows.
    if (typeof itemIdentifier === 'string') {
      const [sequenceNumber, subSequenceNumber] = itemIdentifier.split(':', 2);
      if (parents.has(sequenceNumber!)) {
        const sub = subSequenceNumber === undefined ? Number.NaN : Number(subSequenceNumber);
        return {
          parent: sequenceNumber!,
          subSequenceNumber: Number.isInteger(sub) && sub >= 0 ? sub : undefined,
        };
      }
    }
    logger.error(
      'A batch item failure matches no record of the batch: reporting the whole batch from its first record',
      { itemIdentifier },
    );
    return firstParentFailure(parents);
  }

  return { before: kplDeaggMiddlewareBefore, after: kplDeaggMiddlewareAfter };
}

/** What a response reported: its failures, and the user records known to have succeeded. */
interface Reported {
  failures: ReportedFailure[];
  succeeded: KinesisStreamUserRecord[];
}

/** Where a user record stands in the batch: its parent's index, its sub-sequence number. */
type Position = [number, number];

const isBefore = (a: Position, b: Position): boolean =>
  a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

function firstParentFailure(parents: Set<string>): ReportedFailure {
  return { parent: parents.values().next().value!, subSequenceNumber: undefined };
}

/** Checks the options at the factory, as Middy's own middlewares do, naming the wrong one. */
function validateOptions<T extends KplDeaggOptions>(options: T): T {
  const E = (option: string, message: string) =>
    new KplDeaggConfigurationError(message, { option });
  assertOneOf('onCorrupt', options.onCorrupt, BATCH_ON_CORRUPT_MODES, E);
  assertTypeOf('filter', options.filter, 'function', E);
  assertTypeOf('logger', options.logger, 'object', E);
  if (
    options.checkpoints !== undefined &&
    (typeof options.checkpoints?.load !== 'function' ||
      typeof options.checkpoints?.save !== 'function')
  ) {
    throw E('checkpoints', 'checkpoints must be a CheckpointStore (load and save)');
  }
  return options;
}

export default kplDeagg;
