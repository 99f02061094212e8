import { userRecordData } from '../deaggregation/userRecordData.js';
import { asBuffer } from '../format/bytes.js';
import type { KinesisStreamUserRecord, KinesisStreamUserRecordPayload } from '../types.js';
import type { PayloadDecoder } from './PayloadDecoder.js';

/**
 * The records a Lambda user record's data decodes to, in order, each with the user record's
 * identity (envelope fields, `sequenceNumber`, `subSequenceNumber`, `partitionKey`, ...), `data`
 * the decoded record's bytes in base64 and, from an envelope, `innerIndex` (and
 * `cloudWatchLogs`). `userRecordData` and its siblings read the decoded bytes from `data`, as
 * any consumer of the record would. Throws `KplPayloadDecodeError`, naming the user record.
 * What both adapters' `decode` option runs.
 *
 * @example
 * ```ts
 * import { deaggregateRecords, decodeUserRecord, PayloadDecoder, userRecordText } from '@kpl-lambda/core';
 * const decoder = new PayloadDecoder({ envelope: 'cloudwatch-logs' });
 * for (const userRecord of deaggregateRecords(event.Records)) {
 *   for (const logEvent of decodeUserRecord(userRecord, decoder)) console.log(userRecordText(logEvent));
 * }
 * ```
 */
export function decodeUserRecord(
  userRecord: KinesisStreamUserRecord,
  decoder: PayloadDecoder,
): KinesisStreamUserRecord[] {
  const { kinesis } = userRecord;
  return decoder
    .decode(userRecordData(userRecord), kinesis)
    .map(({ data, innerIndex, cloudWatchLogs }) => {
      const payload: KinesisStreamUserRecordPayload = {
        ...kinesis,
        data: asBuffer(data).toString('base64'),
      };
      if (innerIndex !== undefined) payload.innerIndex = innerIndex;
      if (cloudWatchLogs !== undefined) payload.cloudWatchLogs = cloudWatchLogs;
      return { ...userRecord, kinesis: payload };
    });
}
