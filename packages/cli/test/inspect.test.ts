import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '@kpl-lambda/cli';
import {
  aggregatedRecord,
  corruptAggregatedRecord,
  kinesisStreamEvent,
  plainRecord,
} from '@kpl-lambda/core/testing';
import { frame, loadKplVectors, partitionKeyEntry } from '@kpl-lambda/testing-utils';
import { kpl, type Run } from './helpers/run.js';

const event = kinesisStreamEvent([
  aggregatedRecord([
    { partitionKey: 'a', data: '{"n": 1}' },
    { partitionKey: 'b', data: 'hello', explicitHashKey: '42' },
    { partitionKey: 'c', data: new Uint8Array([0, 1, 0xff]) },
  ]),
  plainRecord({ partitionKey: 'p', data: 'plain' }),
  corruptAggregatedRecord({ partitionKey: 'z' }),
]);

describe('kpl inspect', () => {
  it('shows each parent and each user record of a Lambda event, data as JSON, text or hex', async () => {
    const run = await kpl(['inspect', '--json'], { stdin: JSON.stringify(event) });
    const [first, second, third] = event.Records.map((record) => record.kinesis.sequenceNumber);
    expect(run.lines).toEqual([
      expect.objectContaining({
        type: 'parent',
        index: 0,
        sequenceNumber: first,
        kind: 'aggregate',
        digest: 'valid',
        userRecords: 3,
      }),
      expect.objectContaining({
        type: 'userRecord',
        subSequenceNumber: 0,
        partitionKey: 'a',
        format: 'json',
        data: '{"n":1}',
      }),
      expect.objectContaining({
        subSequenceNumber: 1,
        partitionKey: 'b',
        explicitHashKey: '42',
        format: 'text',
        data: 'hello',
      }),
      expect.objectContaining({
        subSequenceNumber: 2,
        partitionKey: 'c',
        format: 'hex',
        data: '0001ff',
        bytes: 3,
      }),
      expect.objectContaining({
        type: 'parent',
        sequenceNumber: second,
        kind: 'plain',
        digest: 'none',
        userRecords: 1,
      }),
      expect.objectContaining({ type: 'userRecord', partitionKey: 'p', data: 'plain' }),
      expect.objectContaining({
        type: 'parent',
        sequenceNumber: third,
        kind: 'corrupt',
        digest: 'valid',
        corruptReason: 'TRUNCATED',
      }),
    ]);
    // A corrupt aggregate is what a script must notice.
    expect(run.code).toBe(1);
  });

  it('prints a readable table by default', async () => {
    const run = await kpl(['inspect'], { stdin: JSON.stringify({ Records: [event.Records[0]] }) });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(
      /^parent 0, sequence number \d+, partition key a, \d+ bytes, aggregate of 3 user records, digest valid$/,
    );
    expect(run.stdout).toMatch(/ {2}1 +b +42 +5 +text hello/);
  });

  it("cuts the table's lines to the width of its terminal, 120 columns when it does not say", async () => {
    const long = kinesisStreamEvent([
      aggregatedRecord([{ partitionKey: 'a', data: 'x'.repeat(200) }]),
    ]);
    const row = (run: Run) => run.stdout.split('\n').at(-2)!;
    const narrow = await kpl(['inspect'], {
      stdin: JSON.stringify(long),
      terminal: { columns: 40 },
    });
    expect(row(narrow)).toMatch(/^ {2}0 +a .*…$/);
    expect(row(narrow)).toHaveLength(40);
    const unsaid = await kpl(['inspect'], { stdin: JSON.stringify(long), terminal: {} });
    expect(row(unsaid)).toMatch(/ text x+…$/);
    expect(row(unsaid)).toHaveLength(120);
    const piped = await kpl(['inspect'], { stdin: JSON.stringify(long) });
    expect(row(piped)).toMatch(/ x{200}$/);
  });

  it('stops between parents once stopped (kpl inspect | head -1), with exit code 130', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kpl-inspect-')), 'event.json');
    writeFileSync(file, JSON.stringify(event));
    const controller = new AbortController();
    const stdout = new PassThrough();
    const lines: string[] = [];
    // The reader goes away after the first line.
    stdout.on('data', (chunk: Buffer) => {
      lines.push(chunk.toString());
      controller.abort();
    });
    const code = await main(['inspect', '--json', file], {
      stdin: Readable.from([]),
      stdout,
      stderr: new PassThrough(),
      env: {},
      signal: controller.signal,
    });
    expect(code).toBe(130);
    // The first parent and its user records: nothing of the next one.
    const parents = lines
      .map((line) => JSON.parse(line))
      .map(({ parent, index }) => parent ?? index);
    expect(parents).toEqual([0, 0, 0, 0]);
  });

  it('reads real KPL output given as base64 text, and as raw bytes', async () => {
    // A plain one carries its parent's partition key, which base64 text or bytes do not.
    for (const vector of loadKplVectors().filter(({ aggregated }) => aggregated)) {
      const fromText = await kpl(['inspect', '--json', '--data', 'base64'], { stdin: vector.data });
      const fromBytes = await kpl(['inspect', '--json', '--data', 'base64'], {
        stdin: Buffer.from(vector.data, 'base64'),
      });
      for (const run of [fromText, fromBytes]) {
        expect(
          run.lines
            .filter((line) => line.type === 'userRecord')
            .map((line) => [line.partitionKey, line.data]),
        ).toEqual(vector.userRecords.map((record) => [record.partitionKey, record.data]));
      }
    }
  });

  it('shows data in the format asked for, and in auto the one that shows it as it is', async () => {
    const dataOf = async (data: string | Uint8Array, format: string) => {
      const one = kinesisStreamEvent([plainRecord({ partitionKey: 'p', data })]);
      const run = await kpl(['inspect', '--json', '--data', format], {
        stdin: JSON.stringify(one),
      });
      const { format: shown, data: text } = run.lines[1]!;
      return [shown, text];
    };
    const notUtf8 = new Uint8Array([0x61, 0xff]);
    expect(await dataOf('hi', 'hex')).toEqual(['hex', '6869']);
    expect(await dataOf('hi', 'base64')).toEqual(['base64', 'aGk=']);
    expect(await dataOf('{"n": 1}', 'text')).toEqual(['text', '{"n": 1}']);
    expect(await dataOf(notUtf8, 'text')).toEqual(['text', 'a\ufffd']);
    expect(await dataOf('{"n": 1}', 'json')).toEqual(['json', '{"n":1}']);
    expect(await dataOf('not json', 'json')).toEqual(['hex', '6e6f74206a736f6e']);
    // auto: JSON that parses, else printable text (tabs and line breaks are), else hex.
    expect(await dataOf('{"n": 1', 'auto')).toEqual(['text', '{"n": 1']);
    expect(await dataOf('a\tb\r\nc', 'auto')).toEqual(['text', 'a\tb\r\nc']);
    expect(await dataOf('bell\u0007', 'auto')).toEqual(['hex', '62656c6c07']);
    expect(await dataOf('del\u007f', 'auto')).toEqual(['hex', '64656c7f']);
    expect(await dataOf(notUtf8, 'auto')).toEqual(['hex', '61ff']);
  });

  it('reads a GetRecords output as the AWS CLI prints it', async () => {
    const { Records } = event;
    const output = {
      Records: Records.slice(0, 2).map(({ kinesis }) => ({
        Data: kinesis.data,
        PartitionKey: kinesis.partitionKey,
        SequenceNumber: kinesis.sequenceNumber,
      })),
    };
    const run = await kpl(['inspect', '--json'], { stdin: JSON.stringify(output) });
    expect(run.lines.filter((line) => line.type === 'userRecord')).toHaveLength(4);
  });

  it('calls a record with the magic bytes but a wrong digest plain, as the KCL does', async () => {
    const bytes = Buffer.from(event.Records[0]!.kinesis.data, 'base64');
    bytes[bytes.length - 1]! ^= 1;
    const run = await kpl(['inspect', '--json'], { stdin: bytes });
    expect(run.lines[0]).toMatchObject({ kind: 'plain', digest: 'mismatch', userRecords: 1 });
    expect((await kpl(['inspect'], { stdin: bytes })).stdout.split('\n')[0]).toBe(
      `parent 0, ${bytes.length} bytes, plain record (KPL magic bytes, but the MD5 digest does not match)`,
    );
  });

  it('says in the table why an aggregate is corrupt, and shows no user record of it', async () => {
    const corrupt = kinesisStreamEvent([corruptAggregatedRecord({ partitionKey: 'z' })]);
    const run = await kpl(['inspect'], { stdin: JSON.stringify(corrupt) });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^parent 0, sequence number \d+, partition key z, \d+ bytes, CORRUPT aggregate \(TRUNCATED\): .+\n {2}sub +partition key +explicit hash key +bytes +data\n$/,
    );
  });

  it('says in one line what is wrong with input it cannot read, and how to call it', async () => {
    const notRecords = await kpl(['inspect'], { stdin: '{"Records":[{"foo":1}]}' });
    expect(notRecords).toMatchObject({ code: 1, stdout: '' });
    expect(notRecords.stderr).toBe(
      'kpl inspect: Record 0 of the input is neither a Lambda Kinesis record (kinesis.data) nor a GetRecords record (Data)\n',
    );
    const badOption = await kpl(['inspect', '--data', 'yaml']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(
      /^kpl inspect: --data must be one of auto, text, json, hex, base64, got yaml\nUsage: kpl inspect/,
    );
  });
});

describe('kpl inspect on input it must not misread', () => {
  /** Base64 as `base64 FILE` prints it: lines of 76 characters. */
  const wrapped = (bytes: Uint8Array) =>
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,76}/g)!
      .join('\n');
  // A long partition key, then a record field that says 16 bytes follow and ends after one.
  const corrupt = frame([...partitionKeyEntry('k'.repeat(60)), 0x1a, 0x10, 0x08]);

  it('reads base64 wrapped at 76 columns, and finds the corrupt aggregate in it', async () => {
    const text = `${wrapped(corrupt)}\n`;
    expect(text.split('\n').length).toBeGreaterThan(2);
    const run = await kpl(['inspect', '--json'], { stdin: text });
    expect(run.lines).toEqual([
      expect.objectContaining({
        kind: 'corrupt',
        bytes: corrupt.length,
        corruptReason: 'TRUNCATED',
      }),
    ]);
    expect(run.code).toBe(1);
    const valid = Buffer.from(event.Records[0]!.kinesis.data, 'base64');
    const readable = await kpl(['inspect', '--json'], { stdin: wrapped(valid) });
    expect(readable.lines[0]).toMatchObject({ kind: 'aggregate', userRecords: 3 });
  });

  it('refuses a Lambda record whose data is not base64, in one line', async () => {
    const [record] = event.Records;
    const notBase64 = {
      Records: [{ ...record, kinesis: { ...record!.kinesis, data: 'not base64!' } }],
    };
    expect(await kpl(['inspect'], { stdin: JSON.stringify(notBase64) })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'kpl inspect: Record 0 of the input: kinesis.data is not base64\n',
      lines: [],
    });
    const sdk = { Records: [{ Data: 'ab$d', PartitionKey: 'a' }] };
    expect((await kpl(['inspect'], { stdin: JSON.stringify(sdk) })).stderr).toBe(
      'kpl inspect: Record 0 of the input: Data is not base64\n',
    );
  });

  it('reads text that is not base64 as the bytes of one plain record', async () => {
    const run = await kpl(['inspect', '--json'], { stdin: 'hello, world\n' });
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      expect.objectContaining({ type: 'parent', kind: 'plain', bytes: 13 }),
      expect.objectContaining({ type: 'userRecord', format: 'text', data: 'hello, world\n' }),
    ]);
  });

  it('reads a list of records, or one record, as well as an event', async () => {
    const records = event.Records.slice(0, 2);
    const list = await kpl(['inspect', '--json'], { stdin: JSON.stringify(records) });
    expect(list.lines.filter(({ type }) => type === 'parent')).toHaveLength(2);
    // Without an eventID, a record does not say its shard.
    const { eventID: _, ...record } = records[1]!;
    const one = await kpl(['inspect', '--json'], { stdin: JSON.stringify(record) });
    expect(one.lines[0]).toMatchObject({ type: 'parent', shardId: null, kind: 'plain' });
  });

  it('refuses a record that is null, or whose data is not a string, in one line', async () => {
    expect((await kpl(['inspect'], { stdin: '{"Records":[null]}' })).stderr).toBe(
      'kpl inspect: Record 0 of the input is neither a Lambda Kinesis record (kinesis.data) nor a GetRecords record (Data)\n',
    );
    expect(await kpl(['inspect'], { stdin: '[{"kinesis":{"data":5}}]' })).toMatchObject({
      code: 1,
      stderr: 'kpl inspect: Record 0 of the input: kinesis.data is not a string\n',
    });
  });

  it('refuses a partition key or sequence number that is not a string, instead of showing it as one', async () => {
    const [record] = event.Records;
    const withKey = (kinesis: Record<string, unknown>) =>
      JSON.stringify({ Records: [{ ...record, kinesis: { ...record!.kinesis, ...kinesis } }] });
    expect(await kpl(['inspect'], { stdin: withKey({ partitionKey: { a: 1 } }) })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'kpl inspect: Record 0 of the input: kinesis.partitionKey is not a string\n',
      lines: [],
    });
    expect((await kpl(['inspect'], { stdin: withKey({ sequenceNumber: 5 }) })).stderr).toBe(
      'kpl inspect: Record 0 of the input: kinesis.sequenceNumber is not a string\n',
    );
    const sdk = { Records: [{ Data: 'AAAA', PartitionKey: 'a', SequenceNumber: ['1'] }] };
    expect((await kpl(['inspect'], { stdin: JSON.stringify(sdk) })).stderr).toBe(
      'kpl inspect: Record 0 of the input: SequenceNumber is not a string\n',
    );
    // None, as Lambda gives a record written without a key to a service-managed stream.
    const none = await kpl(['inspect', '--json'], {
      stdin: withKey({ partitionKey: null, sequenceNumber: null }),
    });
    expect(none.lines[0]).toMatchObject({ partitionKey: null, sequenceNumber: null });
    const noneSdk = { Records: [{ Data: 'AAAA', PartitionKey: null, SequenceNumber: null }] };
    const fromSdk = await kpl(['inspect', '--json'], { stdin: JSON.stringify(noneSdk) });
    expect(fromSdk.lines[0]).toMatchObject({ partitionKey: null, sequenceNumber: null });
  });

  it('shows each user record on a line of its own, its line breaks and control characters escaped', async () => {
    const hostile = kinesisStreamEvent([
      aggregatedRecord([
        { partitionKey: 'k\u001b[2J', data: '{}\nparent 1, 9 bytes, plain record' },
        { partitionKey: 'b', data: 'tab\there' },
      ]),
    ]);
    hostile.Records[0]!.kinesis.partitionKey = 'a\nparent 1';
    const run = await kpl(['inspect'], { stdin: JSON.stringify(hostile) });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('partition key a\\nparent 1, ');
    expect(lines[2]).toMatch(
      /^ {2}0 +k\\u001b\[2J +\d+ +text \{\}\\nparent 1, 9 bytes, plain record$/,
    );
    expect(lines[3]).toMatch(/ +text tab\\there$/);
  });

  it('shows an aggregate of more user records than a function call takes arguments', async () => {
    const count = 150_000;
    const many = aggregatedRecord(
      Array.from({ length: count }, (_, n) => ({
        partitionKey: 'k',
        data: n % 10 === 0 ? 'x' : '',
      })),
    );
    const run = await kpl(['inspect'], { stdin: Buffer.from(many.data) });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.split('\n')).toHaveLength(count + 3);
  });

  it('refuses JSON that does not parse, and an empty input, instead of showing a plain record', async () => {
    const truncated = await kpl(['inspect'], { stdin: JSON.stringify(event).slice(0, 100) });
    expect(truncated).toMatchObject({ code: 1, stdout: '' });
    expect(truncated.stderr).toMatch(
      /^kpl inspect: The input starts as JSON but does not parse \(.+\); pass a record's data as base64 or raw bytes\n$/,
    );
    expect(await kpl(['inspect'], { stdin: '\n' })).toMatchObject({
      code: 1,
      stderr: 'kpl inspect: The input is empty: pass a FILE or pipe one in\n',
    });
  });
});

describe('kpl', () => {
  it('lists its commands, and explains each one', async () => {
    const help = await kpl(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['inspect', 'tail', 'put', 'event', 'redrive'])
      expect(help.stdout).toContain(`kpl ${command}`);
    const inspectHelp = await kpl(['inspect', '--help']);
    expect(inspectHelp).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^kpl inspect \[FILE\|-\]/),
    });
    expect((await kpl([])).code).toBe(2);
    expect(await kpl(['frobnicate'])).toMatchObject({
      code: 2,
      stderr: 'kpl: unknown command frobnicate. Run kpl --help for the commands.\n',
    });
  });
});
