// A producer that reaches its buffer bound, as the README's whenWritable() loop does, must not send its aggregates part-full each time: PUT payload units are what
// Kinesis bills, and aggregation is there to save them.
import { KinesisProducer } from '@kpl-lambda/producer';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';

const kinesis = useLocalKinesis();
let streams = 0;

/** Puts 100-byte records of 1,000 keys as fast as the producer takes them. */
async function putAll(records: number, maxBufferedRecords: number) {
  const streamName = `backpressure-${++streams}`;
  await kinesis().createStream(streamName, 4);
  // No timer: what sends an aggregate here is its size or the bound alone, however busy the
  // machine that runs the test (a timer would send part-full aggregates of its own).
  const producer = new KinesisProducer({
    client: kinesis().client,
    streamName,
    maxBufferedRecords,
    maxBufferedMs: Number.POSITIVE_INFINITY,
  });
  const data = new Uint8Array(100);
  let waits = 0;
  for (let i = 0; i < records; i++) {
    if (!producer.put({ data, partitionKey: `key-${i % 1_000}` })) {
      waits++;
      await producer.whenWritable();
    }
  }
  expect((await producer.flush()).undeliverable).toEqual([]);
  return { ...producer.counters, waits };
}

it('fills its aggregates at its buffer bound as one that never reaches it does', async () => {
  const bounded = await putAll(60_000, 4_000);
  const unbounded = await putAll(60_000, 1_000_000);

  expect(bounded.waits).toBeGreaterThan(10);
  expect(unbounded.waits).toBe(0);
  expect(bounded.userRecordsWritten).toBe(60_000);
  expect(bounded.putPayloadUnits).toBeLessThanOrEqual(Math.ceil(unbounded.putPayloadUnits * 1.05));
}, 60_000);
