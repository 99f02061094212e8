import type { Buffer } from 'node:buffer';
import { DEFAULT_MAX_DECODED_BYTES, MAX_DECODED_BYTES } from '../constants.js';
import { KplConfigurationError, KplPayloadDecodeError } from '../errors.js';
import { asBuffer } from '../format/bytes.js';
import {
  assertIntegerIn,
  assertKnownOptions,
  assertOneOf,
  type ConfigurationErrorFactory,
  optionNames,
} from '../options.js';
import { canDecompress, decompress } from './decompress.js';
import { cloudWatchLogsRecords, lineRecords } from './envelopes.js';
import type {
  DecodedPayload,
  DecodeOptions,
  PayloadCompression,
  PayloadEnvelope,
} from './payloadTypes.js';

const DECODE_OPTIONS = optionNames<DecodeOptions>({
  compression: true,
  envelope: true,
  maxDecodedBytes: true,
});
const COMPRESSIONS: readonly PayloadCompression[] = ['none', 'gzip', 'zlib', 'deflate-raw', 'zstd'];
const ENVELOPES: readonly PayloadEnvelope[] = ['none', 'cloudwatch-logs', 'lines'];

/** Where a user record is in its batch, for the error that says which one did not decode. */
export interface UserRecordPosition {
  sequenceNumber?: string;
  subSequenceNumber?: number;
}

/**
 * Decodes user records' data as {@link DecodeOptions} say: decompresses it within
 * `maxDecodedBytes`, then splits its envelope into records. Made once (the options are checked
 * then, and a compression this Node.js lacks is refused), used for every user record. What the
 * adapters' `decode` option runs, and `kpl inspect --decode`.
 *
 * @example
 * ```ts
 * import { PayloadDecoder } from '@kpl-lambda/core';
 * const decoder = new PayloadDecoder({ envelope: 'cloudwatch-logs' });
 * for (const { data, cloudWatchLogs } of decoder.decode(bytes)) {
 *   console.log(cloudWatchLogs?.logGroup, Buffer.from(data).toString());
 * }
 * ```
 */
export class PayloadDecoder {
  public readonly compression: PayloadCompression;
  public readonly envelope: PayloadEnvelope;
  public readonly maxDecodedBytes: number;

  /**
   * Throws a `KplConfigurationError` naming the option that is wrong: an unknown key, a value
   * outside its modes, options that decode nothing, or `'zstd'` on a Node.js without it.
   */
  public constructor(options: DecodeOptions);
  /** For the adapters: their own configuration errors, made by `makeError`. @internal */
  public constructor(options: DecodeOptions, makeError: ConfigurationErrorFactory);
  public constructor(options: DecodeOptions, makeError?: ConfigurationErrorFactory) {
    assertKnownOptions(options, DECODE_OPTIONS, makeError);
    const { envelope = 'none', maxDecodedBytes = DEFAULT_MAX_DECODED_BYTES } = options ?? {};
    assertOneOf('envelope', envelope, ENVELOPES, makeError);
    const { compression = envelope === 'cloudwatch-logs' ? 'gzip' : 'none' } = options ?? {};
    assertOneOf('compression', compression, COMPRESSIONS, makeError);
    assertIntegerIn('maxDecodedBytes', maxDecodedBytes, 1, MAX_DECODED_BYTES, makeError);
    const refuse =
      makeError ?? ((option, message) => new KplConfigurationError(message, { option }));
    if (compression === 'none' && envelope === 'none') {
      throw refuse(
        'compression',
        'decode needs a compression, an envelope or both: these decode nothing',
      );
    }
    if (!canDecompress(compression)) {
      throw refuse(
        'compression',
        `compression '${compression}' needs node:zlib's Zstandard, which Node.js ${process.versions.node} lacks: it needs Node.js 22.15 or later`,
      );
    }
    this.compression = compression;
    this.envelope = envelope;
    this.maxDecodedBytes = maxDecodedBytes;
  }

  /**
   * The records `data` holds, in order: one without an envelope, any number (none included)
   * with one. Throws {@link KplPayloadDecodeError}, naming the user record at `position` when
   * given; nothing else, whatever the bytes.
   */
  public decode(data: Uint8Array, position: UserRecordPosition = {}): DecodedPayload[] {
    try {
      return this.#records(asBuffer(data));
    } catch (error) {
      if (!(error instanceof KplPayloadDecodeError)) throw error;
      const { sequenceNumber, subSequenceNumber } = position;
      const which =
        sequenceNumber === undefined
          ? 'User record'
          : `User record ${sequenceNumber}:${subSequenceNumber ?? 0}`;
      // The cause stays what decompressing threw (zlib's error), as it was before the wrapping.
      throw new KplPayloadDecodeError(`${which} ${error.message}`, {
        reason: error.reason,
        cause: error.cause,
        sequenceNumber,
        subSequenceNumber,
      });
    }
  }

  #records(data: Buffer): DecodedPayload[] {
    let decoded = data;
    if (this.compression !== 'none') {
      decoded = decompress(this.compression, data, this.maxDecodedBytes);
    } else if (data.length > this.maxDecodedBytes) {
      throw new KplPayloadDecodeError(
        `is larger than maxDecodedBytes (${this.maxDecodedBytes} bytes)`,
        { reason: 'TOO_LARGE' },
      );
    }
    if (this.envelope === 'lines') return lineRecords(decoded);
    if (this.envelope === 'cloudwatch-logs') return cloudWatchLogsRecords(decoded);
    return [{ data: decoded }];
  }
}
