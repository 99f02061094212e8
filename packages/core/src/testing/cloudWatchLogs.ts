import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { assertKnownOptions, optionNames } from '../options.js';

/** Options of {@link cloudWatchLogsData}. */
export interface CloudWatchLogsDataOptions {
  /** Default `'DATA_MESSAGE'`; a `'CONTROL_MESSAGE'` is the health check, with one event. */
  messageType?: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  /** Default `'123456789012'`. */
  owner?: string;
  /** Default `'/aws/lambda/orders'`. */
  logGroup?: string;
  /** Default `'2026/01/05/[$LATEST]0123456789abcdef'`. */
  logStream?: string;
  /** Default `['to-kinesis']`. */
  subscriptionFilters?: string[];
  /** The first log event's time in epoch milliseconds (the next ones a millisecond apart); default now. */
  firstTimestamp?: number;
}

const CLOUD_WATCH_LOGS_DATA_OPTIONS = optionNames<CloudWatchLogsDataOptions>({
  messageType: true,
  owner: true,
  logGroup: true,
  logStream: true,
  subscriptionFilters: true,
  firstTimestamp: true,
});

/**
 * The data of a Kinesis record as a CloudWatch Logs subscription writes it: a gzip-compressed JSON
 * envelope of log events, one per message. Put it in a record with `plainRecord`, for a handler
 * that reads it with the `decode: { envelope: 'cloudwatch-logs' }` option.
 *
 * @example
 * ```ts
 * import { cloudWatchLogsData, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
 * const event = kinesisStreamEvent([
 *   plainRecord({ partitionKey: 'logs', data: cloudWatchLogsData(['{"level":"info"}', 'started']) }),
 * ]);
 * ```
 */
export function cloudWatchLogsData(
  messages: readonly string[],
  options: CloudWatchLogsDataOptions = {},
): Uint8Array {
  assertKnownOptions(options, CLOUD_WATCH_LOGS_DATA_OPTIONS);
  const {
    messageType = 'DATA_MESSAGE',
    owner = '123456789012',
    logGroup = '/aws/lambda/orders',
    logStream = '2026/01/05/[$LATEST]0123456789abcdef',
    subscriptionFilters = ['to-kinesis'],
    firstTimestamp = Date.now(),
  } = options;
  const control = messageType === 'CONTROL_MESSAGE';
  const envelope = {
    messageType,
    owner: control ? 'CloudwatchLogs' : owner,
    logGroup: control ? '' : logGroup,
    logStream: control ? '' : logStream,
    subscriptionFilters: control ? [] : subscriptionFilters,
    logEvents: (control
      ? ['CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.']
      : messages
    ).map((message, i) => ({
      // CloudWatch Logs' IDs are long decimal strings, unique per event.
      id: control ? '' : `${firstTimestamp + i}`.padEnd(56, `${i}`),
      timestamp: firstTimestamp + i,
      message,
    })),
  };
  return gzipSync(Buffer.from(JSON.stringify(envelope), 'utf8'));
}
