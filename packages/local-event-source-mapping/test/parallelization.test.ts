// parallelizationFactor: several batches of a shard in flight at once, order kept per partition
// key of the Kinesis records (the parent's, for KPL aggregates), the checkpoint past what every
// batch finished.
import { PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { aggregate, deaggregateRecords, userRecordText } from '@kpl-lambda/core';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { mappingsOf } from './helpers/mappingsOf.js';

let kinesis: LocalKinesis;
let streams = 0;
beforeAll(async () => {
  kinesis = await startLocalKinesis();
});
afterAll(() => kinesis.stop());

/** A stream of one shard holding `r0`, `r1`, ... with the partition keys `keyOf(i)` gives. */
async function streamOf(count: number, keyOf: (i: number) => string) {
  const streamName = `parallel-${++streams}`;
  await kinesis.createStream(streamName, 1);
  const Records = Array.from({ length: count }, (_, i) => ({
    PartitionKey: keyOf(i),
    Data: Buffer.from(`r${i}`),
  }));
  await kinesis.client.send(new PutRecordsCommand({ StreamName: streamName, Records }));
  return streamName;
}

const text = (record: KinesisStreamRecord) => Buffer.from(record.kinesis.data, 'base64').toString();

const mapping = mappingsOf(() => kinesis);

/** A promise and the function that resolves it. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('parallelizationFactor', () => {
  it('keeps each key in order and never in flight twice, while keys run at once', async () => {
    // Six keys, twenty records each, interleaved.
    const streamName = await streamOf(120, (i) => `key-${i % 6}`);
    const inFlight = new Set<string>();
    const seenPerKey = new Map<string, number[]>();
    let concurrent = 0;
    let mostConcurrent = 0;
    const allStarted = gate();
    let started = 0;

    await mapping(streamName, {
      batchSize: 5,
      parallelizationFactor: 3,
      handler: async (event: KinesisStreamEvent) => {
        const keys = new Set(event.Records.map((record) => record.kinesis.partitionKey));
        for (const key of keys) {
          expect(inFlight.has(key)).toBe(false);
          inFlight.add(key);
        }
        mostConcurrent = Math.max(mostConcurrent, ++concurrent);
        // The first three batches wait for each other: three lanes must be in flight at once.
        if (++started === 3) allStarted.open();
        if (started <= 3) await allStarted.opened;
        for (const record of event.Records) {
          const key = record.kinesis.partitionKey;
          seenPerKey.set(key, [...(seenPerKey.get(key) ?? []), Number(text(record).slice(1))]);
        }
        concurrent--;
        for (const key of keys) inFlight.delete(key);
      },
    }).drain({ timeoutMs: 10_000 });

    expect(mostConcurrent).toBe(3);
    for (let k = 0; k < 6; k++) {
      expect(seenPerKey.get(`key-${k}`)).toEqual(Array.from({ length: 20 }, (_, i) => i * 6 + k));
    }
  });

  it('retries a failing batch in its lane, and checkpoints only past what every lane finished', async () => {
    const streamName = await streamOf(12, (i) => `key-${i % 2}`);
    const deliveries: string[][] = [];
    let failures = 0;
    const esm = mapping(streamName, {
      batchSize: 3,
      parallelizationFactor: 2,
      functionResponseTypes: ['ReportBatchItemFailures'],
      handler: async (event: KinesisStreamEvent) => {
        deliveries.push(event.Records.map(text));
        const r4 = event.Records.find((record) => text(record) === 'r4');
        if (r4 !== undefined && failures++ === 0) {
          return { batchItemFailures: [{ itemIdentifier: r4.kinesis.sequenceNumber }] };
        }
        return { batchItemFailures: [] };
      },
    });

    await esm.drain();
    await esm.drain(); // the checkpoint is past everything: nothing again

    const ofKey = (k: number) => deliveries.filter((batch) => Number(batch[0]!.slice(1)) % 2 === k);
    // key-0 is r0, r2, r4, ...: its lane retries from r4, later successes included.
    expect(ofKey(0)).toEqual([['r0', 'r2', 'r4'], ['r4'], ['r6', 'r8', 'r10']]);
    expect(ofKey(1)).toEqual([
      ['r1', 'r3', 'r5'],
      ['r7', 'r9', 'r11'],
    ]);
    expect(esm.counters).toMatchObject({ retries: 1, recordsDelivered: 13 });
  });

  it('delivers again, after a stopped drain, from the first record a lane had not finished', async () => {
    const streamName = await streamOf(8, (i) => `key-${i % 2}`);
    let poisoned = true;
    const deliveries: string[][] = [];
    const esm = mapping(streamName, {
      batchSize: 4,
      parallelizationFactor: 2,
      handler: async (event: KinesisStreamEvent) => {
        deliveries.push(event.Records.map(text));
        // key-1's lane (r1, r3, r5, r7) fails for ever; key-0's finishes at once.
        if (poisoned && event.Records.some((record) => text(record) === 'r1')) {
          throw new Error('poison');
        }
      },
    });
    const abort = new AbortController();
    const stopWhenRetried = setInterval(() => {
      if (esm.counters.retries > 3) abort.abort();
    }, 5);
    await expect(esm.drain({ signal: abort.signal })).rejects.toThrow('aborted');
    clearInterval(stopWhenRetried);
    expect(deliveries).toContainEqual(['r0', 'r2', 'r4', 'r6']);

    poisoned = false;
    deliveries.length = 0;
    await esm.drain();

    // The checkpoint never passed r1: r2 ... r6, done by the other lane, come again too.
    expect(deliveries.flat().sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('lets a user key spread over aggregates with different outer keys run out of order', async () => {
    const streamName = `parallel-${++streams}`;
    await kinesis.createStream(streamName, 1);
    // As core's aggregate() builds them: each aggregate's outer key is its first record's key.
    const [first, second] = aggregate(
      [
        { partitionKey: 'alice', data: 'alice-1' },
        { partitionKey: 'bob', data: 'bob-1' },
        { partitionKey: 'bob', data: 'bob-2' },
        { partitionKey: 'alice', data: 'alice-2' },
      ],
      { aggregationMaxCount: 2 },
    );
    expect([first!.partitionKey, second!.partitionKey]).toEqual(['alice', 'bob']);
    for (const record of [first!, second!]) {
      await kinesis.client.send(
        new PutRecordCommand({
          StreamName: streamName,
          PartitionKey: record.partitionKey,
          Data: record.data,
        }),
      );
    }

    const finishOrder = async (parallelizationFactor: number) => {
      const finished: string[] = [];
      const secondDone = gate();
      await mapping(streamName, {
        parallelizationFactor,
        handler: async (event: KinesisStreamEvent) => {
          const userRecords = deaggregateRecords(event.Records).map(userRecordText);
          // With two lanes, the first aggregate's batch finishes only after the second's.
          if (parallelizationFactor > 1 && userRecords.includes('alice-1')) {
            await secondDone.opened;
          }
          finished.push(...userRecords);
          if (userRecords.includes('alice-2')) secondDone.open();
        },
      }).drain({ timeoutMs: 10_000 });
      return finished.filter((data) => data.startsWith('alice'));
    };

    expect(await finishOrder(1)).toEqual(['alice-1', 'alice-2']);
    expect(await finishOrder(2)).toEqual(['alice-2', 'alice-1']);
  });
});
