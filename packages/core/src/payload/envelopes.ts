// The envelopes that hold several logical records in one user record's data.
import { Buffer } from 'node:buffer';
import { KplPayloadDecodeError } from '../errors.js';
import type { CloudWatchLogsEvent, DecodedPayload } from './payloadTypes.js';

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Each non-empty line, without its line break (`\n`, or `\r\n`), as a view into `data`. Empty
 * lines hold no record: Fluent Bit ends each record with a line break, so the last is empty.
 */
export function lineRecords(data: Buffer): DecodedPayload[] {
  const records: DecodedPayload[] = [];
  let start = 0;
  while (start < data.length) {
    const lineFeed = data.indexOf(LINE_FEED, start);
    const next = lineFeed === -1 ? data.length : lineFeed;
    const end = next > start && data[next - 1] === CARRIAGE_RETURN ? next - 1 : next;
    if (end > start) records.push({ data: data.subarray(start, end), innerIndex: records.length });
    start = next + 1;
  }
  return records;
}

/** Strict: CloudWatch Logs writes UTF-8, and anything else is not its envelope. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The log events of a CloudWatch Logs subscription envelope, each message a record; none for a
 * `CONTROL_MESSAGE` (the health check CloudWatch Logs sends when a subscription starts). Every
 * field a record carries is checked: an envelope that lacks one is not read in part.
 */
export function cloudWatchLogsRecords(data: Buffer): DecodedPayload[] {
  let envelope: Record<string, unknown>;
  try {
    envelope = JSON.parse(utf8.decode(data));
  } catch (error) {
    throw malformed(`is not UTF-8 JSON: ${(error as Error).message}`);
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    throw malformed('is not a JSON object');
  }
  const { messageType, owner, logGroup, logStream, subscriptionFilters, logEvents } = envelope;
  if (messageType === 'CONTROL_MESSAGE') return [];
  if (messageType !== 'DATA_MESSAGE') {
    throw malformed(`has messageType ${JSON.stringify(messageType) ?? 'undefined'}`);
  }
  for (const [name, value] of Object.entries({ owner, logGroup, logStream })) {
    if (typeof value !== 'string') throw malformed(`has no string ${name}`);
  }
  if (
    !Array.isArray(subscriptionFilters) ||
    !subscriptionFilters.every((filter) => typeof filter === 'string')
  ) {
    throw malformed('has no subscriptionFilters array of strings');
  }
  if (!Array.isArray(logEvents)) throw malformed('has no logEvents array');
  const shared = {
    owner: owner as string,
    logGroup: logGroup as string,
    logStream: logStream as string,
    subscriptionFilters: Object.freeze([...subscriptionFilters]) as readonly string[],
  };
  return logEvents.map((logEvent: unknown, innerIndex) => {
    const { id, timestamp, message } = (logEvent ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || !Number.isFinite(timestamp) || typeof message !== 'string') {
      throw malformed(
        `has a log event (${innerIndex}) without a string id and message, and a timestamp`,
      );
    }
    const cloudWatchLogs: CloudWatchLogsEvent = { id, timestamp: timestamp as number, ...shared };
    return { data: Buffer.from(message, 'utf8'), innerIndex, cloudWatchLogs };
  });
}

function malformed(what: string): KplPayloadDecodeError {
  return new KplPayloadDecodeError(`${what}: not a CloudWatch Logs envelope`, {
    reason: 'MALFORMED_ENVELOPE',
  });
}
