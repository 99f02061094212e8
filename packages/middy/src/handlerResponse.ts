// How the middleware reads what the handler returned: which parents failed, and which user
// records are known to have succeeded (what checkpoints may record).
import type { KinesisStreamUserRecord, KplLogger } from '@kpl-lambda/core';
import type { KinesisStreamBatchItemFailure, KinesisStreamBatchResponse } from 'aws-lambda';

/** What the handler was handed, in batch order. */
export interface HandedBatch {
  /** Parent sequence numbers, in batch order. */
  parents: Set<string>;
  /** The user records handed to the handler, in order. */
  handed: KinesisStreamUserRecord[];
}

/** A failure the handler reported: its parent, and the user record when it named one. */
export interface ReportedFailure {
  parent: string;
  subSequenceNumber: number | undefined;
  /** Reported by its parent's sequence number alone (not the whole batch's fallback). */
  byParent?: boolean;
}

/** What a response reported: its failures, and the user records known to have succeeded. */
export interface Reported {
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

/**
 * A handler response of `PromiseSettledResult`s aligned with the user records it was handed
 * (the convention of `@middy/sqs-partial-batch-failure` and `@middy/event-batch-response`):
 * each outcome is known. One that does not line up fails closed: the whole batch, from the first
 * parent.
 */
export function reportedBySettledResults(
  response: unknown[],
  state: HandedBatch,
  logger: Pick<KplLogger, 'error'>,
): Reported {
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
export function reportedByBatchItemFailures(
  response: unknown,
  state: HandedBatch,
  logger: Pick<KplLogger, 'warn' | 'error'>,
): Reported | undefined {
  const reported = (response as Partial<KinesisStreamBatchResponse> | null | undefined)
    ?.batchItemFailures;
  if (!Array.isArray(reported)) return undefined;
  const failures = reported.map((failure) => reportedFailure(failure, state.parents, logger));
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
 * Maps an identifier a handler reported to the parent sequence number Lambda knows. One that
 * matches no parent still reports a failure, of the first parent: dropping it would tell Lambda
 * the record succeeded, and Lambda would checkpoint past it.
 */
function reportedFailure(
  failure: KinesisStreamBatchItemFailure | undefined,
  parents: Set<string>,
  logger: Pick<KplLogger, 'warn' | 'error'>,
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
      const named = Number.isInteger(sub) && sub >= 0;
      return {
        parent: sequenceNumber!,
        subSequenceNumber: named ? sub : undefined,
        byParent: !named,
      };
    }
  }
  logger.error(
    'A batch item failure matches no record of the batch: reporting the whole batch from its first record',
    { itemIdentifier },
  );
  return firstParentFailure(parents);
}

/**
 * How many user records the failures are of: one reported twice, or through several of the
 * records its data decoded to, counts once.
 */
export function countFailures(failures: readonly ReportedFailure[]): number {
  return new Set(
    failures.map(({ parent, subSequenceNumber }) => `${parent}:${subSequenceNumber ?? ''}`),
  ).size;
}

/**
 * Whether a failure of an aggregate was reported by its sequence number alone. It stands before
 * the parent's first user record: with checkpoints, none of that parent's user records counts as
 * done, though the handler may have kept going and done them.
 */
export function reportsAggregateByParent(reported: Reported, state: HandedBatch): boolean {
  const byParent = new Set(
    reported.failures.filter((failure) => failure.byParent).map(({ parent }) => parent),
  );
  return (
    byParent.size > 0 &&
    state.handed.some(({ kinesis }) => kinesis.aggregated && byParent.has(kinesis.sequenceNumber))
  );
}
