// An in-memory Kinesis of 4 shards for the producer's benchmarks: it acknowledges every
// PutRecords entry on the shard Kinesis would choose, so that only the producer's work is timed.
import { computeHashKey } from '@kpl-lambda/core';

const quarter = 2n ** 126n;
export const shards = Array.from({ length: 4 }, (_, i) => ({
  ShardId: `shardId-00000000000${i}`,
  HashKeyRange: {
    StartingHashKey: (quarter * BigInt(i)).toString(),
    EndingHashKey: (quarter * BigInt(i + 1) - 1n).toString(),
  },
  SequenceNumberRange: { StartingSequenceNumber: '1' },
}));
// Parsed once: the acknowledging client looks shards up inside the timed runs.
const shardRanges = shards.map(({ HashKeyRange }) => [
  BigInt(HashKeyRange.StartingHashKey),
  BigInt(HashKeyRange.EndingHashKey),
]);
export const shardIndexOf = (hashKey) =>
  shardRanges.findIndex(([starting, ending]) => starting <= hashKey && hashKey <= ending);
export const hashKeyOf = ({ partitionKey, explicitHashKey }) =>
  BigInt(explicitHashKey ?? computeHashKey(partitionKey));

/** Acknowledges every PutRecords entry, on the shard Kinesis would put it on; can keep them. */
export const acknowledgingClient = (written) => ({
  async send(command) {
    const { name } = command.constructor;
    if (name === 'ListShardsCommand') return { Shards: shards };
    if (name === 'DescribeStreamSummaryCommand') {
      return {
        StreamDescriptionSummary: {
          RecordDistributionStrategy: 'USER_PARTITION_KEY',
          MaxRecordSizeInKiB: 1024,
        },
      };
    }
    const entries = command.input.Records.map((entry) => ({
      partitionKey: entry.PartitionKey,
      explicitHashKey: entry.ExplicitHashKey,
      data: entry.Data,
    }));
    written?.push(...entries);
    return {
      FailedRecordCount: 0,
      Records: entries.map((entry) => ({
        SequenceNumber: '1',
        ShardId: shards[shardIndexOf(hashKeyOf(entry))].ShardId,
      })),
    };
  },
});
