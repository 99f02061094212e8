import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { plainKinesisRecord } from '../src/aggregation/kinesisRecords.js';
import { HeldRecords } from '../src/HeldRecords.js';
import { resolveProducerOptions } from '../src/options.js';
import { zeroProducerCounters } from '../src/producerMetrics.js';
import { PartitionKeys } from '../src/routing/PartitionKeys.js';
import { KinesisRecordQueues } from '../src/sending/KinesisRecordQueues.js';
import { PutRecordsSender } from '../src/sending/PutRecordsSender.js';
import { RecordResults } from '../src/sending/RecordResults.js';
import { toBufferedUserRecord } from '../src/userRecords.js';
import { client, fast, kinesis, throttled } from './helpers/mockKinesis.js';

const options = resolveProducerOptions({ client, streamName: 'orders', maxAttempts: 2, ...fast });

/** A sender with real queues and accounting, the Kinesis records queued one per key. */
function sending(keys: string[]) {
  const queues = new KinesisRecordQueues();
  const counters = zeroProducerCounters();
  const logged: string[] = [];
  const log = {
    debug: () => {},
    info: () => {},
    warn: (message: string) => logged.push(`warn: ${message}`),
    error: (message: string) => logged.push(`error: ${message}`),
  };
  const held = new HeldRecords(options, log);
  let misrouted = 0;
  const sender = new PutRecordsSender({
    options,
    measure: options,
    queues,
    results: new RecordResults(held, counters),
    counters,
    log,
    onMisrouted: () => misrouted++,
  });
  const partitionKeys = new PartitionKeys();
  const request = keys.map((key, sequence) => {
    const record = { partitionKey: key, data: key };
    const userRecord = toBufferedUserRecord(record, sequence, 0, options, partitionKeys);
    held.hold(userRecord);
    const kinesisRecord = plainKinesisRecord(userRecord, key, 'shardId-0', 0);
    queues.enqueue(kinesisRecord);
    return kinesisRecord;
  });
  return { sender, request, queues, held, counters, logged, misrouted: () => misrouted };
}

beforeEach(() => kinesis.reset());

describe('PutRecordsSender', () => {
  it('settles what was written, and says when an aggregate landed on another shard', async () => {
    kinesis.on(PutRecordsCommand).resolves({
      Records: [
        { SequenceNumber: '1', ShardId: 'shardId-0' },
        { SequenceNumber: '2', ShardId: 'shardId-1' },
      ],
    });
    const { sender, request, held, counters, logged, misrouted } = sending(['a', 'b']);

    await sender.send(request);

    expect(held.records).toBe(0);
    expect(counters).toMatchObject({ kinesisRecordsWritten: 2, misroutedKinesisRecords: 1 });
    expect(misrouted()).toBe(1);
    expect(logged).toEqual([
      'warn: An aggregate landed on an unexpected shard: learning the shards again',
    ]);
  });

  it('puts a throttled record back at the head of its queue, then gives it up', async () => {
    kinesis.on(PutRecordsCommand).resolves({ Records: [throttled] });
    const { sender, request, queues, held, counters, logged } = sending(['a']);

    await sender.send(request);
    expect(counters.retries).toBe(1);
    expect(held.records).toBe(1);
    expect(queues.nextRequest(Number.POSITIVE_INFINITY, true, options)).toEqual(request);

    await sender.send(request);
    // Given up, and held until a flush reports it.
    expect([held.records, held.givenUpRecords]).toEqual([1, 1]);
    expect(counters.failedUserRecords).toBe(1);
    expect(logged).toEqual(['error: Kinesis records given up']);
  });

  it('logs a refusal once per error code, until a call succeeds', async () => {
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    kinesis.on(PutRecordsCommand).rejects(denied);
    const { sender, request, logged } = sending(['a', 'b', 'c']);

    await sender.send([request[0]!]);
    await sender.send([request[1]!]);
    expect(logged).toEqual(['error: Kinesis records given up']);

    kinesis.on(PutRecordsCommand).resolves({ Records: [] });
    // A call that answers (here for none of its records) clears what was logged.
    await sender.send([request[2]!]);
    kinesis.on(PutRecordsCommand).rejects(denied);
    await sender.send([request[2]!]);
    expect(logged).toEqual(['error: Kinesis records given up', 'error: Kinesis records given up']);
  });
});
