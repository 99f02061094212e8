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
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  type CheckpointStore,
  deaggregateSdkRecords,
  type ParentProgress,
  type ParentRecordId,
  parentKey,
  type SdkUserRecord,
  SubSequenceSet,
} from '@kpl-lambda/core';

/** The part of Lambda's on-failure `KinesisBatchInfo` a redrive reads. */
export interface RedriveBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  streamArn: string;
}

/** A user record handed to the redrive handler: its parent's shard comes with it. */
export type RedriveUserRecord = SdkUserRecord & { shardId: string };

/** Options of {@link redrive}. */
export interface RedriveOptions {
  /** A Kinesis client for the stream. */
  kinesis: KinesisClient;
  /** The store the consumer recorded its progress in (the same consumer name). */
  checkpoints: CheckpointStore;
  /** `KinesisBatchInfo` of the on-failure destination's message. */
  batchInfo: RedriveBatchInfo;
  /** Runs one user record; a throw marks it failed and the redrive goes on. */
  handler: (userRecord: RedriveUserRecord) => unknown;
}

/** What a redrive did. */
export interface RedriveReport {
  /** User records the handler ran without a throw (recorded as done). */
  ran: number;
  /** User records the store had as done: not run. */
  skipped: number;
  /** User records whose handler threw. */
  failed: Array<{ sequenceNumber: string; subSequenceNumber: number; error: unknown }>;
}

/** GetRecords pages read at most: a bound, so that a redrive always ends. */
const MAX_PAGES = 10_000;

/**
 * Reads the parents of a given-up batch back from its shard (`AT_SEQUENCE_NUMBER` the first, up
 * to the last; a closed shard after a reshard reads the same while the records are retained),
 * deaggregates them, skips what the store has as done, and hands the rest to `handler`, one at a
 * time, in order. What ran is recorded as done, so a second redrive runs only what failed.
 */
export async function redrive(options: RedriveOptions): Promise<RedriveReport> {
  const { kinesis, checkpoints, batchInfo, handler } = options;
  const { shardId, streamArn, startSequenceNumber } = batchInfo;
  const end = BigInt(batchInfo.endSequenceNumber);
  const report: RedriveReport = { ran: 0, skipped: 0, failed: [] };
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
  for (let page = 0; ShardIterator && page < MAX_PAGES; page++) {
    const output = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    const records = (output.Records ?? []).filter(
      (record) => BigInt(record.SequenceNumber!) <= end,
    );
    const parents: ParentRecordId[] = records.map((record) => ({
      streamArn,
      shardId,
      sequenceNumber: record.SequenceNumber!,
    }));
    const done = parents.length > 0 ? await checkpoints.load(parents) : new Map();
    const progress: ParentProgress[] = [];
    for (const parent of parents) {
      const record = records.find(
        (candidate) => candidate.SequenceNumber === parent.sequenceNumber,
      )!;
      const before: SubSequenceSet = done.get(parentKey(parent)) ?? SubSequenceSet.empty();
      const ran: number[] = [];
      for (const userRecord of deaggregateSdkRecords([record])) {
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
    }
    if (progress.length > 0) await checkpoints.save(progress);
    const last = output.Records?.at(-1)?.SequenceNumber;
    const caughtUp = (output.Records ?? []).length === 0 && output.MillisBehindLatest === 0;
    if ((last !== undefined && BigInt(last) >= end) || caughtUp) break;
    ShardIterator = output.NextShardIterator;
  }
  return report;
}
