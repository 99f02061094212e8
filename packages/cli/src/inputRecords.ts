import { Buffer } from 'node:buffer';
import { KplCliInputError } from './errors.js';

/** A Kinesis record as `kpl inspect` found it in its input. */
export interface InputRecord {
  sequenceNumber?: string | undefined;
  /** None (null or absent) for a record written without one to a service-managed stream. */
  partitionKey?: string | null | undefined;
  data: Uint8Array;
  /** The shard it was read from, when known: a Lambda record's `eventID` says it. */
  shardId?: string | undefined;
}

/** Padded base64, as Lambda and the AWS CLI write it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The Kinesis records in an input: a Lambda event (or its `Records`), a GetRecords output as
 * the AWS CLI prints it (base64 `Data`), base64 text (on one line, or wrapped as `base64 FILE`
 * prints it), or else the bytes themselves. Throws {@link KplCliInputError} for input that is
 * none of these in a way that would be misread: JSON that does not parse, `data` that is not
 * base64, nothing at all.
 */
export function recordsOfInput(input: Buffer): InputRecord[] {
  const text = input.toString('utf8').trim();
  if (text.length === 0) {
    throw new KplCliInputError('The input is empty: pass a FILE or pipe one in');
  }
  if (/^[[{]/.test(text)) return recordsOfJson(parseJson(text));
  const base64 = unwrappedBase64(text);
  if (base64 !== undefined) return [{ data: Buffer.from(base64, 'base64') }];
  return [{ data: input }];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new KplCliInputError(
      `The input starts as JSON but does not parse (${(error as Error).message}); pass a record's data as base64 or raw bytes`,
      { cause: error },
    );
  }
}

/**
 * Base64 text without its line breaks, when it is that: one line, or lines all of one length
 * (a multiple of 4, as `base64` and `openssl base64` wrap them) but the last, which is no longer.
 */
function unwrappedBase64(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  const width = lines[0]!.length;
  const wrapped = lines.every((line, index) =>
    index < lines.length - 1 ? line.length === width : line.length <= width,
  );
  if (!wrapped || (lines.length > 1 && width % 4 !== 0)) return undefined;
  const joined = lines.join('');
  // Never empty: the text is not, and line breaks are all it lost.
  return BASE64.test(joined) ? joined : undefined;
}

function recordsOfJson(parsed: unknown): InputRecord[] {
  const records = Array.isArray(parsed)
    ? parsed
    : Array.isArray((parsed as { Records?: unknown }).Records)
      ? (parsed as { Records: unknown[] }).Records
      : [parsed];
  return records.map((record, index) => {
    const { kinesis: lambda, eventID } = (record ?? {}) as {
      kinesis?: { data?: unknown; partitionKey?: unknown; sequenceNumber?: unknown };
      eventID?: unknown;
    };
    const where = `Record ${index} of the input:`;
    if (lambda !== undefined && lambda !== null) {
      return {
        data: base64Field(lambda.data, `${where} kinesis.data`),
        partitionKey: keyField(lambda.partitionKey, `${where} kinesis.partitionKey`),
        sequenceNumber:
          keyField(lambda.sequenceNumber, `${where} kinesis.sequenceNumber`) ?? undefined,
        // Lambda's eventID is "<shardId>:<sequenceNumber>".
        shardId: typeof eventID === 'string' ? eventID.split(':', 1)[0] : undefined,
      };
    }
    const sdk = record as { Data?: unknown; PartitionKey?: unknown; SequenceNumber?: unknown };
    if (sdk?.Data !== undefined) {
      return {
        data: base64Field(sdk.Data, `${where} Data`),
        partitionKey: keyField(sdk.PartitionKey, `${where} PartitionKey`),
        sequenceNumber: keyField(sdk.SequenceNumber, `${where} SequenceNumber`) ?? undefined,
      };
    }
    throw new KplCliInputError(
      `Record ${index} of the input is neither a Lambda Kinesis record (kinesis.data) nor a GetRecords record (Data)`,
    );
  });
}

/**
 * A record's partition key or sequence number: a string, or none (absent, or null as Lambda
 * gives a record written without a key to a service-managed stream); any other value would be
 * shown as a key it is not.
 */
function keyField(value: unknown, what: string): string | null | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw new KplCliInputError(`${what} is not a string`);
}

/** A record's base64 data: Buffer.from would drop what is not base64 and decode the rest. */
function base64Field(value: unknown, what: string): Buffer {
  if (typeof value !== 'string') throw new KplCliInputError(`${what} is not a string`);
  if (!BASE64.test(value)) throw new KplCliInputError(`${what} is not base64`);
  return Buffer.from(value, 'base64');
}
