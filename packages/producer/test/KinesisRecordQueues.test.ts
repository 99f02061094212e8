import fc from 'fast-check';
import {
  KinesisRecordQueues,
  type QueuedKinesisRecord,
} from '../src/sending/KinesisRecordQueues.js';
import { ShardRateLimiter } from '../src/sending/ShardRateLimiter.js';

const limits = { maxRecordsPerRequest: 500, maxRequestBytes: 5_242_880 };
const queued = (group: string, id: number, over: Partial<QueuedKinesisRecord> = {}) =>
  ({
    entry: { PartitionKey: String(id), Data: new Uint8Array() },
    sources: [],
    sequences: [],
    firstPutAt: 0,
    group,
    expectedShardId: undefined,
    bytes: 100,
    attempts: 0,
    notBefore: 0,
    dueAt: 0,
    inFlight: false,
    ...over,
  }) as QueuedKinesisRecord;
const ids = (request: QueuedKinesisRecord[] | undefined) =>
  request?.map((record) => Number(record.entry.PartitionKey));

describe('KinesisRecordQueues', () => {
  it('sends only the head of each queue, and the next one once the head is written', () => {
    const queues = new KinesisRecordQueues();
    for (const [group, id] of [
      ['a', 1],
      ['a', 2],
      ['b', 3],
    ] as const)
      queues.enqueue(queued(group, id));

    const first = queues.nextRequest(0, false, limits)!;
    expect(ids(first)).toEqual([1, 3]);
    expect(queues.nextRequest(0, false, limits)).toBeUndefined();

    queues.remove(first[0]!);
    expect(ids(queues.nextRequest(0, false, limits))).toEqual([2]);
  });

  it('holds back a head in backoff, and what is not due unless urgent or full', () => {
    const queues = new KinesisRecordQueues();
    queues.enqueue(queued('a', 1, { dueAt: 100 }));
    queues.enqueue(queued('b', 2, { notBefore: 50 }));

    expect(queues.nextRequest(0, false, limits)).toBeUndefined();
    expect(queues.nextWakeAt(false, undefined, Infinity)).toBe(50);
    expect(ids(queues.nextRequest(0, true, limits))).toEqual([1]);
    expect(queues.nextWakeAt(true, undefined, Infinity)).toBe(50);
  });

  it('keeps no state for a queue once it is empty', () => {
    const queues = new KinesisRecordQueues();
    const record = queued('a', 1);
    queues.enqueue(record);
    queues.remove(queues.nextRequest(0, true, limits)![0]!);

    expect(queues.nextWakeAt(true, undefined, Infinity)).toBeUndefined();
    expect(queues.takeAll()).toEqual([]);
  });

  it('writes every record of a queue in order, within the limits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 1, max: 400 }))),
        fc.integer({ min: 1, max: 3 }),
        (records, maxRecordsPerRequest) => {
          const queues = new KinesisRecordQueues();
          for (const [id, [group, bytes]] of records.entries()) {
            queues.enqueue(queued(group, id, { bytes }));
          }
          const written: QueuedKinesisRecord[] = [];
          for (;;) {
            const request = queues.nextRequest(0, true, {
              maxRecordsPerRequest,
              maxRequestBytes: 800,
            });
            if (request === undefined) break;
            expect(request.length).toBeLessThanOrEqual(maxRecordsPerRequest);
            expect(request.reduce((sum, record) => sum + record.bytes, 0)).toBeLessThanOrEqual(800);
            for (const record of request) {
              queues.remove(record);
              written.push(record);
            }
          }
          expect(written).toHaveLength(records.length);
          for (const group of ['a', 'b', 'c', 'd']) {
            const order = written
              .filter((record) => record.group === group)
              .map((record) => ids([record])![0]);
            expect(order).toEqual([...order].sort((x, y) => x! - y!));
          }
        },
      ),
    );
  });

  it("holds a head for its shard's rate limit while other shards' go, and wakes when it may go", () => {
    const counts = { rateLimitedKinesisRecords: 0 };
    const queues = new KinesisRecordQueues(counts);
    // One Kinesis record of 100 bytes a second per shard.
    const rateLimiter = new ShardRateLimiter(100, { recordsPerSecond: 1, bytesPerSecond: 1_000 });
    const limited = { ...limits, rateLimiter };
    queues.enqueue(queued('hot', 1, { expectedShardId: 'hot' }));
    queues.enqueue(queued('hot', 2, { expectedShardId: 'hot' }));
    queues.remove(queues.nextRequest(0, true, limited)![0]!); // takes the hot shard's second
    queues.enqueue(queued('cold', 3, { expectedShardId: 'cold' }));

    expect(ids(queues.nextRequest(0, true, limited))).toEqual([3]);
    expect(queues.nextRequest(500, true, limited)).toBeUndefined();
    expect(queues.nextWakeAt(true, rateLimiter, Infinity)).toBe(1_000);
    expect(ids(queues.nextRequest(1_000, true, limited))).toEqual([2]);
    // Held once, counted once, however often it was looked at.
    expect(counts.rateLimitedKinesisRecords).toBe(1);
  });

  it('hands back the heads not in flight that outlived their time to live, and those behind them that did', () => {
    const queues = new KinesisRecordQueues();
    for (const [group, id, firstPutAt] of [
      ['a', 1, 0],
      ['a', 2, 0],
      ['a', 3, 60],
      ['b', 4, 0],
      ['c', 5, 0],
    ] as const) {
      queues.enqueue(queued(group, id, { firstPutAt, dueAt: 1_000 }));
    }
    // c's head is in flight: it is not taken from under its request.
    const inFlight = queues.nextRequest(0, true, {
      maxRecordsPerRequest: 500,
      maxRequestBytes: 300,
    })!;
    expect(ids(inFlight)).toEqual([1, 4, 5]);
    for (const record of inFlight.slice(0, 2)) queues.release(record);

    expect(ids(queues.takeExpired(50, 50))).toEqual([1, 2, 4]);
    // Not due before 1,000 ms, but to be given up at 110 ms.
    expect(queues.nextWakeAt(false, undefined, 50)).toBe(110);
    expect(ids(queues.nextRequest(50, true, limits))).toEqual([3]);
  });
});
