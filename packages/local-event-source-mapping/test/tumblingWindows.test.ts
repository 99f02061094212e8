// tumblingWindowInSeconds: windows by approximate arrival time, state carried from one
// invocation of a shard's window to the next, a final invocation, a fresh state per window.
import { PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { type KinesisTumblingWindow, KplConfigurationError } from '@kpl-lambda/core';
import {
  KinesisEventSourceMapping,
  type KinesisOnFailureRecord,
} from '@kpl-lambda/local-event-source-mapping';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { mappingsOf } from './helpers/mappingsOf.js';

type WindowEvent = KinesisStreamEvent & KinesisTumblingWindow<{ seen?: string[] }>;

let kinesis: LocalKinesis;
let streams = 0;
beforeAll(async () => {
  kinesis = await startLocalKinesis();
});
afterAll(() => kinesis.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits, when the next window boundary is near, until it has passed: records written next then
 * all arrive in one window of `seconds`.
 */
async function clearOfWindowEdge(seconds: number, marginMs = 300) {
  const untilEdge = seconds * 1000 - (Date.now() % (seconds * 1000));
  if (untilEdge < marginMs) await sleep(untilEdge + 20);
}

async function write(streamName: string, from: number, to: number) {
  const Records = [];
  for (let i = from; i < to; i++)
    Records.push({ PartitionKey: `k${i}`, Data: Buffer.from(`r${i}`) });
  await kinesis.client.send(new PutRecordsCommand({ StreamName: streamName, Records }));
}

async function streamOf(count: number, seconds = 900) {
  const streamName = `windows-${++streams}`;
  await kinesis.createStream(streamName, 1);
  await clearOfWindowEdge(seconds);
  await write(streamName, 0, count);
  return streamName;
}

const text = (record: KinesisStreamRecord) => Buffer.from(record.kinesis.data, 'base64').toString();

/** A handler that keeps each event and adds the records' texts to `state.seen`. */
function windowHandler(respond: (event: WindowEvent, seen: string[]) => unknown = () => undefined) {
  const events: WindowEvent[] = [];
  const handler = async (event: WindowEvent) => {
    events.push(structuredClone(event));
    const seen = [...(event.state?.seen ?? []), ...event.Records.map(text)];
    const response = respond(event, seen);
    return response === undefined ? { state: { seen }, batchItemFailures: [] } : response;
  };
  return { events, handler };
}

const mapping = mappingsOf(() => kinesis, { tumblingWindowInSeconds: 900 });

const summary = (event: WindowEvent) => ({
  records: event.Records.map(text),
  state: event.state,
  final: event.isFinalInvokeForWindow,
});

describe('tumblingWindowInSeconds', () => {
  it('carries the state between invocations, and ends the window once it is over', async () => {
    const streamName = await streamOf(5);
    let now = Date.now();
    const { events, handler } = windowHandler();
    const esm = mapping(streamName, { handler, batchSize: 2, clock: () => now });

    await esm.drain();
    // The window is not over yet: no final invocation.
    expect(events.map(summary)).toEqual([
      { records: ['r0', 'r1'], state: {}, final: false },
      { records: ['r2', 'r3'], state: { seen: ['r0', 'r1'] }, final: false },
      { records: ['r4'], state: { seen: ['r0', 'r1', 'r2', 'r3'] }, final: false },
    ]);

    now += 900_000;
    await esm.drain();
    await esm.drain(); // the window is closed: nothing more

    expect(events.slice(3).map(summary)).toEqual([
      { records: [], state: { seen: ['r0', 'r1', 'r2', 'r3', 'r4'] }, final: true },
    ]);
    const [first] = events;
    const start = Date.parse(first!.window.start);
    expect(first).toMatchObject({
      window: {
        start: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/),
        end: new Date(start + 900_000).toISOString().replace('.000Z', 'Z'),
      },
      shardId: 'shardId-000000000000',
      eventSourceARN: expect.stringMatching(new RegExp(`:stream/${streamName}$`)),
      isWindowTerminatedEarly: false,
    });
    expect(start % 900_000).toBe(0);
    expect(first!.Records[0]!.kinesis.approximateArrivalTimestamp * 1000).toBeGreaterThanOrEqual(
      start,
    );
  });

  it('opens each window with a fresh state, after the final invocation of the one before', async () => {
    const streamName = await streamOf(2, 1);
    // The next records arrive in the next one-second window.
    await sleep(1_000 - (Date.now() % 1_000) + 20);
    await write(streamName, 2, 4);
    const { events, handler } = windowHandler();

    await mapping(streamName, { handler, tumblingWindowInSeconds: 1 }).drain();

    expect(events.map(summary).slice(0, 3)).toEqual([
      { records: ['r0', 'r1'], state: {}, final: false },
      { records: [], state: { seen: ['r0', 'r1'] }, final: true },
      { records: ['r2', 'r3'], state: {}, final: false },
    ]);
    expect(Date.parse(events[2]!.window.start)).toBe(Date.parse(events[0]!.window.end));
  });

  it('retries a failed invocation with the state it was given, and keeps a partial success’s', async () => {
    const streamName = await streamOf(6);
    let invocations = 0;
    const { events, handler } = windowHandler((event, seen) => {
      invocations++;
      // The first invocation fails r2 (its state holds what came before it), the next throws.
      if (invocations === 1) {
        const r2 = event.Records[2]!.kinesis.sequenceNumber;
        return { state: { seen: seen.slice(0, 2) }, batchItemFailures: [{ itemIdentifier: r2 }] };
      }
      if (invocations === 2) throw new Error('down');
      return undefined;
    });

    await mapping(streamName, {
      handler,
      batchSize: 3,
      functionResponseTypes: ['ReportBatchItemFailures'],
      clock: () => Date.now() + 900_000,
    }).drain();

    expect(events.map(summary)).toEqual([
      { records: ['r0', 'r1', 'r2'], state: {}, final: false },
      { records: ['r2'], state: { seen: ['r0', 'r1'] }, final: false },
      { records: ['r2'], state: { seen: ['r0', 'r1'] }, final: false },
      { records: ['r3', 'r4', 'r5'], state: { seen: ['r0', 'r1', 'r2'] }, final: false },
      { records: [], state: { seen: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'] }, final: true },
    ]);
  });

  it.each([
    ['no response', null],
    ['a response without state', { batchItemFailures: [] }],
    ['a state that is no object', { state: [1, 2] }],
  ])('takes %s as a failed invocation', async (_, response) => {
    const streamName = await streamOf(1);
    let first = true;
    const { events, handler } = windowHandler(() => {
      if (!first) return undefined;
      first = false;
      return response;
    });
    const esm = mapping(streamName, { handler });

    await esm.drain();

    expect(events.map(summary)).toEqual([
      { records: ['r0'], state: {}, final: false },
      { records: ['r0'], state: {}, final: false },
    ]);
    expect(esm.counters).toMatchObject({ retries: 1, invalidResponses: 1 });
  });

  it('ends a window early when its state outgrows 1 MB, and goes on with a fresh state', async () => {
    const streamName = await streamOf(2);
    const big = 'x'.repeat(1_048_576);
    const { events, handler } = windowHandler((event, seen) =>
      event.Records.some((record) => text(record) === 'r0')
        ? { state: { seen, big } }
        : { state: { seen } },
    );

    await mapping(streamName, { handler, batchSize: 1 }).drain();

    expect(
      events.map((event) => ({
        ...summary(event),
        state: Object.keys(event.state ?? {}),
        early: event.isWindowTerminatedEarly,
      })),
    ).toEqual([
      { records: ['r0'], state: [], final: false, early: false },
      { records: [], state: ['seen', 'big'], final: true, early: true },
      { records: ['r1'], state: [], final: false, early: false },
    ]);
    expect(events[2]!.window).toEqual(events[0]!.window);
  });

  it('ends the window of a shard that ended before its children start theirs', async () => {
    const streamName = await streamOf(2);
    await kinesis.client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    const { events, handler } = windowHandler();

    await mapping(streamName, { handler }).drain();

    expect(events.map((event) => [event.shardId, event.isFinalInvokeForWindow])).toEqual([
      ['shardId-000000000000', false],
      ['shardId-000000000000', true],
    ]);
  });

  it('retries a failing final invocation, and gives it up after maximumRetryAttempts', async () => {
    const streamName = await streamOf(1);
    const givenUp: KinesisOnFailureRecord[] = [];
    const { events, handler } = windowHandler((event) => {
      if (event.isFinalInvokeForWindow) throw new Error('cannot write the totals');
      return undefined;
    });
    const esm = mapping(streamName, {
      handler,
      maximumRetryAttempts: 1,
      clock: () => Date.now() + 900_000,
      onFailure: (record) => void givenUp.push(record),
    });

    await esm.drain();
    await esm.drain();

    expect(events.map((event) => event.isFinalInvokeForWindow)).toEqual([false, true, true]);
    // A final invocation has no records: nothing goes to the on-failure destination.
    expect(givenUp).toEqual([]);
    expect(esm.counters.batchesGivenUp).toBe(1);
  });
});

describe('tumblingWindowInSeconds and parallelizationFactor options', () => {
  it.each([
    [{ tumblingWindowInSeconds: 901 }, 'tumblingWindowInSeconds'],
    [{ tumblingWindowInSeconds: 1.5 }, 'tumblingWindowInSeconds'],
    [{ parallelizationFactor: 11 }, 'parallelizationFactor'],
    [{ parallelizationFactor: 0 }, 'parallelizationFactor'],
    [{ tumblingWindowInSeconds: 60, parallelizationFactor: 2 }, 'parallelizationFactor'],
    [{ clock: 1 }, 'clock'],
    [{ tumblingWindowsInSeconds: 60 }, 'tumblingWindowsInSeconds'],
  ])('refuses %j, naming the option', (options, option) => {
    const make = () =>
      new KinesisEventSourceMapping({
        client: kinesis.client,
        streamName: 's',
        handler: () => undefined,
        ...(options as object),
      });
    expect(make).toThrow(KplConfigurationError);
    expect(make).toThrow(expect.objectContaining({ option }));
  });
});
