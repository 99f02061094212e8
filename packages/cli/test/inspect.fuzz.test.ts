// Whatever `kpl inspect` is given (bytes, base64 or not, aggregates cut short or corrupted,
// Lambda events of the wrong shape, counts and lengths out of any range), it answers: an exit
// code, and for what it cannot read one line on stderr that says so; it shows no user record that
// is not in its input, and every user record of a valid aggregate exactly once.
import { Buffer } from 'node:buffer';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { canDecompress, type UserRecordInput } from '@kpl-lambda/core';
import {
  aggregatedRecord,
  kinesisStreamEvent,
  type ParentRecordSpec,
  plainRecord,
} from '@kpl-lambda/core/testing';
import { frame } from '@kpl-lambda/testing-utils';
import fc from 'fast-check';
import { kpl, type Run } from './helpers/run.js';

const DATA_FORMATS = ['auto', 'text', 'json', 'hex', 'base64'];
const DECODE_MODES = [
  'gzip',
  'zlib',
  'deflate-raw',
  'lines',
  'cloudwatch-logs',
  'zlib,lines',
  'deflate-raw,cloudwatch-logs',
  ...(canDecompress('zstd') ? ['zstd', 'zstd,lines'] : []),
];

/** The flags of a run: JSON lines or the table, any data format, any decode mode or none. */
const flags = fc
  .record({
    json: fc.boolean(),
    data: fc.constantFrom(...DATA_FORMATS),
    decode: fc.option(fc.constantFrom(...DECODE_MODES), { nil: undefined }),
  })
  .map(({ json, data, decode }) => [
    'inspect',
    ...(json ? ['--json'] : []),
    '--data',
    data,
    ...(decode === undefined ? [] : ['--decode', decode]),
  ]);

/** User record data: bytes, text, JSON lines, or compressed, so that `--decode` finds some. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }).map((text) => Buffer.from(text)),
  fc
    .array(fc.jsonValue(), { maxLength: 3 })
    .map((values) => Buffer.from(values.map((value) => JSON.stringify(value)).join('\n'))),
  fc
    .tuple(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(gzipSync, deflateSync, deflateRawSync))
    .map(([bytes, compress]) => compress(bytes)),
);

const userRecord: fc.Arbitrary<UserRecordInput> = fc.record(
  {
    partitionKey: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
    explicitHashKey: fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String),
    data: payload,
  },
  { requiredKeys: ['partitionKey', 'data'] },
);

/** Mostly a few user records; now and then thousands. */
const userRecords = fc.oneof(
  { weight: 20, arbitrary: fc.array(userRecord, { minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 5_000 }).map(manyUserRecords) },
);

function manyUserRecords(count: number): UserRecordInput[] {
  return Array.from({ length: count }, (_, n) => ({ partitionKey: `k${n % 7}`, data: `${n}` }));
}

/** A valid parent and its user records: an aggregate, or a plain record. */
interface Parent {
  spec: ParentRecordSpec;
  records: UserRecordInput[];
}

const aggregateParent = userRecords.map(
  (records): Parent => ({ spec: aggregatedRecord(records), records }),
);
const parent = fc.oneof(
  aggregateParent,
  userRecord.map(
    ({ partitionKey, data }): Parent => ({
      spec: plainRecord({ partitionKey, data }),
      records: [{ partitionKey, data }],
    }),
  ),
);

/** A varint, of any value up to 64 bits: lengths, indexes and counts out of any range. */
function varint(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return bytes;
}

/** A protobuf field of any number and wire type, claiming any length, holding any bytes. */
const wireField = fc
  .tuple(
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: 0, max: 7 }),
    fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
    fc.uint8Array({ maxLength: 12 }),
  )
  .map(([number, wireType, value, bytes]) => [
    ...varint(BigInt((number << 3) | wireType)),
    ...varint(value),
    ...bytes,
  ]);

/** Aggregates that are not what they claim: cut short, a byte changed, or a body of any fields. */
const brokenAggregate = fc.oneof(
  fc.tuple(userRecords, fc.nat()).map(([records, cut]) => {
    const { data } = aggregatedRecord(records);
    return data.subarray(0, cut % data.length);
  }),
  fc.tuple(userRecords, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([records, at, flip]) => {
    const data = Buffer.from(aggregatedRecord(records).data);
    data[at % data.length]! ^= flip;
    return data;
  }),
  // A body changed and framed again: its digest is valid, so it is decoded.
  fc.tuple(userRecords, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([records, at, flip]) => {
    const { data } = aggregatedRecord(records);
    const body = Buffer.from(data.subarray(4, data.length - 16));
    body[at % body.length]! ^= flip;
    return frame(body);
  }),
  fc.array(wireField, { maxLength: 6 }).map((fields) => frame(fields.flat())),
);

/** Kinesis record data as the input may hold it. */
const recordData = fc.oneof(
  brokenAggregate,
  userRecords.map((records) => aggregatedRecord(records).data),
);

/** A value of a record's field: mostly right, else of any JSON type, or missing. */
const anyField = (right: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 3, arbitrary: right }, fc.jsonValue(), fc.constant(undefined));

const base64Data = recordData.map((data) => Buffer.from(data).toString('base64'));

/** Lambda records and GetRecords records, of the right shape or not. */
const wrongShapeRecord = fc.oneof(
  fc.record(
    {
      kinesis: anyField(
        fc.record(
          {
            data: anyField(base64Data),
            partitionKey: anyField(fc.string()),
            sequenceNumber: anyField(fc.bigInt({ min: 0n }).map(String)),
          },
          { requiredKeys: [] },
        ),
      ),
      eventID: anyField(fc.string()),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      Data: anyField(base64Data),
      PartitionKey: anyField(fc.string()),
      SequenceNumber: anyField(fc.bigInt({ min: 0n }).map(String)),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);

/** Any input: bytes, text, base64 (one line or wrapped), JSON of any shape, aggregates. */
const hostileInput: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 100 }).map((text) => Buffer.from(text)),
  fc
    .array(wrongShapeRecord, { maxLength: 3 })
    .map((records) => Buffer.from(JSON.stringify({ Records: records }))),
  wrongShapeRecord.map((value) => Buffer.from(JSON.stringify(value))),
  recordData.map((data) => Buffer.from(data)),
  fc
    .tuple(recordData, fc.integer({ min: 4, max: 80 }), fc.boolean())
    .map(([data, width, lineBreaks]) => {
      const text = Buffer.from(data).toString('base64');
      return Buffer.from(
        lineBreaks ? (text.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join('\n') : text,
      );
    }),
);

/** Every byte string the input could name as a Kinesis record's data. */
function dataInInput(input: Buffer): Buffer[] {
  const text = input.toString('utf8');
  const candidates = [input, Buffer.from(text.replace(/\s/g, ''), 'base64')];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') candidates.push(Buffer.from(value, 'base64'));
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  try {
    walk(JSON.parse(text));
  } catch {
    // not JSON: the bytes themselves, or base64 text
  }
  return candidates;
}

/** What a run that could not read its input must look like: one line that says so, no output. */
function expectReadOrRefused(run: Run): void {
  expect([0, 1]).toContain(run.code);
  if (run.stderr === '') return;
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^kpl inspect: (The input|Record \d+ of the input)[^\n]*\n$/);
}

it('answers any input with an exit code, and what it cannot read with one line on stderr', async () => {
  await fc.assert(
    fc.asyncProperty(hostileInput, flags, async (input, args) => {
      expectReadOrRefused(await kpl(args, { stdin: input }));
    }),
    { numRuns: 200 },
  );
});

it('shows no user record that is not in its input', async () => {
  await fc.assert(
    fc.asyncProperty(hostileInput, async (input) => {
      const run = await kpl(['inspect', '--json', '--data', 'base64'], { stdin: input });
      expectReadOrRefused(run);
      const candidates = dataInInput(input);
      const parents = run.lines.filter(({ type }) => type === 'parent');
      const userRecords = run.lines.filter(({ type }) => type === 'userRecord');
      for (const { data } of userRecords) {
        const bytes = Buffer.from(data as string, 'base64');
        expect(candidates.some((candidate) => candidate.includes(bytes))).toBe(true);
      }
      const told = parents.reduce((sum, { userRecords: count }) => sum + (count as number), 0);
      expect(userRecords).toHaveLength(told);
      // The keys are strings of the input, or null: never a value of another type.
      for (const { partitionKey, sequenceNumber } of run.lines) {
        for (const key of [partitionKey, sequenceNumber]) {
          expect(key === null || typeof key === 'string').toBe(true);
        }
      }
    }),
    { numRuns: 200 },
  );
});

/** The input forms of parents: a Lambda event, a GetRecords output, or one parent's bytes. */
const FORMS = ['lambda', 'getRecords', 'base64', 'wrapped', 'bytes'] as const;

function inputOf(form: (typeof FORMS)[number], specs: ParentRecordSpec[]): Buffer {
  const event = kinesisStreamEvent(specs);
  const base64 = event.Records[0]!.kinesis.data;
  switch (form) {
    case 'lambda':
      return Buffer.from(JSON.stringify(event));
    case 'getRecords':
      return Buffer.from(
        JSON.stringify({
          Records: event.Records.map(({ kinesis }) => ({
            Data: kinesis.data,
            PartitionKey: kinesis.partitionKey,
            SequenceNumber: kinesis.sequenceNumber,
          })),
        }),
      );
    case 'base64':
      return Buffer.from(base64);
    case 'wrapped':
      return Buffer.from(base64.match(/.{1,76}/g)!.join('\n'));
    case 'bytes':
      return Buffer.from(specs[0]!.data);
  }
}

it('shows every user record of valid parents exactly once, in order, in any input form', async () => {
  await fc.assert(
    fc.asyncProperty(
      aggregateParent,
      fc.array(parent, { maxLength: 3 }),
      fc.constantFrom(...FORMS),
      fc.constantFrom(...DATA_FORMATS),
      async (first, others, form, format) => {
        // Base64 text and bytes hold one parent, an aggregate: plain bytes could read as text.
        const bare = form === 'base64' || form === 'wrapped' || form === 'bytes';
        const given = bare ? [first] : [first, ...others];
        const input = inputOf(
          form,
          given.map(({ spec }) => spec),
        );

        const run = await kpl(['inspect', '--json', '--data', 'base64'], { stdin: input });

        expect(run).toMatchObject({ code: 0, stderr: '' });
        const shown = run.lines
          .filter(({ type }) => type === 'userRecord')
          .map(({ parent, subSequenceNumber, partitionKey, explicitHashKey, data }) => ({
            parent,
            subSequenceNumber,
            partitionKey,
            explicitHashKey,
            data,
          }));
        const expected = given.flatMap(({ records }, index) =>
          records.map((record, subSequenceNumber) => ({
            parent: index,
            subSequenceNumber,
            partitionKey: record.partitionKey,
            explicitHashKey: record.explicitHashKey ?? null,
            data: Buffer.from(record.data).toString('base64'),
          })),
        );
        expect(shown).toEqual(expected);

        // The table: a line per parent, its header, and a row per user record.
        const table = await kpl(['inspect', '--data', format], { stdin: input });
        expect(table).toMatchObject({ code: 0, stderr: '' });
        expect(table.stdout.split('\n')).toHaveLength(2 * given.length + expected.length + 1);
      },
    ),
    { numRuns: 100 },
  );
});
