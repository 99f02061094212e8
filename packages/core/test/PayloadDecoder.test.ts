import { Buffer } from 'node:buffer';
import * as zlib from 'node:zlib';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import {
  canDecompress,
  DEFAULT_MAX_DECODED_BYTES,
  KplConfigurationError,
  KplPayloadDecodeError,
  MAX_DECODED_BYTES,
  PayloadDecoder,
} from '@kpl-lambda/core';
import { cloudWatchLogsData } from '@kpl-lambda/core/testing';

const zstdCompressSync = (zlib as unknown as { zstdCompressSync?: (data: Buffer) => Buffer })
  .zstdCompressSync;

const text = (data: Uint8Array) => Buffer.from(data).toString('utf8');
const decodeError = (run: () => unknown): KplPayloadDecodeError => {
  try {
    run();
  } catch (error) {
    if (error instanceof KplPayloadDecodeError) return error;
    throw error;
  }
  throw new Error('decoded');
};

describe('PayloadDecoder options', () => {
  it('defaults: gzip under a CloudWatch Logs envelope, no compression otherwise, a 10 MiB cap', () => {
    expect(new PayloadDecoder({ envelope: 'cloudwatch-logs' })).toMatchObject({
      compression: 'gzip',
      envelope: 'cloudwatch-logs',
      maxDecodedBytes: DEFAULT_MAX_DECODED_BYTES,
    });
    expect(new PayloadDecoder({ envelope: 'lines' }).compression).toBe('none');
    expect(new PayloadDecoder({ compression: 'zlib' }).envelope).toBe('none');
    expect(DEFAULT_MAX_DECODED_BYTES).toBe(10 * 1024 * 1024);
  });

  it.each([
    [{ compresion: 'gzip' }, 'compresion', 'did you mean compression?'],
    [
      { compression: 'deflate' },
      'compression',
      "must be one of 'none', 'gzip', 'zlib', 'deflate-raw', 'zstd'",
    ],
    [{ envelope: 'ndjson' }, 'envelope', "must be one of 'none', 'cloudwatch-logs', 'lines'"],
    [{ compression: 'gzip', maxDecodedBytes: 0 }, 'maxDecodedBytes', 'integer from 1'],
    [{ compression: 'gzip', maxDecodedBytes: 1.5 }, 'maxDecodedBytes', 'integer from 1'],
    [
      { compression: 'gzip', maxDecodedBytes: MAX_DECODED_BYTES + 1 },
      'maxDecodedBytes',
      'integer from 1',
    ],
    [{}, 'compression', 'decode nothing'],
    [undefined, 'compression', 'decode nothing'],
    [{ compression: 'none', envelope: 'none' }, 'compression', 'decode nothing'],
  ])('refuses %j, naming %s', (options, option, message) => {
    const make = () => new PayloadDecoder(options as never);
    expect(make).toThrow(KplConfigurationError);
    expect(make).toThrow(
      expect.objectContaining({ option, message: expect.stringContaining(message) }),
    );
  });

  it("makes its errors with the caller's factory", () => {
    class MineError extends KplConfigurationError {}
    expect(
      () =>
        new PayloadDecoder(
          { envelope: 'xml' as never },
          (option, message) => new MineError(message, { option }),
        ),
    ).toThrow(MineError);
  });

  it('takes zstd where node:zlib has it, and refuses it naming the Node.js version elsewhere', () => {
    if (canDecompress('zstd')) {
      expect(new PayloadDecoder({ compression: 'zstd' }).compression).toBe('zstd');
    } else {
      expect(() => new PayloadDecoder({ compression: 'zstd' })).toThrow(
        expect.objectContaining({
          option: 'compression',
          message: expect.stringContaining(`Node.js ${process.versions.node} lacks`),
        }),
      );
    }
    expect(canDecompress('zstd')).toBe(typeof zstdCompressSync === 'function');
    expect(canDecompress('gzip') && canDecompress('none')).toBe(true);
  });
});

describe('PayloadDecoder compression', () => {
  const json = Buffer.from(JSON.stringify({ orderId: 'o-1', items: ['a', 'b'] }));

  it.each([
    ['gzip', gzipSync],
    ['zlib', deflateSync],
    ['deflate-raw', deflateRawSync],
  ] as const)('decompresses %s into one record', (compression, compress) => {
    const [record, ...rest] = new PayloadDecoder({ compression }).decode(compress(json));
    expect(rest).toEqual([]);
    expect(record).toEqual({ data: json });
  });

  (zstdCompressSync === undefined ? it.skip : it)('decompresses zstd', () => {
    expect(new PayloadDecoder({ compression: 'zstd' }).decode(zstdCompressSync!(json))).toEqual([
      { data: json },
    ]);
  });

  it.each([
    ['gzip', Buffer.from('{"not":"compressed"}')],
    ['zlib', gzipSync(json)],
    ['gzip', gzipSync(json).subarray(0, 20)],
    ['deflate-raw', Buffer.from([0xff, 0xff, 0xff])],
    ['gzip', Buffer.alloc(0)],
  ] as const)('fails %s on data that is not of it: MALFORMED_COMPRESSION', (compression, data) => {
    const error = decodeError(() => new PayloadDecoder({ compression }).decode(data));
    expect(error.reason).toBe('MALFORMED_COMPRESSION');
    expect(error.message).toContain(`is not ${compression} data`);
    expect(error.cause).toMatchObject({ code: expect.stringMatching(/^Z_/) });
  });

  it('stops a decompression bomb at maxDecodedBytes, allocating no more than the cap', () => {
    // 64 MiB of zeros in about 64 KB: what a hostile producer puts in one record.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const before = process.memoryUsage().arrayBuffers;
    const error = decodeError(() =>
      new PayloadDecoder({ compression: 'gzip', maxDecodedBytes: 1024 * 1024 }).decode(bomb),
    );
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(error.reason).toBe('TOO_LARGE');
    expect(error.message).toContain('more than maxDecodedBytes (1048576 bytes)');
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });

  it("keeps a record in memory of its size, not in zlib's 16 KB output chunk", () => {
    const record = Buffer.alloc(5000, 'x');
    const [decoded] = new PayloadDecoder({ compression: 'gzip' }).decode(gzipSync(record));
    expect(decoded!.data).toEqual(record);
    // A copy of half Node's pool size or more has a buffer of its own (Node 20 and 22); a smaller
    // one lives in the pool's slab, shared with other small buffers (Node 24's pool is larger).
    const copiedInto = 5000 >= Buffer.poolSize >>> 1 ? 5000 : Buffer.poolSize;
    expect(decoded!.data.buffer.byteLength).toBe(copiedInto);
  });

  it('takes data of exactly maxDecodedBytes, and refuses uncompressed data over it', () => {
    const exact = Buffer.alloc(1000, 'x');
    expect(
      new PayloadDecoder({ compression: 'gzip', maxDecodedBytes: 1000 }).decode(gzipSync(exact)),
    ).toEqual([{ data: exact }]);
    const lines = new PayloadDecoder({ envelope: 'lines', maxDecodedBytes: 999 });
    expect(decodeError(() => lines.decode(exact))).toMatchObject({
      reason: 'TOO_LARGE',
      message: 'User record is larger than maxDecodedBytes (999 bytes)',
    });
  });

  it("names the user record it was given in the error, and keeps zlib's error as the cause", () => {
    const error = decodeError(() =>
      new PayloadDecoder({ compression: 'gzip' }).decode(Buffer.from('plain'), {
        sequenceNumber: '4959',
        subSequenceNumber: 3,
      }),
    );
    expect(error).toMatchObject({ sequenceNumber: '4959', subSequenceNumber: 3 });
    expect(error.message).toMatch(/^User record 4959:3 is not gzip data: /);
    expect((error.cause as { code?: string }).code).toBe('Z_DATA_ERROR');
  });

  it('names a plain record, which has no sub-sequence number, as its sub-sequence 0', () => {
    const error = decodeError(() =>
      new PayloadDecoder({ compression: 'gzip' }).decode(Buffer.from('plain'), {
        sequenceNumber: '4960',
      }),
    );
    expect(error.message).toMatch(/^User record 4960:0 is not gzip data: /);
  });

  it('leaves what is no decode failure, data that is not bytes, as it was thrown', () => {
    const decoder = new PayloadDecoder({ compression: 'gzip' });
    // Node.js's own TypeError, of another realm than Jest's: matched by its name and code.
    expect(() => decoder.decode('H4sI' as never, { sequenceNumber: '4961' })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});

describe('PayloadDecoder lines envelope', () => {
  const lines = new PayloadDecoder({ envelope: 'lines' });

  it('gives each non-empty line without its line break, in order, as views', () => {
    const data = Buffer.from('{"a":1}\n{"b":2}\r\n\n\r\n{"c":3}\n');
    const records = lines.decode(data);
    expect(records.map(({ data: bytes, innerIndex }) => [innerIndex, text(bytes)])).toEqual([
      [0, '{"a":1}'],
      [1, '{"b":2}'],
      [2, '{"c":3}'],
    ]);
    expect(records[1]!.data.buffer).toBe(data.buffer);
  });

  it('gives a last line without a line break, and nothing for empty data', () => {
    expect(lines.decode(Buffer.from('only')).map((r) => text(r.data))).toEqual(['only']);
    expect(lines.decode(Buffer.alloc(0))).toEqual([]);
    expect(lines.decode(Buffer.from('\n\n'))).toEqual([]);
  });

  it('decompresses first: zlib records of Fluent Bit joined by line breaks', () => {
    const records = new PayloadDecoder({ compression: 'zlib', envelope: 'lines' }).decode(
      deflateSync('{"log":"one"}\n{"log":"two"}\n'),
    );
    expect(records.map((record) => text(record.data))).toEqual(['{"log":"one"}', '{"log":"two"}']);
  });
});

describe('PayloadDecoder CloudWatch Logs envelope', () => {
  const decoder = new PayloadDecoder({ envelope: 'cloudwatch-logs' });

  it("gives each log event's message as a record, with the event's and envelope's fields", () => {
    const data = cloudWatchLogsData(['{"level":"info"}', 'plain text'], {
      logGroup: '/aws/lambda/orders',
      logStream: 'stream-1',
      firstTimestamp: 1_767_225_600_000,
    });
    const records = decoder.decode(data);
    expect(records.map((record) => text(record.data))).toEqual(['{"level":"info"}', 'plain text']);
    expect(records[1]).toMatchObject({
      innerIndex: 1,
      cloudWatchLogs: {
        timestamp: 1_767_225_600_001,
        owner: '123456789012',
        logGroup: '/aws/lambda/orders',
        logStream: 'stream-1',
        subscriptionFilters: ['to-kinesis'],
      },
    });
    expect(typeof records[0]!.cloudWatchLogs!.id).toBe('string');
    expect(Object.isFrozen(records[0]!.cloudWatchLogs!.subscriptionFilters)).toBe(true);
  });

  it('holds no record in a CONTROL_MESSAGE, nor in a DATA_MESSAGE without events', () => {
    expect(decoder.decode(cloudWatchLogsData([], { messageType: 'CONTROL_MESSAGE' }))).toEqual([]);
    expect(decoder.decode(cloudWatchLogsData([]))).toEqual([]);
  });

  const envelope = {
    messageType: 'DATA_MESSAGE',
    owner: '1',
    logGroup: 'g',
    logStream: 's',
    subscriptionFilters: ['f'],
    logEvents: [{ id: '1', timestamp: 1, message: 'm' }],
  };
  it.each([
    ['not JSON', Buffer.from('{"messageType":')],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d])],
    ['an array', Buffer.from('[]')],
    ['null', Buffer.from('null')],
    ['another messageType', Buffer.from(JSON.stringify({ ...envelope, messageType: 'DATA' }))],
    ['no messageType', Buffer.from(JSON.stringify({ ...envelope, messageType: undefined }))],
    ['no logGroup', Buffer.from(JSON.stringify({ ...envelope, logGroup: 7 }))],
    ['filters not strings', Buffer.from(JSON.stringify({ ...envelope, subscriptionFilters: [1] }))],
    ['filters missing', Buffer.from(JSON.stringify({ ...envelope, subscriptionFilters: 'f' }))],
    ['logEvents not an array', Buffer.from(JSON.stringify({ ...envelope, logEvents: {} }))],
    [
      'an event without message',
      Buffer.from(JSON.stringify({ ...envelope, logEvents: [{ id: '1', timestamp: 1 }] })),
    ],
    ['an event of null', Buffer.from(JSON.stringify({ ...envelope, logEvents: [null] }))],
    [
      'a timestamp of text',
      Buffer.from(
        JSON.stringify({ ...envelope, logEvents: [{ id: '1', timestamp: '1', message: 'm' }] }),
      ),
    ],
  ])('fails an envelope that is %s: MALFORMED_ENVELOPE, nothing read in part', (_what, json) => {
    const error = decodeError(() => decoder.decode(gzipSync(json)));
    expect(error.reason).toBe('MALFORMED_ENVELOPE');
    expect(error.message).toContain('not a CloudWatch Logs envelope');
  });

  it('reads an envelope already decompressed with compression none', () => {
    const json = Buffer.from(JSON.stringify(envelope));
    const records = new PayloadDecoder({ envelope: 'cloudwatch-logs', compression: 'none' }).decode(
      json,
    );
    expect(records.map((record) => text(record.data))).toEqual(['m']);
  });
});
