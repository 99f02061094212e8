import type { AggregatedRecord, AggregatorOptions, UserRecordInput } from '../types.js';
import { RecordAggregator } from './RecordAggregator.js';

/**
 * Aggregates user records into as few records as fit `aggregationMaxBytes` (and `aggregationMaxCount`), in order.
 * Without `shards`, an aggregate holds records of any keys and is routed by its first record's:
 * safe for a stream of one shard, or consumers that are not the KCL (Lambda, this project's),
 * which read any aggregate. The KCL drops a whole aggregate one of whose user records hashes
 * outside its shard: for KCL consumers of a stream of several shards, give `shards` (the
 * `Shards` of `ListShards`), and each aggregate holds the records of one shard, in order.
 *
 * @example
 * ```ts
 * import { aggregate } from '@kpl-lambda/core';
 * const records = aggregate([
 *   { partitionKey: 'user-1', data: '{"event":"login"}' },
 *   { partitionKey: 'user-2', data: new Uint8Array([1, 2, 3]) },
 * ]);
 * // one KPL aggregate: [{ partitionKey: 'user-1', data: Uint8Array, userRecords: [...] }]
 * ```
 *
 * @example
 * ```ts
 * import { ListShardsCommand } from '@aws-sdk/client-kinesis';
 * import { aggregate } from '@kpl-lambda/core';
 * const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: 'orders' }));
 * const records = aggregate(orders, { shards: Shards });
 * // each aggregate's user records belong to its shardId: a KCL consumer reads them all
 * ```
 */
export function aggregate<T extends UserRecordInput>(
  records: Iterable<T>,
  options?: AggregatorOptions,
): AggregatedRecord<T>[] {
  const aggregated: AggregatedRecord<T>[] = [];
  // Made first, so that the options are checked whatever the records.
  const aggregator = new RecordAggregator<T>(options);
  const { shards } = aggregator;
  if (shards === undefined) {
    for (const record of records) {
      const full = aggregator.add(record);
      if (full) aggregated.push(full);
    }
    const last = aggregator.flush();
    if (last) aggregated.push(last);
    return aggregated;
  }
  // One aggregator per shard, so that records of shards in turn still fill their aggregates.
  const aggregators = new Map<string, RecordAggregator<T>>();
  for (const record of records) {
    const shardId = shards.shardIdOf(record);
    let ofShard = aggregators.get(shardId);
    if (ofShard === undefined) {
      ofShard = new RecordAggregator<T>({ ...options, shards });
      aggregators.set(shardId, ofShard);
    }
    const full = ofShard.add(record);
    if (full) aggregated.push(full);
  }
  // Each took a record: each has an aggregate left.
  for (const ofShard of aggregators.values()) aggregated.push(ofShard.flush()!);
  return aggregated;
}
