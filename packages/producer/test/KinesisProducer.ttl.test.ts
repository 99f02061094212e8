// A time to live for records (recordTtlMs), on a fake clock: a record not written in time is given
// up as EXPIRED when its time comes, not before and not at the next flush, and nothing else is.
import {
  KinesisProducer,
  type KinesisProducerOptions,
  type UndeliverableRecord,
} from '@kpl-lambda/producer';
import {
  client,
  type MockStream,
  mockStream,
  streamLearnt,
  throttled,
} from './helpers/mockKinesis.js';

let stream: MockStream;
let handed: Array<UndeliverableRecord & { at: number }>;
beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'], now: 0 });
  stream = mockStream(2);
  handed = [];
});
afterEach(() => jest.useRealTimers());

const producer = (options: Partial<KinesisProducerOptions> = {}) =>
  new KinesisProducer({
    client,
    streamName: 's',
    recordTtlMs: 1_000,
    maxAttempts: 1_000_000,
    baseDelayMs: 1,
    maxDelayMs: 20,
    onUndeliverable: (undeliverable) => {
      handed.push({ ...undeliverable, at: Date.now() });
    },
    ...options,
  });

/** Moves the fake clock to `at`, running every timer and promise due on the way. */
const advanceTo = (at: number) => jest.advanceTimersByTimeAsync(at - Date.now());

describe('recordTtlMs', () => {
  it('gives a record up as EXPIRED when its time to live runs out, and the one behind it is written', async () => {
    let stuckUntil = Number.POSITIVE_INFINITY;
    stream.answer = (entry) =>
      Buffer.from(entry.Data!).toString().startsWith('stuck') && Date.now() < stuckUntil
        ? throttled
        : { SequenceNumber: '1', ShardId: 'shardId-0' };
    // Backoffs of up to seconds: the record is given up at its time, not at its next attempt.
    const p = producer({ aggregate: false, baseDelayMs: 400, maxDelayMs: 5_000 });
    await streamLearnt();

    p.put({ partitionKey: 'stuck', data: 'stuck-1' });
    p.put({ partitionKey: 'other', data: 'other-1' });
    await advanceTo(500);
    p.put({ partitionKey: 'stuck', data: 'stuck-2' });
    await advanceTo(999);
    expect(handed).toEqual([]);
    expect(p.counters.retries).toBeGreaterThan(0);

    stuckUntil = 1_000;
    await advanceTo(1_000);

    expect(handed).toEqual([
      {
        record: { partitionKey: 'stuck', data: 'stuck-1' },
        errorCode: 'EXPIRED',
        errorMessage: expect.stringMatching(
          /recordTtlMs \(1000 ms\).*last attempt failed with ProvisionedThroughputExceededException/,
        ),
        at: 1_000,
      },
    ]);
    const flushed = p.flush();
    await advanceTo(10_000);
    expect((await flushed).undeliverable).toEqual([]);
    expect(stream.calls.flat().filter((data) => data !== 'stuck-1')).toEqual([
      'other-1',
      'stuck-2',
    ]);
    expect(p.counters).toMatchObject({
      expiredUserRecords: 1,
      failedUserRecords: 1,
      userRecordsWritten: 2,
    });
  });

  it('gives an aggregate up with its oldest user record, also while it lingers open', async () => {
    const p = producer({ maxBufferedMs: Number.POSITIVE_INFINITY });
    await streamLearnt();

    p.put({ partitionKey: 'k', data: 'first' });
    await advanceTo(50);
    p.put({ partitionKey: 'k', data: 'second' });
    await advanceTo(600);
    p.put({ partitionKey: 'j', data: 'later' });
    await advanceTo(999);
    expect([handed, stream.calls]).toEqual([[], []]);

    await advanceTo(1_000);
    expect(handed.map(({ record, errorCode, at }) => [record.data, errorCode, at])).toEqual([
      ['first', 'EXPIRED', 1_000],
      ['second', 'EXPIRED', 1_000],
    ]);
    await p.flush();
    expect(stream.calls).toEqual([['later']]);
    expect(p.counters).toMatchObject({ expiredUserRecords: 2, userRecordsWritten: 1 });
  });
});
