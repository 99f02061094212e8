// What Lambda does with a Kinesis batch, as pure functions: the payload limit, how it reads a
// partial batch response, and what it sends to an on-failure destination.
import { randomUUID } from 'node:crypto';
import type { _Record } from '@aws-sdk/client-kinesis';
import { lambdaKinesisRecord } from '@kpl-lambda/core/testing';
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import type { KinesisOnFailureRecord } from './types.js';

/** Lambda's invocation payload limit; the event is cut to fit it. */
const MAX_EVENT_BYTES = 6_291_456;
/** A generous bound on what an event record adds around its base64 data. */
const RECORD_ENVELOPE_BYTES = 600;

/** How an invocation ended, as Lambda reads it. */
export type Outcome =
  | { kind: 'success'; state?: Record<string, unknown> }
  | { kind: 'partial'; firstFailed: number; state?: Record<string, unknown> }
  | { kind: 'error'; error: unknown };

/** The first records whose event fits Lambda's 6 MB payload; the rest are read again later. */
export function withinPayloadLimit(records: _Record[]): _Record[] {
  let bytes = 100;
  let count = 0;
  for (const record of records) {
    bytes += Math.ceil(record.Data!.length / 3) * 4 + RECORD_ENVELOPE_BYTES;
    if (bytes > MAX_EVENT_BYTES && count > 0) break;
    count++;
  }
  return records.slice(0, count);
}

/**
 * How Lambda reads a response: without `ReportBatchItemFailures`, or with an empty list, success;
 * otherwise a partial failure from the lowest reported record. An empty identifier means the whole
 * batch failed; an identifier of no record is undocumented: the same here. Inside a tumbling
 * window a response without `state` is a failed invocation.
 */
export function readResponse(
  batch: _Record[],
  response: unknown,
  functionResponseTypes: ReadonlyArray<'ReportBatchItemFailures'> | undefined,
  inWindow = false,
): Outcome {
  let state: Record<string, unknown> | undefined;
  if (inWindow) {
    state = (response as { state?: unknown } | null | undefined)?.state as typeof state;
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      return {
        kind: 'error',
        error: new Error('A response inside a tumbling window has no state'),
      };
    }
  }
  const success: Outcome = state === undefined ? { kind: 'success' } : { kind: 'success', state };
  if (!functionResponseTypes?.includes('ReportBatchItemFailures')) return success;
  const failures = (response as Partial<KinesisStreamBatchResponse> | null | undefined)
    ?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return success;
  let firstFailed = batch.length;
  for (const failure of failures) {
    const index = batch.findIndex((record) => record.SequenceNumber === failure?.itemIdentifier);
    if (index === -1) {
      return {
        kind: 'error',
        error: new Error(`Invalid itemIdentifier ${JSON.stringify(failure?.itemIdentifier)}`),
      };
    }
    firstFailed = Math.min(firstFailed, index);
  }
  return state === undefined
    ? { kind: 'partial', firstFailed }
    : { kind: 'partial', firstFailed, state };
}

/** What Lambda sends to the on-failure destination for a batch it gave up: metadata only. */
export function onFailureRecord(given: {
  shardId: string;
  batch: _Record[];
  invokeCount: number;
  functionError: boolean;
  functionArn: string;
  streamArn: string;
}): KinesisOnFailureRecord {
  const first = given.batch[0]!;
  const last = given.batch.at(-1)!;
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: given.functionArn,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: given.invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(given.functionError ? { functionError: 'Unhandled' as const } : {}),
    },
    version: '1.0',
    timestamp: new Date().toISOString(),
    KinesisBatchInfo: {
      shardId: given.shardId,
      startSequenceNumber: first.SequenceNumber!,
      endSequenceNumber: last.SequenceNumber!,
      approximateArrivalOfFirstRecord: arrivalOf(first).toISOString(),
      approximateArrivalOfLastRecord: arrivalOf(last).toISOString(),
      batchSize: given.batch.length,
      streamArn: given.streamArn,
    },
  };
}

/** A Kinesis record as Lambda hands it to a function of this name and region. */
export function eventRecordOf(
  record: _Record,
  shardId: string,
  eventSourceARN: string,
  awsRegion: string,
  functionName: string,
): KinesisStreamRecord {
  return lambdaKinesisRecord({
    data: record.Data!,
    // Written without one (a service-managed stream): Lambda says null.
    partitionKey: record.PartitionKey ?? null,
    sequenceNumber: record.SequenceNumber!,
    approximateArrivalTimestamp: arrivalOf(record).getTime() / 1000,
    shardId,
    eventSourceARN,
    awsRegion,
    invokeIdentityArn: `arn:aws:iam::000000000000:role/${functionName}-role`,
  });
}

function arrivalOf(record: _Record): Date {
  /* v8 ignore next -- Kinesis gives every record its arrival, which the SDK types optional */
  return record.ApproximateArrivalTimestamp ?? new Date();
}
