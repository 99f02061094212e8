import { safeLogger } from '@kpl-lambda/core/internal';
import { HeldRecords, tallyOf } from '../src/HeldRecords.js';
import { PartitionKeys } from '../src/routing/PartitionKeys.js';
import type { UndeliverableRecord } from '../src/types.js';
import { type BufferedUserRecord, toBufferedUserRecord } from '../src/userRecords.js';

const partitionKeys = new PartitionKeys();
const options = { partitionKeyFrom: undefined, maxRecordBytes: 1_048_576 };
const userRecord = (sequence: number): BufferedUserRecord =>
  toBufferedUserRecord(
    { partitionKey: 'k', data: `record-${sequence}` },
    sequence,
    0,
    options,
    partitionKeys,
  );
const refused = { code: 'InternalFailure', message: 'no', retryable: true, fatal: false };
const log = safeLogger(undefined);
const giveUp = (held: HeldRecords, records: BufferedUserRecord[]) =>
  held.givenUp(
    tallyOf(records),
    refused,
    records.map(({ bytes }) => bytes),
  );

describe('HeldRecords', () => {
  it('resolves a flush once every record held at its call is settled, whatever came after', async () => {
    const held = new HeldRecords({ maxBufferedRecords: 10, maxBufferedBytes: 1_000 }, log);
    const [first, second, later] = [userRecord(0), userRecord(1), userRecord(2)];
    held.hold(first);
    held.hold(second);
    let done = false;
    const flushed = held.flush(2).then((undeliverable) => {
      done = true;
      return undeliverable;
    });
    held.hold(later);

    giveUp(held, [second]);
    held.written(tallyOf([first]));

    expect((await flushed).map(({ record }) => record.data)).toEqual(['record-1']);
    expect(done).toBe(true);
    expect(held.records).toBe(1);
  });

  it('keeps a record given up while no flush waits, for the next flush only', async () => {
    const held = new HeldRecords({ maxBufferedRecords: 10, maxBufferedBytes: 1_000 }, log);
    const record = userRecord(0);
    held.hold(record);
    giveUp(held, [record]);

    expect(await held.flush(1)).toHaveLength(1);
    expect(await held.flush(1)).toHaveLength(0);
  });

  it('settles the user records of one Kinesis record together, each flush told of its own', async () => {
    const held = new HeldRecords({ maxBufferedRecords: 10, maxBufferedBytes: 1_000 }, log);
    const [a, b, c] = [userRecord(0), userRecord(1), userRecord(2)];
    held.hold(a);
    const first = held.flush(1);
    held.hold(b);
    const second = held.flush(2);
    held.hold(c);

    giveUp(held, [a, b, c]);

    const told = async (flush: Promise<UndeliverableRecord[]>) =>
      (await flush).map(({ record }) => record.data);
    expect(await told(first)).toEqual(['record-0']);
    expect(await told(second)).toEqual(['record-0', 'record-1']);
    // No flush waited for c: the next one is told.
    expect(await told(held.flush(3))).toEqual(['record-2']);
    expect([held.records, held.bytes]).toEqual([0, 0]);
  });

  it('counts for a flush only the records of a written Kinesis record that were held at its call', async () => {
    const held = new HeldRecords({ maxBufferedRecords: 10, maxBufferedBytes: 1_000 }, log);
    const [a, b, c] = [userRecord(0), userRecord(1), userRecord(2)];
    held.hold(a);
    let firstDone = false;
    const first = held.flush(1).then(() => {
      firstDone = true;
    });
    held.hold(b);
    held.hold(c);
    let secondDone = false;
    const second = held.flush(3).then(() => {
      secondDone = true;
    });

    // One aggregate of a and b: the first flush waited for a only, the second for all three.
    held.written(tallyOf([a, b]));
    await first;
    await Promise.resolve();
    expect([firstDone, secondDone]).toEqual([true, false]);

    held.written(tallyOf([c]));
    await second;
    expect([held.records, held.bytes]).toEqual([0, 0]);
  });

  it('is writable under both bounds, and wakes who waits for room (at once when there is)', async () => {
    const held = new HeldRecords({ maxBufferedRecords: 2, maxBufferedBytes: 15 }, log);
    const [a, b] = [userRecord(0), userRecord(1)];
    held.hold(a);
    expect(held.writable).toBe(true);
    let roomAtOnce = false;
    held.whenWritable().then(() => (roomAtOnce = true));
    await Promise.resolve();
    expect(roomAtOnce).toBe(true);
    held.hold(b);
    expect([held.writable, held.urgent]).toEqual([false, true]);

    const room = held.whenWritable();
    held.written(tallyOf([a]));
    await room;
    expect(held.writable).toBe(true);
  });

  it('holds a record given up, within the bounds, until every flush that reports it resolved', async () => {
    const held = new HeldRecords({ maxBufferedRecords: 2, maxBufferedBytes: 1_000 }, log);
    const [a, b] = [userRecord(0), userRecord(1)];
    held.hold(a);
    const first = held.flush(1);
    held.hold(b);
    const second = held.flush(2);

    giveUp(held, [a]);
    expect(await first).toHaveLength(1);
    // The second flush has yet to report it: it is held, and the producer is full.
    expect([held.records, held.givenUpRecords, held.writable]).toEqual([2, 1, false]);

    held.written(tallyOf([b]));
    expect(await second).toHaveLength(1);
    expect([held.records, held.bytes, held.givenUpRecords, held.givenUpBytes]).toEqual([
      0, 0, 0, 0,
    ]);
  });

  it('says once that records given up fill it, when no flush waits for them', async () => {
    const warnings: string[] = [];
    const noting = { ...log, warn: (message: string) => void warnings.push(message) };
    const held = new HeldRecords({ maxBufferedRecords: 2, maxBufferedBytes: 1_000 }, noting);
    const [a, b, c, d, e] = [0, 1, 2, 3, 4].map(userRecord) as BufferedUserRecord[];
    held.hold(a!);
    held.hold(b!);
    const flushed = held.flush(2);

    giveUp(held, [a!]);
    expect([held.writable, warnings]).toEqual([false, []]); // the flush will report it
    held.written(tallyOf([b!]));
    await flushed;

    held.hold(c!);
    held.hold(d!);
    giveUp(held, [c!]);
    held.written(tallyOf([d!]));
    held.hold(e!);
    giveUp(held, [e!]);

    expect(held.writable).toBe(false);
    expect(warnings).toEqual([expect.stringContaining('onUndeliverable')]);
    expect(await held.flush(5)).toHaveLength(2);
  });
});
