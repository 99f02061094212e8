import type { PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { RedriveBatchInfo } from '@kpl-lambda/checkpoints/redrive';

/**
 * The `KinesisBatchInfo` Lambda gives for a batch of the local stream `streamName`, from the
 * record `first` to the record `last` as PutRecords answered for them.
 */
export const batchInfoOf = (
  streamName: string,
  first: PutRecordsResultEntry,
  last: PutRecordsResultEntry,
): RedriveBatchInfo => ({
  shardId: first.ShardId!,
  startSequenceNumber: first.SequenceNumber!,
  endSequenceNumber: last.SequenceNumber!,
  streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
});
