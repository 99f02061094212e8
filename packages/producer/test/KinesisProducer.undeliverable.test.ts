// Records given up, in a producer that never flushes (a server, a long-lived worker) as in one
// that does: held within the bounds until flush() reports them, or handed to onUndeliverable.
import {
  KinesisProducer,
  type KinesisProducerOptions,
  KplProducerBufferFullError,
  type UndeliverableRecord,
} from '@kpl-lambda/producer';
import { FAILING_LOGGERS, withUnhandledRejections } from '@kpl-lambda/testing-utils';
import {
  client,
  fast,
  type MockStream,
  mockStream,
  sleep,
  throttled,
} from './helpers/mockKinesis.js';

let stream: MockStream;
beforeEach(() => {
  stream = mockStream(2);
  stream.answer = () => throttled;
});

/** A producer that gives up every record at its first failure, and sends as soon as it may. */
const givingUp = (options: Partial<KinesisProducerOptions> = {}) =>
  new KinesisProducer({
    client,
    streamName: 's',
    maxAttempts: 1,
    maxBufferedMs: 0,
    ...fast,
    ...options,
  });

/** Waits until `condition` holds, looking again each millisecond or so, a few thousand times. */
async function until(condition: () => boolean): Promise<void> {
  for (let looks = 0; !condition(); looks++) {
    if (looks === 3_000) throw new Error(`Still not so: ${condition}`);
    await sleep(1);
  }
}

const recording = () => {
  const warnings: string[] = [];
  const logger = {
    info: () => {},
    warn: (message: string) => warnings.push(message),
    error: () => {},
  };
  return { warnings, logger };
};

const dataOf = (undeliverable: UndeliverableRecord[]) =>
  undeliverable.map(({ record }) => record.data);

describe('a producer that never flushes, without onUndeliverable', () => {
  it.each([true, false])(
    'holds at most maxBufferedRecords given up, says so, and lets go at flush() (aggregate: %s)',
    async (aggregate) => {
      const { warnings, logger } = recording();
      const producer = givingUp({ aggregate, maxBufferedRecords: 50, logger });
      const data = (i: number) => `record-${String(i).padStart(4, '0')}`;

      // As a server does: put while it takes records, and wait for what is in flight.
      let put = 0;
      while (put < 1_000) {
        if (producer.writable) producer.put({ partitionKey: `k${put % 3}`, data: data(put++) });
        else if (producer.bufferedRecords > 0) await until(() => producer.bufferedRecords === 0);
        else break;
      }

      expect(put).toBe(50);
      expect(producer.undeliverableRecords).toBe(50);
      expect(producer.undeliverableBytes).toBe(50 * (data(0).length + 'k0'.length));
      expect([producer.bufferedRecords, producer.bufferedBytes]).toEqual([0, 0]);
      expect(() => producer.put({ partitionKey: 'k', data: 'one more' })).toThrow(
        expect.objectContaining({
          constructor: KplProducerBufferFullError,
          message: expect.stringMatching(/50 of them were given up .*flush\(\).*onUndeliverable/),
        }),
      );
      expect(warnings).toEqual([expect.stringContaining('onUndeliverable')]);
      let room = false;
      const writable = producer.whenWritable().then(() => {
        room = true;
      });
      await sleep(10);
      expect(room).toBe(false);

      const { undeliverable } = await producer.flush();
      await writable;

      expect(dataOf(undeliverable).sort()).toEqual(Array.from({ length: 50 }, (_, i) => data(i)));
      expect([producer.undeliverableRecords, producer.undeliverableBytes]).toEqual([0, 0]);
      expect(producer.writable).toBe(true);
    },
  );

  it('counts given-up bytes against maxBufferedBytes', async () => {
    const producer = givingUp({ maxBufferedRecords: 1_000, maxBufferedBytes: 1_048_576 });

    producer.put({ partitionKey: 'k', data: Buffer.alloc(700_000) });
    await until(() => producer.undeliverableRecords === 1);
    expect(producer.put({ partitionKey: 'k', data: Buffer.alloc(400_000) })).toBe(false);

    expect((await producer.flush()).undeliverable).toHaveLength(2);
    expect(producer.writable).toBe(true);
  });
});

describe('a producer with onUndeliverable', () => {
  it('hands each record given up to it once, keeping none, however long it runs', async () => {
    const handed: UndeliverableRecord[] = [];
    const producer = givingUp({
      maxBufferedRecords: 50,
      onUndeliverable: (undeliverable) => {
        handed.push(undeliverable);
      },
    });

    for (let i = 0; i < 1_000; i++) {
      if (!producer.put({ partitionKey: `k${i % 7}`, data: i })) await producer.whenWritable();
    }
    await until(() => handed.length === 1_000);

    expect(handed.map(({ record }) => record.data).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 1_000 }, (_, i) => i),
    );
    expect(handed[0]).toMatchObject({ errorCode: 'ProvisionedThroughputExceededException' });
    expect([producer.undeliverableRecords, producer.bufferedRecords]).toEqual([0, 0]);
    expect(await producer.flush()).toEqual({ undeliverable: [] });
  });

  it('may put a record again, and flush, from within: every record is written once', async () => {
    const flushes: Array<Promise<unknown>> = [];
    const producer: KinesisProducer = givingUp({
      onUndeliverable: ({ record }) => {
        producer.put(record);
        flushes.push(producer.flush());
      },
    });
    let answers = 0;
    stream.answer = () => (answers++ < 2 ? throttled : { SequenceNumber: '1', ShardId: 's' });

    producer.putMany(['a', 'b', 'c'].map((data) => ({ partitionKey: data, data })));
    await producer.flush();
    await Promise.all(flushes);

    const { userRecordsPut, userRecordsWritten, failedUserRecords } = producer.counters;
    expect(failedUserRecords).toBeGreaterThan(0);
    expect([userRecordsWritten, userRecordsPut]).toEqual([3, 3 + failedUserRecords]);
    expect(flushes).toHaveLength(failedUserRecords);
    expect([producer.bufferedRecords, producer.undeliverableRecords]).toEqual([0, 0]);
  });

  it('holds a record until the promise it returned settles, and flush() waits for it', async () => {
    let settle = () => {};
    const taking = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const producer = givingUp({ onUndeliverable: () => taking });
    let flushed = false;

    producer.put({ partitionKey: 'k', data: 'x' });
    const flush = producer.flush().then((result) => {
      flushed = true;
      return result;
    });
    await until(() => producer.counters.failedUserRecords === 1);
    await sleep(10);

    expect([flushed, producer.undeliverableRecords]).toEqual([false, 1]);
    settle();
    expect(await flush).toEqual({ undeliverable: [] });
    expect(producer.undeliverableRecords).toBe(0);
  });

  describe.each([
    [
      'throws',
      () => {
        throw new Error('dead-letter queue full');
      },
    ],
    ['rejects', () => Promise.reject(new Error('dead-letter queue unreachable'))],
  ])('that %s', (_, fail) => {
    const onUndeliverable = (handed: unknown[]) => (undeliverable: UndeliverableRecord) => {
      if (String(undeliverable.record.data).startsWith('bad')) return fail();
      handed.push(undeliverable.record.data);
    };

    it('loses nothing: flush() reports what it did not take, said once, nothing unhandled', async () => {
      const handed: unknown[] = [];
      const { warnings, logger } = recording();
      const producer = givingUp({ onUndeliverable: onUndeliverable(handed), logger });

      const { result, unhandled } = await withUnhandledRejections(() => {
        for (const data of ['good-1', 'bad-1', 'bad-2']) producer.put({ partitionKey: 'k', data });
        return producer.flush();
      });

      expect(dataOf(result.undeliverable).sort()).toEqual(['bad-1', 'bad-2']);
      expect(handed).toEqual(['good-1']);
      expect(warnings).toEqual([expect.stringContaining('onUndeliverable threw or rejected')]);
      expect(unhandled).toEqual([]);
      expect(producer.undeliverableRecords).toBe(0);
    });

    it('keeps what it did not take, within the bounds, for the next flush()', async () => {
      const handed: unknown[] = [];
      const producer = givingUp({
        onUndeliverable: onUndeliverable(handed),
        maxBufferedRecords: 2,
      });

      producer.put({ partitionKey: 'k', data: 'bad-1' });
      producer.put({ partitionKey: 'k', data: 'good-1' });
      await until(() => handed.length === 1 && producer.undeliverableRecords === 1);
      producer.put({ partitionKey: 'k', data: 'bad-2' });
      await until(() => producer.undeliverableRecords === 2);

      expect(producer.writable).toBe(false);
      expect(dataOf((await producer.flush()).undeliverable)).toEqual(['bad-1', 'bad-2']);
      expect([producer.undeliverableRecords, producer.writable]).toEqual([0, true]);
    });
  });

  it.each(FAILING_LOGGERS)('changes nothing when the logger %s as well', async (_, makeLogger) => {
    const producer = givingUp({
      logger: makeLogger(),
      onUndeliverable: () => Promise.reject(new Error('no')),
    });

    const { result, unhandled } = await withUnhandledRejections(() => {
      producer.put({ partitionKey: 'k', data: 'x' });
      return producer.flush();
    });

    expect(dataOf(result.undeliverable)).toEqual(['x']);
    expect(unhandled).toEqual([]);
  });

  it('refuses an onUndeliverable that is not a function', () => {
    expect(() => givingUp({ onUndeliverable: 'console.error' as never })).toThrow(
      expect.objectContaining({ option: 'onUndeliverable' }),
    );
  });
});
