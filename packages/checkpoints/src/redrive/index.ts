/**
 * Redrive of given-up user records: from what Lambda sent to the on-failure destination, read the
 * batch's parents back from the stream and run only the user records the checkpoint store does
 * not have as done. Import from `@kpl-lambda/checkpoints/redrive`; it needs
 * `@aws-sdk/client-kinesis`.
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
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import {
  deaggregateSdkRecords,
  type ParentProgress,
  type ParentRecordId,
  parentKey,
  SubSequenceSet,
} from '@kpl-lambda/core';
import { assertRedriveOptions } from './assertRedriveOptions.js';
import type { RedriveOptions, RedriveReport } from './types.js';

export type {
  RedriveBatchInfo,
  RedriveOptions,
  RedriveReport,
  RedriveUserRecord,
} from './types.js';

/** GetRecords pages read at most: a bound, so that a redrive always ends. */
const MAX_PAGES = 10_000;

/**
 * Reads the parents of a given-up batch back from its shard (`AT_SEQUENCE_NUMBER` the first, up
 * to the last; a closed shard after a reshard reads the same while the records are retained),
 * deaggregates them, skips what the store has as done, and hands the rest to `handler`, one at a
 * time, in order. What ran is recorded as done (unless `recordDone: false`), so a second redrive
 * runs only what failed. Throws `KplCheckpointsConfigurationError` for options it cannot use.
 *
 * @example
 * ```ts
 * import { redrive } from '@kpl-lambda/checkpoints/redrive';
 * // Shows what a redrive would run, and records nothing.
 * await redrive({ kinesis, checkpoints, batchInfo, recordDone: false, handler: console.log });
 * ```
 */
export async function redrive(options: RedriveOptions): Promise<RedriveReport> {
  assertRedriveOptions(options);
  const { kinesis, checkpoints, batchInfo, recordDone = true, signal } = options;
  const { shardId, streamArn, startSequenceNumber } = batchInfo;
  const end = BigInt(batchInfo.endSequenceNumber);
  const stopped = () => signal?.aborted === true;
  const report: RedriveReport = { ran: 0, skipped: 0, failed: [], complete: false };
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
  for (let page = 0; ShardIterator && page < MAX_PAGES && !stopped(); page++) {
    const output = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    const records = (output.Records ?? []).filter(
      (record) => BigInt(record.SequenceNumber!) <= end,
    );
    const { progress, interrupted } = await runParents(records, options, report, stopped);
    if (recordDone && progress.length > 0) await checkpoints.save(progress);
    if (interrupted) break;
    const last = output.Records?.at(-1)?.SequenceNumber;
    const caughtUp = (output.Records ?? []).length === 0 && output.MillisBehindLatest === 0;
    // No next iterator: the end of a closed shard, after which nothing of the batch can be.
    if ((last !== undefined && BigInt(last) >= end) || caughtUp || !output.NextShardIterator) {
      report.complete = true;
      break;
    }
    ShardIterator = output.NextShardIterator;
  }
  return report;
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
