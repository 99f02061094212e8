// When the shards change, every user record not yet sent is aggregated again, read back from the
// bytes of its aggregate. It must still be the record its user put: reported as that very record
// if given up, and to the flushes that waited for it, not to others.

import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { aggregate } from '@kpl-lambda/core';
import { KinesisProducer, type ProducerRecord } from '@kpl-lambda/producer';
import {
  client,
  denied,
  fast,
  kinesis,
  type MockStream,
  mockStream,
  shards,
  sleep,
  throttled,
} from './helpers/mockKinesis.js';

let stream: MockStream;
beforeEach(() => {
  stream = mockStream(2);
});

/**
 * Records of a few keys, some with an explicit hash key, some too large to aggregate, some whose
 * data is an aggregate's bytes (they go alone, wrapped).
 */
const records = (from: number, to: number): ProducerRecord[] =>
  Array.from({ length: to - from }, (_, offset) => {
    const i = from + offset;
    if (i % 17 === 3) return { partitionKey: `k-${i % 5}`, data: 'x'.repeat(3_000) };
    if (i % 17 === 9) {
      const [inner] = aggregate([{ partitionKey: 'inner', data: `${i}` }], {
        aggregateSingleRecord: true,
      });
      return { partitionKey: `k-${i % 5}`, data: inner!.data };
    }
    return {
      partitionKey: `k-${i % 5}`,
      data: { i },
      ...(i % 4 === 0 ? { explicitHashKey: `${i * 1_000_003}` } : {}),
    };
  });

describe('aggregating again after the shards changed', () => {
  it('reports each record given up as the record put, once, to the flushes that waited for it', async () => {
    // No map at first: records are aggregated per key, and the first map then changes routing.
    kinesis.on(ListShardsCommand).rejectsOnce(denied('LimitExceededException')).resolves(shards(2));
    let routedWithoutMap!: () => void;
    let aggregatedAgain!: () => void;
    const withoutMap = new Promise<void>((resolve) => (routedWithoutMap = resolve));
    const again = new Promise<void>((resolve) => (aggregatedAgain = resolve));
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      ...fast,
      maxAttempts: 1_000,
      shardMapMaxAgeMs: 20,
      aggregationMaxBytes: 2_000,
      logger: {
        info: (message) => {
          if (message.includes('aggregating again')) aggregatedAgain();
        },
        warn: (message) => {
          if (message.includes('No shard map')) routedWithoutMap();
        },
        error: () => {},
      },
    });
    stream.answer = () => throttled;

    const first = records(0, 40);
    const second = records(40, 80);
    const third = records(80, 100);
    producer.putMany(first.slice(0, 1));
    await withoutMap;
    producer.putMany(first.slice(1));
    const firstFlush = producer.flush();
    // Put before the flush's first send: they share the aggregates of the first ones.
    producer.putMany(second);
    const secondFlush = producer.flush();
    await sleep(30); // the map is due again: the next put learns it, and routing changes
    producer.putMany(third);
    await again;
    stream.answer = () => {
      throw denied('AccessDeniedException');
    };
    const thirdFlush = producer.flush();

    const put = [...first, ...second, ...third];
    const reported = async (flush: Promise<{ undeliverable: Array<{ record: ProducerRecord }> }>) =>
      (await flush).undeliverable.map(({ record }) => put.indexOf(record)).sort((a, b) => a - b);
    const upTo = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => from + i);
    // Each flush waits for every record put before it, and is told of each of them given up.
    expect(await reported(firstFlush)).toEqual(upTo(0, 40));
    expect(await reported(secondFlush)).toEqual(upTo(0, 80));
    expect(await reported(thirdFlush)).toEqual(upTo(0, 100));
    expect(producer.bufferedRecords).toBe(0);
  });
});
