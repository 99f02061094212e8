// With orderedGroupsPerShard every Kinesis record goes under a group's key, in an aggregate even
// when it holds one user record: each must still fit its bounds, counted with the group's key.
// And without a shard map, the records of a key still share its group's key.
import {
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import {
  computeHashKey,
  deaggregateBytes,
  isAggregated,
  KplRecordTooLargeError,
  MAX_HASH_KEY,
} from '@kpl-lambda/core';
import { KinesisProducer } from '@kpl-lambda/producer';
import fc from 'fast-check';
import {
  AGGREGATE_OF_ONE_OVERHEAD_BYTES,
  orderedGroupsReserveBytes,
} from '../src/aggregation/OrderedGroups.js';
import { client, denied, kinesis, mockStream, streamLearnt } from './helpers/mockKinesis.js';

const MAX_RECORD_BYTES = 12_000;
const AGGREGATION_MAX_BYTES = 3_000;
const GROUPS = 10;
const RESERVE = orderedGroupsReserveBytes(GROUPS);

/** Every entry of every PutRecords call so far. */
const sentEntries = (): PutRecordsRequestEntry[] =>
  kinesis.commandCalls(PutRecordsCommand).flatMap((call) => call.args[0].input.Records ?? []);

const bytesOf = (entry: PutRecordsRequestEntry) =>
  entry.Data!.length + Buffer.byteLength(entry.PartitionKey!);

const producerOf = () =>
  new KinesisProducer({
    client,
    streamName: 's',
    orderedGroupsPerShard: GROUPS,
    maxRecordBytes: MAX_RECORD_BYTES,
    aggregationMaxBytes: AGGREGATION_MAX_BYTES,
  });

/** Keys of every size a record may have, the largest counting the most bytes. */
const partitionKey = fc.constantFrom('k', 'customer-7', 'é'.repeat(100), '€'.repeat(256));
const explicitHashKey = fc.option(fc.constantFrom('0', MAX_HASH_KEY.toString()), {
  nil: undefined,
});
/** Sizes around every bound: one aggregate, one alone, the largest a record may be. */
const dataBytes = fc.oneof(
  fc.integer({ min: 0, max: MAX_RECORD_BYTES }),
  ...[AGGREGATION_MAX_BYTES - RESERVE, AGGREGATION_MAX_BYTES, MAX_RECORD_BYTES - RESERVE].map(
    (bound) => fc.integer({ min: bound - 800, max: bound + 5 }),
  ),
);

describe('orderedGroupsPerShard within the bounds', () => {
  it('sends every Kinesis record within its bounds, under its group key, and refuses at put only what cannot fit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ partitionKey, explicitHashKey, dataBytes }), { maxLength: 40 }),
        async (records) => {
          mockStream(4);
          const producer = producerOf();
          let taken = 0;
          for (const { partitionKey, explicitHashKey, dataBytes } of records) {
            const record = {
              partitionKey,
              data: new Uint8Array(dataBytes),
              ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
            };
            const fits = dataBytes + Buffer.byteLength(partitionKey) <= MAX_RECORD_BYTES - RESERVE;
            if (fits) {
              producer.put(record);
              taken++;
            } else expect(() => producer.put(record)).toThrow(KplRecordTooLargeError);
          }
          expect((await producer.flush()).undeliverable).toEqual([]);

          const entries = sentEntries();
          let written = 0;
          for (const entry of entries) {
            const userRecords = deaggregateBytes(entry.Data!, {}, { onCorrupt: 'throw' });
            written += userRecords.length;
            expect(isAggregated(entry.Data!)).toBe(true);
            expect(entry.PartitionKey).toMatch(/^ordered-group-\d$/);
            expect(bytesOf(entry)).toBeLessThanOrEqual(
              userRecords.length > 1 ? AGGREGATION_MAX_BYTES : MAX_RECORD_BYTES,
            );
          }
          expect(written).toBe(taken);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("fills aggregates up to their bound, counted with the group's key", async () => {
    mockStream(4);
    const producer = producerOf();
    // A key of one byte, where the group's has fifteen.
    for (let i = 0; i < 5_000; i++) producer.put({ partitionKey: 'k', data: `${i % 10}` });
    expect((await producer.flush()).undeliverable).toEqual([]);

    const sizes = sentEntries().map(bytesOf);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(AGGREGATION_MAX_BYTES);
    expect(Math.max(...sizes)).toBeGreaterThan(AGGREGATION_MAX_BYTES - 5);
  });

  it.each([
    [MAX_RECORD_BYTES, MAX_RECORD_BYTES - RESERVE],
    // The aggregator's count of the key: the largest key, twice, within what it takes.
    [10_485_760, 10_485_760 - AGGREGATE_OF_ONE_OVERHEAD_BYTES - 768],
  ])(
    'with records of up to %d bytes, takes one of %d with the largest keys, and writes it within them',
    async (maxRecordBytes, largest) => {
      mockStream(4);
      const producer = new KinesisProducer({
        client,
        streamName: 's',
        orderedGroupsPerShard: GROUPS,
        maxRecordBytes,
        maxRequestBytes: maxRecordBytes,
      });
      const key = '€'.repeat(256);
      const record = (bytes: number) => ({
        partitionKey: key,
        explicitHashKey: MAX_HASH_KEY.toString(),
        data: new Uint8Array(bytes - Buffer.byteLength(key)),
      });
      await streamLearnt();

      expect(() => producer.put(record(largest + 1))).toThrow(KplRecordTooLargeError);
      producer.put(record(largest));
      expect((await producer.flush()).undeliverable).toEqual([]);

      const [entry] = sentEntries();
      expect(bytesOf(entry!)).toBeLessThanOrEqual(maxRecordBytes);
      expect(bytesOf(entry!)).toBeGreaterThan(largest);
    },
  );
});

describe('orderedGroupsPerShard without a shard map', () => {
  /** Each key's parent keys, as one producer sent the records. */
  async function parentKeysOfEachKey(shardMap: boolean) {
    mockStream(4);
    if (!shardMap) kinesis.on(ListShardsCommand).rejects(denied('AccessDeniedException'));
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      orderedGroupsPerShard: 3,
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    });
    // Three keys share an explicit hash key.
    const explicit = computeHashKey('elsewhere');
    for (let i = 0; i < 300; i++) {
      const key = i % 20;
      producer.put({
        partitionKey: `customer-${key}`,
        data: `${i}`,
        ...(key >= 3 && key <= 5 ? { explicitHashKey: explicit } : {}),
      });
    }
    expect((await producer.flush()).undeliverable).toEqual([]);
    const parentsOfKey = new Map<string, Set<string>>();
    for (const entry of sentEntries()) {
      for (const { partitionKey, explicitHashKey } of deaggregateBytes(entry.Data!, {})) {
        // The aggregate goes where each of its user records goes.
        if (!shardMap) {
          expect(entry.ExplicitHashKey).toBe(explicitHashKey ?? computeHashKey(partitionKey!));
        }
        const parents = parentsOfKey.get(partitionKey!) ?? new Set();
        parentsOfKey.set(partitionKey!, parents.add(entry.PartitionKey!));
      }
    }
    return Object.fromEntries([...parentsOfKey].map(([key, parents]) => [key, [...parents]]));
  }

  it("sends a key's records under its group's key, as with a map, each routed as that key", async () => {
    const withoutMap = await parentKeysOfEachKey(false);
    expect(withoutMap).toEqual(await parentKeysOfEachKey(true));
    expect(new Set(Object.values(withoutMap).flat()).size).toBe(3);
  });
});
