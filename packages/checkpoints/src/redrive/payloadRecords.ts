import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import { KplCheckpointsConfigurationError, KplRedriveRecordsMissingError } from '../errors.js';
import type { RedriveBatchInfo, RedriveEventRecord, RedrivePayload } from './types.js';

const E = (option: string, message: string) =>
  new KplCheckpointsConfigurationError(message, { option });

/** Base64 as Lambda writes `kinesis.data`: checked whole, since a redrive must not guess bytes. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The records of an S3 on-failure object's `payload` (the invocation event Lambda gave up on;
 * as an object, or as its JSON text) that lie in the batch `batchInfo` names, as Kinesis's
 * GetRecords gives them. Refuses a payload that is not such an event; throws
 * `KplRedriveRecordsMissingError` when it does not hold the batch's first or last record.
 */
export function payloadRecords(payload: unknown, batchInfo: RedriveBatchInfo): KinesisRecord[] {
  const event = typeof payload === 'string' ? parsed(payload) : payload;
  const records = (event as Partial<Exclude<RedrivePayload, string>> | null)?.Records;
  if (!Array.isArray(records)) {
    throw E(
      'payload',
      "payload must be the invocation event of the S3 on-failure object (its `Records`, Lambda's Kinesis event records)",
    );
  }
  const start = BigInt(batchInfo.startSequenceNumber);
  const end = BigInt(batchInfo.endSequenceNumber);
  const inBatch = records.map(sdkRecordOf).filter((record) => {
    const sequenceNumber = BigInt(record.SequenceNumber!);
    return sequenceNumber >= start && sequenceNumber <= end;
  });
  for (const bound of [batchInfo.startSequenceNumber, batchInfo.endSequenceNumber]) {
    if (!inBatch.some((record) => record.SequenceNumber === bound)) {
      throw new KplRedriveRecordsMissingError(
        `The payload does not hold record ${bound} of the batch ${batchInfo.startSequenceNumber}..${batchInfo.endSequenceNumber}: nothing was run`,
        { sequenceNumber: bound },
      );
    }
  }
  return inBatch;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw E('payload', 'payload is a string that is not JSON: give the invocation event');
  }
}

function sdkRecordOf(record: RedriveEventRecord, index: number): KinesisRecord {
  const kinesis = (record as Partial<RedriveEventRecord> | null)?.kinesis;
  const { sequenceNumber, data, partitionKey, approximateArrivalTimestamp } = kinesis ?? {};
  if (
    typeof sequenceNumber !== 'string' ||
    !/^\d+$/.test(sequenceNumber) ||
    typeof data !== 'string' ||
    !BASE64.test(data) ||
    !(partitionKey === undefined || typeof partitionKey === 'string')
  ) {
    throw E(
      `payload.Records[${index}]`,
      `payload.Records[${index}] is not a Lambda Kinesis record (kinesis.sequenceNumber, base64 kinesis.data)`,
    );
  }
  return {
    SequenceNumber: sequenceNumber,
    Data: Buffer.from(data, 'base64'),
    PartitionKey: partitionKey,
    ...(typeof approximateArrivalTimestamp === 'number'
      ? { ApproximateArrivalTimestamp: new Date(approximateArrivalTimestamp * 1000) }
      : {}),
  };
}
