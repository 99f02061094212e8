import { Buffer } from 'node:buffer';
import * as zlib from 'node:zlib';
import {
  canDecompress,
  type DecodeOptions,
  KplPayloadDecodeError,
  type PayloadCompression,
  PayloadDecoder,
} from '@kpl-lambda/core';
import { cloudWatchLogsData } from '@kpl-lambda/core/testing';
import fc from 'fast-check';

type Compress = (data: Buffer) => Buffer;
const COMPRESSORS: Record<Exclude<PayloadCompression, 'none'>, Compress | undefined> = {
  gzip: zlib.gzipSync,
  zlib: zlib.deflateSync,
  'deflate-raw': zlib.deflateRawSync,
  zstd: (zlib as unknown as { zstdCompressSync?: Compress }).zstdCompressSync,
};
const compressions = (
  Object.keys(COMPRESSORS) as Array<Exclude<PayloadCompression, 'none'>>
).filter((compression) => canDecompress(compression));
const compress = (compression: PayloadCompression, data: Buffer) =>
  compression === 'none' ? data : COMPRESSORS[compression]!(data);

const options: fc.Arbitrary<DecodeOptions> = fc
  .record({
    compression: fc.constantFrom<PayloadCompression>('none', ...compressions),
    envelope: fc.constantFrom('none', 'cloudwatch-logs', 'lines' as const),
    maxDecodedBytes: fc.integer({ min: 1, max: 4096 }),
  })
  .filter(({ compression, envelope }) => compression !== 'none' || envelope !== 'none');

/** Decodes, and says what happened: the records' bytes, or the error's reason. */
function outcome(decoder: PayloadDecoder, data: Uint8Array): Buffer[] | string {
  try {
    return decoder.decode(data).map(({ data: bytes }) => Buffer.from(bytes));
  } catch (error) {
    // Only our typed error may come out, whatever the bytes.
    if (!(error instanceof KplPayloadDecodeError)) throw error;
    return error.reason;
  }
}

/** A line as a line envelope holds it: no line break inside, not empty. */
const line = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 40 })
  .map((text) => text.replace(/[\r\n]/g, ' '));

describe('PayloadDecoder properties', () => {
  it('any bytes, any options: records within maxDecodedBytes, or a KplPayloadDecodeError', () => {
    fc.assert(
      fc.property(options, fc.uint8Array({ maxLength: 600 }), (decodeOptions, data) => {
        const decoder = new PayloadDecoder(decodeOptions);
        const result = outcome(decoder, data);
        if (typeof result === 'string') return;
        const decoded = result.reduce((sum, bytes) => sum + bytes.length, 0);
        // An envelope's records are at most its bytes: JSON escapes only shrink.
        expect(decoded).toBeLessThanOrEqual(decoder.maxDecodedBytes);
      }),
      { numRuns: 500 },
    );
  });

  it('compressed data cut short or with a byte changed decodes to a typed error or records, never a crash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...compressions),
        fc.array(line, { maxLength: 20 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (compression, lines, at, byte, truncate) => {
          const data = Buffer.from(compress(compression, Buffer.from(lines.join('\n'))));
          const position = at % data.length;
          const damaged = truncate ? data.subarray(0, position) : data;
          if (!truncate) damaged[position] = byte;
          outcome(new PayloadDecoder({ compression, envelope: 'lines' }), damaged);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('lines compressed each way come back in order, each once', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<PayloadCompression>('none', ...compressions),
        fc.array(line, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        (compression, lines, lineBreak) => {
          const data = compress(
            compression,
            Buffer.from(lines.map((l) => `${l}${lineBreak}`).join('')),
          );
          const records = new PayloadDecoder({ compression, envelope: 'lines' }).decode(data);
          expect(records.map((record) => Buffer.from(record.data).toString())).toEqual(
            lines.map((l) => Buffer.from(l).toString()),
          );
          expect(records.map((record) => record.innerIndex)).toEqual(lines.map((_, i) => i));
        },
      ),
    );
  });

  it('log events of a CloudWatch Logs envelope come back as their messages, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 60 }), { maxLength: 15 }),
        fc.string({ minLength: 1, maxLength: 30 }),
        (messages, logGroup) => {
          const records = new PayloadDecoder({ envelope: 'cloudwatch-logs' }).decode(
            cloudWatchLogsData(messages, { logGroup, firstTimestamp: 1_767_225_600_000 }),
          );
          expect(records.map((record) => Buffer.from(record.data).toString())).toEqual(messages);
          expect(records.every((record) => record.cloudWatchLogs?.logGroup === logGroup)).toBe(
            true,
          );
        },
      ),
    );
  });

  it('any JSON value as an envelope: its records or MALFORMED_ENVELOPE', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = outcome(
          new PayloadDecoder({ envelope: 'cloudwatch-logs', compression: 'none' }),
          Buffer.from(JSON.stringify(value) ?? 'null'),
        );
        if (typeof result === 'string') expect(result).toBe('MALFORMED_ENVELOPE');
      }),
    );
  });
});
