/**
 * Redrive of given-up user records: from what Lambda sent to the on-failure destination, read the
 * batch's parents back from the stream (or take them from the `payload` of an S3 destination's
 * object) and run only the user records the checkpoint store does not have as done. Import from
 * `@kpl-lambda/checkpoints/redrive`; it needs `@aws-sdk/client-kinesis`.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 * import { redrive } from '@kpl-lambda/checkpoints/redrive';
 * const report = await redrive({
 *   kinesis: new KinesisClient({}),
 *   checkpoints,
 *   batchInfo: message.KinesisBatchInfo,
 *   handler: async (userRecord) => saveOrder(JSON.parse(Buffer.from(userRecord.data).toString())),
 * });
 * console.log(report.ran, report.skipped, report.failed.length);
 * ```
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import {
  deaggregateSdkRecords,
  type ParentProgress,
  type ParentRecordId,
  parentKey,
  SubSequenceSet,
} from '@kpl-lambda/core';
import { KplRedriveRecordsMissingError } from '../errors.js';
import { assertRedriveOptions } from './assertRedriveOptions.js';
import { payloadRecords } from './payloadRecords.js';
import type { RedriveBatchInfo, RedriveOptions, RedriveReport } from './types.js';

export type {
  RedriveBatchInfo,
  RedriveEventRecord,
  RedriveOptions,
  RedrivePayload,
  RedriveReport,
  RedriveUserRecord,
} from './types.js';

/** GetRecords pages read at most: a bound, so that a redrive always ends. */
const MAX_PAGES = 10_000;

/**
 * Reads the parents of a given-up batch back from its shard (`AT_SEQUENCE_NUMBER` the first, up
 * to the last; a closed shard after a reshard reads the same while the records are retained), or
 * takes them from the S3 on-failure object's `payload` without reading the stream, deaggregates
 * them, skips what the store has as done, and hands the rest to `handler`, one at a time, in
 * order. What ran is recorded as done (unless `recordDone: false`), so a second redrive runs only
 * what failed. Throws `KplCheckpointsConfigurationError` for options it cannot use, and
 * `KplRedriveRecordsMissingError`, having run nothing, when the stream no longer has the batch's
 * first record (trimmed past its retention) or the payload lacks the batch's first or last.
 *
 * @example
 * ```ts
 * import { redrive } from '@kpl-lambda/checkpoints/redrive';
 * // Shows what a redrive would run, and records nothing.
 * await redrive({ kinesis, checkpoints, batchInfo, recordDone: false, handler: console.log });
 * // From the object an S3 on-failure destination holds: the stream is not read.
 * await redrive({ checkpoints, batchInfo: object.KinesisBatchInfo, payload: object.payload, handler });
 * ```
 */
export async function redrive(options: RedriveOptions): Promise<RedriveReport> {
  assertRedriveOptions(options);
  const { checkpoints, batchInfo, recordDone = true, signal, payload } = options;
  const stopped = () => signal?.aborted === true;
  const report: RedriveReport = { ran: 0, skipped: 0, failed: [], complete: false };
  // A payload is one page, and all of the batch; the stream's last page says when it is read.
  const read = { toEnd: payload !== undefined };
  const pages =
    payload === undefined
      ? streamPages(options.kinesis!, batchInfo, read)
      : [payloadRecords(payload, batchInfo)];
  for await (const records of pages) {
    const { progress, interrupted } = await runParents(records, options, report, stopped);
    if (recordDone && progress.length > 0) await checkpoints.save(progress);
    if (interrupted) return report;
  }
  report.complete = read.toEnd;
  return report;
}

/**
 * The batch's records, page by page, read from its shard; `read.toEnd` is set once its last
 * record was read. A batch whose first record the stream no longer has is refused before any
 * page is given: the records after it are not the whole batch.
 */
async function* streamPages(
  kinesis: KinesisClient,
  batchInfo: RedriveBatchInfo,
  read: { toEnd: boolean },
): AsyncGenerator<KinesisRecord[]> {
  const { shardId, streamArn, startSequenceNumber, endSequenceNumber } = batchInfo;
  const end = BigInt(endSequenceNumber);
  // The name as well as the ARN: local Kinesis servers (kinesalite) know streams by name only.
  const StreamName = streamArn.slice(streamArn.lastIndexOf('/') + 1);
  let { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName,
      StreamARN: streamArn,
      ShardId: shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      StartingSequenceNumber: startSequenceNumber,
    }),
  );
  let startRead = false;
  for (let page = 0; ShardIterator && page < MAX_PAGES; page++) {
    const output = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    const records = output.Records ?? [];
    const first = records[0]?.SequenceNumber;
    // AT_SEQUENCE_NUMBER of a trimmed record reads from the oldest record the shard still has.
    if (!startRead && first !== undefined && first !== startSequenceNumber) {
      throw missing(batchInfo, startSequenceNumber, `the first record read is ${first}`);
    }
    startRead ||= first !== undefined;
    const last = records.at(-1)?.SequenceNumber;
    if (last !== undefined && BigInt(last) >= end) {
      yield records.filter((record) => BigInt(record.SequenceNumber!) <= end);
      read.toEnd = true;
      return;
    }
    // Caught up, or the end of a closed shard: the batch's end was not there to read.
    if ((records.length === 0 && output.MillisBehindLatest === 0) || !output.NextShardIterator) {
      throw startRead
        ? missing(batchInfo, endSequenceNumber, 'the shard ends before it')
        : missing(batchInfo, startSequenceNumber, 'the shard has no record from it on');
    }
    yield records;
    ShardIterator = output.NextShardIterator;
  }
}

function missing(
  { shardId, startSequenceNumber, endSequenceNumber }: RedriveBatchInfo,
  sequenceNumber: string,
  why: string,
): KplRedriveRecordsMissingError {
  return new KplRedriveRecordsMissingError(
    `Record ${sequenceNumber} of the batch ${startSequenceNumber}..${endSequenceNumber} is no longer in the stream (${shardId}: ${why}; trimmed past the stream's retention?): the batch cannot be read whole. Redrive it from the S3 on-failure object's payload, which holds its records.`,
    { sequenceNumber },
  );
}

/**
 * Runs what is not done of a page's parents, in order; returns what ran (to record as done), and
 * whether `stopped` left some of them unread.
 */
async function runParents(
  records: readonly KinesisRecord[],
  { checkpoints, batchInfo: { shardId, streamArn }, handler }: RedriveOptions,
  report: RedriveReport,
  stopped: () => boolean,
): Promise<{ progress: ParentProgress[]; interrupted: boolean }> {
  const parents: ParentRecordId[] = records.map((record) => ({
    streamArn,
    shardId,
    sequenceNumber: record.SequenceNumber!,
  }));
  const done = parents.length > 0 ? await checkpoints.load(parents) : new Map();
  const progress: ParentProgress[] = [];
  let interrupted = false;
  for (const [index, parent] of parents.entries()) {
    const before: SubSequenceSet = done.get(parentKey(parent)) ?? SubSequenceSet.empty();
    const ran: number[] = [];
    for (const userRecord of deaggregateSdkRecords([records[index]!])) {
      if (stopped()) {
        interrupted = true;
        break;
      }
      if (before.has(userRecord.subSequenceNumber)) {
        report.skipped++;
        continue;
      }
      try {
        await handler({ ...userRecord, shardId });
        report.ran++;
        ran.push(userRecord.subSequenceNumber);
      } catch (error) {
        report.failed.push({
          sequenceNumber: parent.sequenceNumber,
          subSequenceNumber: userRecord.subSequenceNumber,
          error,
        });
      }
    }
    if (ran.length > 0) progress.push({ parent, done: before.union(SubSequenceSet.of(ran)) });
    if (interrupted) break;
  }
  return { progress, interrupted };
}
