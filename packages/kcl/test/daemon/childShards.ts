// Kinesis ends a closed shard's last GetRecords answer with the shard's children (ChildShards);
// kinesalite predates the field. KCL 3 refuses an answer with neither a next iterator nor
// children, and retries it forever (DataRetrievalUtil.isValidResult): the shard never ends. This
// adds the children, found with ListShards, to such answers. GetRecords names no shard, only an
// iterator: the iterators are followed from the GetShardIterator that made them.
import { type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import type { Amend } from './http2Bridge.js';

const GET_SHARD_ITERATOR = 'Kinesis_20131202.GetShardIterator';
const GET_RECORDS = 'Kinesis_20131202.GetRecords';

interface ShardOfIterator {
  streamName: string;
  shardId: string;
}

/** Adds `ChildShards` to the last GetRecords answer of a closed shard. */
export function childShardsAtShardEnd(client: KinesisClient): Amend {
  const shardOf = new Map<string, ShardOfIterator>();

  async function childrenOf({ streamName, shardId }: ShardOfIterator) {
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
    return Shards.filter(
      (shard) => shard.ParentShardId === shardId || shard.AdjacentParentShardId === shardId,
    ).map((child) => ({
      ShardId: child.ShardId,
      ParentShards: [child.ParentShardId, child.AdjacentParentShardId].filter(Boolean),
      HashKeyRange: child.HashKeyRange,
    }));
  }

  return {
    targets: new Set([GET_SHARD_ITERATOR, GET_RECORDS]),
    async answer(target, requestBody, answerBody) {
      const asked = JSON.parse(requestBody);
      const answer = JSON.parse(answerBody);
      if (target === GET_SHARD_ITERATOR) {
        shardOf.set(answer.ShardIterator, { streamName: asked.StreamName, shardId: asked.ShardId });
        return answerBody;
      }
      const shard = shardOf.get(asked.ShardIterator);
      if (shard === undefined) {
        throw new Error(`GetRecords with an iterator this bridge never gave: ${requestBody}`);
      }
      if (typeof answer.NextShardIterator === 'string') {
        shardOf.set(answer.NextShardIterator, shard);
        return answerBody;
      }
      if (answer.ChildShards?.length > 0) return answerBody;
      return JSON.stringify({ ...answer, ChildShards: await childrenOf(shard) });
    },
  };
}
