// Whatever the daemon's end of the pipe holds, start answers only what it understood as the
// daemon meant it. A stream of valid messages, written in any chunks (cut anywhere, in the middle
// of a UTF-8 character too), gets the same replies as written a message at a time, and hands the
// processor exactly what was sent. Lines that are no message, anywhere, are skipped with a
// warning each and change no reply. A message start cannot act on (an unknown action, a field of
// the wrong type, a record whose data is not base64) rejects start() with KplKclProtocolError,
// unanswered, before any of it runs. Nothing ends the process.
import { Buffer } from 'node:buffer';
import { PassThrough } from 'node:stream';
import {
  type InitializeInput,
  type KclUserRecord,
  KplKclProtocolError,
  type RecordProcessor,
  start,
} from '@kpl-lambda/kcl';
import { withUnhandledRejections } from '@kpl-lambda/testing-utils';
import fc from 'fast-check';
import { fakeDaemon } from './helpers/fakeDaemon.js';

type Message = { action: string } & Record<string, unknown>;

const ACTIONS = [
  'initialize',
  'processRecords',
  'leaseLost',
  'shardEnded',
  'shutdownRequested',
  'shutdown',
  'checkpoint',
];

const digits = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength });
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const orNull = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });

/** A record as the daemon writes it: the sequence numbers of Kinesis run to 129 digits. */
const record = fc.record({
  data: fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  partitionKey: orNull(text),
  sequenceNumber: digits(129),
  subSequenceNumber: orNull(fc.maxSafeNat()),
  approximateArrivalTimestamp: orNull(fc.integer({ min: 0, max: 4_102_444_800_000 })),
});

const validMessage: fc.Arbitrary<Message> = fc.oneof(
  fc.record(
    {
      action: fc.constant('initialize'),
      shardId: text,
      sequenceNumber: orNull(fc.oneof(digits(40), fc.constant('TRIM_HORIZON'))),
      subSequenceNumber: orNull(fc.maxSafeNat()),
    },
    { requiredKeys: ['action', 'shardId'] },
  ),
  fc.record(
    {
      action: fc.constant('processRecords'),
      records: fc.array(record, { maxLength: 4 }),
      millisBehindLatest: orNull(fc.nat()),
    },
    { requiredKeys: ['action', 'records'] },
  ),
  fc.constantFrom(
    { action: 'leaseLost' },
    { action: 'shardEnded' },
    { action: 'shutdownRequested' },
    { action: 'shutdown', reason: 'TERMINATE' },
    { action: 'shutdown', reason: 'ZOMBIE' },
    { action: 'shutdown', reason: 'REQUESTED' },
  ),
);

/** `value` with one of `strangers` put in at any place. */
const spoiled = (value: fc.Arbitrary<string>, strangers: string) =>
  fc.tuple(value, fc.nat(), fc.constantFrom(...strangers)).map(([good, at, stranger]) => {
    const place = at % (good.length + 1);
    return good.slice(0, place) + stranger + good.slice(place);
  });

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.nat()));
const notSubSequence = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }),
  fc.constant(2 ** 53),
  digits(3),
  fc.boolean(),
);

/** A valid record whose `field` is one of `values`. */
const recordWith = (field: string, values: fc.Arbitrary<unknown>) =>
  fc.tuple(record, values).map(([valid, value]) => ({ ...valid, [field]: value }));

/** A record with one field unlike what the daemon writes, or no record at all. */
const badRecord = fc.oneof(
  recordWith(
    'data',
    spoiled(
      record.map((valid) => valid.data),
      '!=-_.~ é\t',
    ),
  ),
  recordWith(
    'data',
    fc
      .uint8Array({ minLength: 1, maxLength: 9 })
      .map((bytes) => Buffer.from(bytes).toString('base64').slice(0, -1)),
  ),
  recordWith('sequenceNumber', spoiled(digits(20), '-.e a١')),
  recordWith('sequenceNumber', fc.oneof(fc.constant(''), fc.integer())),
  recordWith('subSequenceNumber', notSubSequence),
  recordWith('partitionKey', fc.oneof(fc.integer(), fc.boolean())),
  recordWith('approximateArrivalTimestamp', fc.oneof(text, fc.constant(1e300), fc.boolean())),
  fc.oneof(fc.constant(null), fc.integer(), text, fc.array(fc.nat())),
);

/** A line that is a message, but one start cannot act on as the daemon meant it. */
const malformedMessage: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ action: fc.string().filter((action) => !ACTIONS.includes(action)) }),
  fc.constant({ action: 'checkpoint', error: null }),
  notAString.map((shardId) => ({ action: 'initialize', shardId })),
  fc.constant({ action: 'initialize' }),
  fc.oneof(fc.integer(), fc.boolean()).map((sequenceNumber) => ({
    action: 'initialize',
    shardId: 's',
    sequenceNumber,
  })),
  notSubSequence.map((subSequenceNumber) => ({
    action: 'initialize',
    shardId: 's',
    subSequenceNumber,
  })),
  fc.oneof(fc.constant(undefined), fc.dictionary(text, fc.nat()), text).map((records) => ({
    action: 'processRecords',
    records,
  })),
  fc
    .tuple(fc.array(record, { maxLength: 3 }), badRecord, fc.array(record, { maxLength: 3 }))
    .map(([before, bad, after]) => ({
      action: 'processRecords',
      records: [...before, bad, ...after],
    })),
  fc.oneof(text, fc.boolean()).map((millisBehindLatest) => ({
    action: 'processRecords',
    records: [],
    millisBehindLatest,
  })),
  fc
    .oneof(
      fc.string().filter((reason) => !['TERMINATE', 'ZOMBIE', 'REQUESTED'].includes(reason)),
      fc.integer(),
    )
    .map((reason) => ({ action: 'shutdown', reason })),
  fc.constant({ action: 'shutdown' }),
);

const isMessage = (line: string) => {
  try {
    return typeof JSON.parse(line)?.action === 'string';
  } catch {
    return false;
  }
};

/** A line that is no message: any text, JSON cut short, JSON of another shape. Never blank. */
const notAMessage = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.tuple(validMessage, fc.nat()).map(([message, at]) => {
      const json = JSON.stringify(message);
      return json.slice(0, 1 + (at % (json.length - 1)));
    }),
    fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
  )
  .filter((line) => line.trim() !== '' && !/[\r\n]/.test(line) && !isMessage(line));

/** What the processor is handed, in order: hooks and user records. */
function processorNoting(seen: unknown[]): RecordProcessor {
  return {
    initialize: (input: InitializeInput) => void seen.push(['initialize', input]),
    processRecord: (userRecord: KclUserRecord) => {
      const { data, partitionKey, sequenceNumber, subSequenceNumber } = userRecord;
      const base64 = Buffer.from(data).toString('base64');
      const arrival = userRecord.approximateArrivalTimestamp.getTime();
      seen.push(['record', base64, partitionKey, sequenceNumber, subSequenceNumber, arrival]);
      // A checkpoint now and then, asked for by the processor.
      return ((data[0] ?? 0) & 1) === 1;
    },
    leaseLost: () => void seen.push('leaseLost'),
    shardEnded: () => void seen.push('shardEnded'),
    shutdownRequested: () => void seen.push('shutdownRequested'),
  };
}

/** What a processor must be handed for `messages`, from the daemon's own definitions. */
function handedFor(messages: Message[]): unknown[] {
  return messages.flatMap((message): unknown[] => {
    switch (message.action) {
      case 'initialize': {
        const { shardId, sequenceNumber, subSequenceNumber } = message;
        const checkpoint = Object.entries({ sequenceNumber, subSequenceNumber });
        const given = checkpoint.filter(([, value]) => value !== null && value !== undefined);
        return [['initialize', { shardId, ...Object.fromEntries(given) }]];
      }
      case 'processRecords':
        return (message.records as Array<Record<string, unknown>>).map((r) => [
          'record',
          r.data,
          r.partitionKey,
          r.sequenceNumber,
          r.subSequenceNumber ?? 0,
          r.approximateArrivalTimestamp ?? 0,
        ]);
      case 'shutdown':
        return [message.reason === 'TERMINATE' ? 'shardEnded' : 'leaseLost'];
      default:
        return [message.action];
    }
  });
}

/** `input` written to a pipe in chunks cut at the byte offsets `cuts`. */
function chunked(input: string, cuts: number[]): PassThrough {
  const bytes = Buffer.from(input);
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pipe = new PassThrough();
  [0, ...at].forEach((from, i) => {
    const chunk = bytes.subarray(from, at[i] ?? bytes.length);
    if (chunk.length > 0) pipe.write(chunk);
  });
  return pipe.end();
}

const options = (checkpointEveryRecords: number) => ({
  checkpointEveryRecords,
  baseDelayMs: 0,
  logger: { info() {}, warn() {}, error() {} },
});

/** Runs the valid messages a message at a time: the replies, the input written, what ran. */
async function reference(messages: Message[], checkpointEveryRecords: number) {
  const daemon = fakeDaemon();
  const seen: unknown[] = [];
  const running = start(processorNoting(seen), {
    ...options(checkpointEveryRecords),
    input: daemon.input,
    output: daemon.output,
  });
  const replies: Message[] = [];
  for (const message of messages) replies.push(...(await daemon.send(message)));
  daemon.end();
  await running;
  const output = replies.map((reply) => `${JSON.stringify(reply)}\n`).join('');
  return { output, transcript: daemon.transcript, seen };
}

/** A valid message behind a malformed one: never to be read, nor answered. */
const BEHIND = JSON.stringify({ action: 'leaseLost' });

const hostileInput = fc.asyncProperty(
  fc.array(validMessage, { maxLength: 6 }),
  fc.array(fc.tuple(fc.nat(), notAMessage), { maxLength: 4 }),
  fc.option(malformedMessage, { nil: undefined }),
  fc.array(fc.nat(), { maxLength: 12 }),
  fc.integer({ min: 1, max: 4 }),
  async (messages, noise, malformed, cuts, checkpointEveryRecords) => {
    const expected = await reference(messages, checkpointEveryRecords);
    expect(expected.seen).toEqual(handedFor(messages));

    const lines = [...expected.transcript];
    for (const [at, line] of noise) lines.splice(at % (lines.length + 1), 0, line);
    if (malformed) lines.push(JSON.stringify(malformed), BEHIND);
    const output = new PassThrough();
    const seen: unknown[] = [];
    let warnings = 0;
    const settled = await start(processorNoting(seen), {
      ...options(checkpointEveryRecords),
      logger: { info() {}, warn: () => void warnings++, error() {} },
      input: chunked(lines.map((line) => `${line}\n`).join(''), cuts),
      output,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(String(output.read() ?? '')).toBe(expected.output);
    expect(seen).toEqual(expected.seen);
    expect(warnings).toBe(noise.length);
    if (malformed === undefined) expect(settled).toBeUndefined();
    else expect(settled).toBeInstanceOf(KplKclProtocolError);
  },
);

it('answers hostile input only where it understood a valid message, in any chunks', async () => {
  const { unhandled } = await withUnhandledRejections(() =>
    fc.assert(hostileInput, { numRuns: 200 }),
  );

  expect(unhandled).toEqual([]);
});
