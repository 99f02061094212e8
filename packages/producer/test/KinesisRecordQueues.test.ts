import fc from 'fast-check';
import { KinesisRecordQueues, type QueuedKinesisRecord } from '../src/KinesisRecordQueues.js';

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
    expect(queues.nextWakeAt(false)).toBe(50);
    expect(ids(queues.nextRequest(0, true, limits))).toEqual([1]);
    expect(queues.nextWakeAt(true)).toBe(50);
  });

  it('keeps no state for a queue once it is empty', () => {
    const queues = new KinesisRecordQueues();
    const record = queued('a', 1);
    queues.enqueue(record);
    queues.remove(queues.nextRequest(0, true, limits)![0]!);

    expect(queues.nextWakeAt(true)).toBeUndefined();
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
});
