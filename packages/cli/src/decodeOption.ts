// `kpl inspect --decode SPEC [--max-decoded-bytes N]`: the decoder of the adapters' decode option.
import {
  type DecodeOptions,
  type PayloadCompression,
  PayloadDecoder,
  type PayloadEnvelope,
} from '@kpl-lambda/core';
import { KplCliUsageError, messageOf } from './errors.js';

const COMPRESSIONS: readonly string[] = ['gzip', 'zlib', 'deflate-raw', 'zstd'];
const ENVELOPES: readonly string[] = ['cloudwatch-logs', 'lines'];

/**
 * The decoder `--decode` asks for: a compression, an envelope, or both joined by a comma
 * (`zlib,lines`); `cloudwatch-logs` is gzip unless told otherwise. None without `--decode`.
 */
export function decoderOf(
  spec: string | undefined,
  maxDecodedBytes: number | undefined,
): PayloadDecoder | undefined {
  if (spec === undefined) {
    if (maxDecodedBytes !== undefined) {
      throw new KplCliUsageError('--max-decoded-bytes bounds what --decode decodes: give --decode');
    }
    return undefined;
  }
  const options: DecodeOptions = {};
  if (maxDecodedBytes !== undefined) options.maxDecodedBytes = maxDecodedBytes;
  for (const part of spec.split(',')) {
    if (COMPRESSIONS.includes(part) && options.compression === undefined) {
      options.compression = part as PayloadCompression;
    } else if (ENVELOPES.includes(part) && options.envelope === undefined) {
      options.envelope = part as PayloadEnvelope;
    } else {
      throw new KplCliUsageError(
        `--decode takes a compression (${COMPRESSIONS.join(', ')}), an envelope (${ENVELOPES.join(', ')}) or one of each, joined by a comma; got ${spec}`,
      );
    }
  }
  try {
    return new PayloadDecoder(options);
  } catch (error) {
    // A KplConfigurationError, all it throws: options it cannot decode with.
    throw new KplCliUsageError(`--decode ${spec}: ${messageOf(error)}`, { cause: error });
  }
}
