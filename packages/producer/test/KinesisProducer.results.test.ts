// A result per user record (putWithResult): why it was given up, in agreement with what flush()
// reports and onUndeliverable is handed (where it was written: KinesisProducer.kinesalite.test.ts).
import { KplInvalidRecordError } from '@kpl-lambda/core';
import {
  KinesisProducer,
  KplUndeliverableRecordError,
  type ProducerRecord,
  type PutResult,
  type UndeliverableRecord,
} from '@kpl-lambda/producer';
import { client, fast, mockStream, throttled } from './helpers/mockKinesis.js';

describe('putWithResult', () => {
  it('rejects with the record and its last error when it is given up, which onUndeliverable also takes', async () => {
    const stream = mockStream(2);
    stream.answer = () => throttled;
    const handed: UndeliverableRecord[] = [];
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      ...fast,
      maxAttempts: 2,
      onUndeliverable: (undeliverable) => {
        handed.push(undeliverable);
      },
    });
    const record = { partitionKey: 'k', data: 'throttled' };

    const error = await producer.putWithResult(record).catch((rejection: unknown) => rejection);

    expect(error).toBeInstanceOf(KplUndeliverableRecordError);
    expect(error).toMatchObject({
      record,
      errorCode: 'ProvisionedThroughputExceededException',
      errorMessage: 'Rate exceeded',
    });
    expect(handed).toEqual([
      {
        record,
        errorCode: 'ProvisionedThroughputExceededException',
        errorMessage: 'Rate exceeded',
      },
    ]);
  });

  it('throws what put throws, taking nothing, and the next record gets its own result', async () => {
    mockStream(2);
    const producer = new KinesisProducer({ client, streamName: 's', ...fast });

    expect(() => producer.putWithResult({ partitionKey: '', data: 'x' })).toThrow(
      KplInvalidRecordError,
    );
    await expect(producer.putWithResult({ partitionKey: 'k', data: 'x' })).resolves.toMatchObject({
      attempts: 1,
    });
    expect(producer.bufferedRecords).toBe(0);
  });

  it('gives a record put from partitionKeyFrom a result of its own, apart from the record being put', async () => {
    const stream = mockStream(2);
    // Each record's sequence number is its data: a result tells which record it is of.
    stream.answer = (entry) => ({
      SequenceNumber: Buffer.from(entry.Data!).toString(),
      ShardId: 'shardId-0',
    });
    let inner: Promise<PutResult> | undefined;
    const producer: KinesisProducer = new KinesisProducer({
      client,
      streamName: 's',
      ...fast,
      aggregate: false,
      partitionKeyFrom: () => {
        inner ??= producer.putWithResult({ partitionKey: 'inner', data: 'inner' });
        return 'outer';
      },
    });

    const outer = producer.putWithResult({ data: 'outer' });
    await producer.flush();

    // Both written by now: a result still pending is one that was lost.
    const pending = new Promise((resolve) => setImmediate(() => resolve('pending')));
    const sequenceNumberOf = (result: Promise<PutResult>) =>
      Promise.race([result.then(({ sequenceNumber }) => sequenceNumber), pending]);
    expect(await sequenceNumberOf(outer)).toBe('outer');
    expect(await sequenceNumberOf(inner!)).toBe('inner');
  });

  it('agrees with what two callers flushing at once are each reported', async () => {
    const stream = mockStream(4);
    // Records of keys "lost-*" never get through; the others do at their second try.
    const tries = new Map<string, number>();
    stream.answer = (entry, call) => {
      const key = entry.PartitionKey!;
      const tried = (tries.get(key) ?? 0) + 1;
      tries.set(key, tried);
      if (key.startsWith('lost') || tried === 1) return throttled;
      return { SequenceNumber: `${call}`, ShardId: 'shardId-0' };
    };
    const producer = new KinesisProducer({
      client,
      streamName: 's',
      aggregate: false,
      ...fast,
      maxAttempts: 3,
    });
    const outcomes = new Map<ProducerRecord, 'written' | string>();
    const caller = async (name: string) => {
      const results = Array.from({ length: 40 }, (_, i) => {
        const record = { partitionKey: `${i % 5 === 0 ? 'lost' : 'ok'}-${name}-${i}`, data: i };
        return producer.putWithResult(record).then(
          () => outcomes.set(record, 'written'),
          (error: KplUndeliverableRecordError) => outcomes.set(error.record, error.errorCode),
        );
      });
      const { undeliverable } = await producer.flush();
      await Promise.all(results);
      return undeliverable;
    };

    const [first, second] = await Promise.all([caller('a'), caller('b')]);

    const rejected = [...outcomes].filter(([, outcome]) => outcome !== 'written');
    expect(rejected).toHaveLength(16);
    for (const report of [first, second]) {
      for (const { record, errorCode } of report) expect(outcomes.get(record)).toBe(errorCode);
    }
    // Every record given up is reported by a flush that waited for it, and none written is.
    const keysOf = (records: Iterable<ProducerRecord>) =>
      [...new Set(records)].map(({ partitionKey }) => partitionKey).sort();
    const reported = [...first!, ...second!].map(({ record }) => record);
    expect(keysOf(reported)).toEqual(keysOf(rejected.map(([record]) => record)));
    expect(outcomes.size).toBe(80);
  });
});
