import { Buffer } from 'node:buffer';
import * as zlib from 'node:zlib';
import { KplPayloadDecodeError } from '../errors.js';
import type { PayloadCompression } from './payloadTypes.js';

/** A one-shot decompression that stops, and throws, past `maxOutputLength` bytes of output. */
type Decompress = (data: Buffer, options: { maxOutputLength: number }) => Buffer;

/** Zstandard is in `node:zlib` from Node.js 22.15 and 23.8 on; this package's types predate it. */
const zstdDecompressSync = (zlib as unknown as { zstdDecompressSync?: Decompress })
  .zstdDecompressSync;

const DECOMPRESSORS: Record<Exclude<PayloadCompression, 'none'>, Decompress | undefined> = {
  gzip: zlib.gunzipSync,
  zlib: zlib.inflateSync,
  'deflate-raw': zlib.inflateRawSync,
  zstd: zstdDecompressSync,
};

/**
 * Whether this Node.js can decompress `compression`: Zstandard needs Node.js 22.15 or later.
 *
 * @example
 * ```ts
 * import { canDecompress } from '@kpl-lambda/core';
 * const compression = canDecompress('zstd') ? 'zstd' : 'gzip';
 * ```
 */
export function canDecompress(compression: PayloadCompression): boolean {
  return compression === 'none' || DECOMPRESSORS[compression] !== undefined;
}

/**
 * The data decompressed, within `maxBytes`. zlib's own bound stops inflating at it, so no more
 * than that is ever allocated, whatever the input says; past it, or on data that is not of that
 * compression, a {@link KplPayloadDecodeError}.
 */
export function decompress(
  compression: Exclude<PayloadCompression, 'none'>,
  data: Buffer,
  maxBytes: number,
): Buffer {
  let decompressed: Buffer;
  try {
    decompressed = DECOMPRESSORS[compression]!(data, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE') {
      throw new KplPayloadDecodeError(
        `decompresses to more than maxDecodedBytes (${maxBytes} bytes)`,
        { reason: 'TOO_LARGE', cause: error },
      );
    }
    // zlib throws only for its input here: a wrong header, a bad block, a truncated stream.
    throw new KplPayloadDecodeError(`is not ${compression} data: ${(error as Error).message}`, {
      reason: 'MALFORMED_COMPRESSION',
      cause: error,
    });
  }
  // zlib hands a small result as a view into its 16 KB output chunk: a record kept for the
  // handler would hold the whole chunk, many times its size, and a batch's worth of them as many
  // times its memory. A copy of the record's size costs less than the collections they cause.
  return decompressed.buffer.byteLength > 2 * decompressed.length
    ? Buffer.from(decompressed)
    : decompressed;
}
