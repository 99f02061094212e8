// The router keeps each partition key's route until the shard map changes; these check that what
// it keeps is always the shard Kinesis would choose, whether the key is remembered or not.
import { resolveProducerOptions } from '../src/options.js';
import { PartitionKeys } from '../src/routing/PartitionKeys.js';
import { ShardRouter } from '../src/routing/ShardRouter.js';
import { callFailure } from '../src/sending/RetryPolicy.js';
import { toBufferedUserRecord } from '../src/userRecords.js';
import { client, mockStream, shardOf } from './helpers/mockKinesis.js';

const stream = { StreamName: 'orders' };
const options = resolveProducerOptions({ client, streamName: stream.StreamName });

async function routerOfShards(count: number, router = new ShardRouter(60_000)) {
  mockStream(count);
  router.markStale();
  expect(await router.learn(client, stream, callFailure, 1_000)).not.toMatchObject({
    kind: 'failed',
  });
  return router;
}

test('a partition key routes to its shard whether remembered or not, and anew after resharding', async () => {
  const router = await routerOfShards(4);
  const partitionKeys = new PartitionKeys();
  const expectRoutedAsKinesisWould = (keys: string[], shardCount: number) => {
    for (const partitionKey of keys) {
      const record = { partitionKey, data: 'x' };
      const userRecord = toBufferedUserRecord(record, 0, 0, options, partitionKeys);
      const expected = shardOf({ PartitionKey: partitionKey, Data: undefined }, shardCount);
      expect(router.route(userRecord)?.shardId).toBe(expected);
    }
  };
  const customers = Array.from({ length: 30_000 }, (_, i) => `customer-${i % 50}`);
  const orders = Array.from({ length: 25_000 }, (_, i) => `order-${i}`);

  // Remembered keys, routed under one map and then under the map of the split shards.
  expectRoutedAsKinesisWould(customers, 4);
  await routerOfShards(8, router);
  expectRoutedAsKinesisWould(customers, 8);
  // More new keys than are remembered: remembering stops, and routing stays right.
  expectRoutedAsKinesisWould([...orders, ...customers, ...orders.slice(0, 100)], 8);
});
