// What `kpl inspect --decode` shows of a user record: the records its data decodes to.
import type {
  CloudWatchLogsEvent,
  DecodedPayload,
  PayloadDecodeErrorReason,
  PayloadDecoder,
} from '@kpl-lambda/core';
import { KplPayloadDecodeError } from '@kpl-lambda/core';
import { type DataFormat, showData } from './render.js';

/** What `--decode` adds to a user record's line. */
export interface DecodedFields {
  /** From an envelope: the record's position in it; null otherwise, and on a failure. */
  innerIndex: number | null;
  /** From a CloudWatch Logs envelope: the log event's fields. */
  cloudWatchLogs?: CloudWatchLogsEvent;
  /** On a user record that does not decode: why, as a stable code, and in words. */
  decodeErrorReason?: PayloadDecodeErrorReason;
  decodeError?: string;
}

/**
 * One line per record the data decodes to, each with `identity` (the user record's fields),
 * the record's size and data; or one line of the user record as it is, with why it does not
 * decode.
 */
export function decodedRows<Identity extends object>(
  identity: Identity,
  data: Uint8Array,
  decoder: PayloadDecoder,
  format: DataFormat,
  position: { sequenceNumber?: string; subSequenceNumber: number },
): Array<Identity & DecodedFields & { bytes: number } & ReturnType<typeof showData>> {
  let records: DecodedPayload[];
  try {
    records = decoder.decode(data, position);
  } catch (error) {
    /* v8 ignore next -- decode throws nothing else, whatever the bytes (core's contract) */
    if (!(error instanceof KplPayloadDecodeError)) throw error;
    return [
      {
        ...identity,
        innerIndex: null,
        bytes: data.length,
        ...showData(data, format),
        decodeErrorReason: error.reason,
        decodeError: error.message,
      },
    ];
  }
  return records.map((record) => ({
    ...identity,
    innerIndex: record.innerIndex ?? null,
    bytes: record.data.length,
    ...showData(record.data, format),
    ...(record.cloudWatchLogs === undefined ? {} : { cloudWatchLogs: record.cloudWatchLogs }),
  }));
}
