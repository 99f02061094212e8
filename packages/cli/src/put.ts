import {
  KinesisProducer,
  type ProducerRecord,
  type UndeliverableRecord,
} from '@kpl-lambda/producer';
import { kinesisClientFor } from './awsClients.js';
import type { ConnectionOptions } from './endpoints.js';
import { KplCliStoppedError, messageOf } from './errors.js';
import { groupedLines } from './grouped.js';
import { readLines, writeLine } from './io.js';
import { producerLogger } from './producerLogger.js';
import type { CliIo } from './types.js';

/** Options of `kpl put`. */
export interface PutOptions extends ConnectionOptions {
  stream: string;
  partitionKey: string | undefined;
  raw: boolean;
  /** Lines of the input not read again: a put resumed after the last line it wrote. */
  skipLines: number;
  /** Skip (and count) lines that cannot be put, instead of stopping at the first. */
  skipInvalid: boolean;
}

/** How reading the input ended. */
interface LinesRead {
  /** The last line read (put, or skipped as invalid); the `--skip-lines` of a resumed put. */
  lastLine: number;
  /** Lines skipped with `--skip-invalid`, and why. */
  invalid: Array<{ line: number; message: string }>;
  /** The line that stopped the put, and why. */
  badLine?: { line: number; message: string };
  interrupted: boolean;
  /** Reading the input failed: rethrown once what was put is flushed and reported. */
  readError?: unknown;
}

/**
 * `kpl put --stream NAME [FILE|-]`: JSON lines (each parsed, so that `--partition-key FIELD`
 * can read it) or `--raw` lines through the aggregating producer, with progress on a terminal
 * and a summary. Whatever ends it (the input, a line that cannot be put, Ctrl-C), what was put is
 * flushed first and the summary says from which line to resume. Exit code 1 when a user record
 * was given up or a line could not be put, 130 when stopped.
 */
export async function put(
  file: string | undefined,
  options: PutOptions,
  io: CliIo,
): Promise<number> {
  const { client, close } = await kinesisClientFor(options, io);
  try {
    const undeliverable: UndeliverableRecord[] = [];
    const producer = new KinesisProducer({
      client,
      streamName: options.stream,
      ...(options.partitionKey === undefined ? {} : { partitionKeyFrom: options.partitionKey }),
      // Taken as they are given up: held until the flush, they would fill the producer, and a
      // put waiting for room would wait for ever.
      onUndeliverable: (record) => {
        undeliverable.push(record);
      },
      logger: producerLogger('put', io),
    });
    const lineOf = new WeakMap<ProducerRecord, number>();
    const read = await putLines(file, options, io, producer, lineOf);
    await producer.flush();
    if (io.stderr.isTTY === true) io.stderr.write('\r\u001b[K');
    await report(producer, options, io, read, undeliverable, lineOf);
    if (read.readError !== undefined) throw read.readError;
    if (read.interrupted) return 130;
    return undeliverable.length > 0 || read.invalid.length > 0 || read.badLine ? 1 : 0;
  } finally {
    close();
  }
}

async function putLines(
  file: string | undefined,
  options: PutOptions,
  io: CliIo,
  producer: KinesisProducer,
  lineOf: WeakMap<ProducerRecord, number>,
): Promise<LinesRead> {
  const read: LinesRead = { lastLine: options.skipLines, invalid: [], interrupted: false };
  const progress = io.stderr.isTTY === true;
  let lines = 0;
  try {
    for await (const { number, text } of readLines(file, io, options.skipLines)) {
      let record: ProducerRecord;
      let writable: boolean;
      try {
        record = { data: options.raw ? text : parseJsonLine(text) };
        // Throws for a record Kinesis would refuse: the line is invalid, nothing was taken.
        writable = producer.put(record);
      } catch (error) {
        const message = messageOf(error);
        if (!options.skipInvalid) {
          read.badLine = { line: number, message };
          break;
        }
        read.invalid.push({ line: number, message });
        read.lastLine = number;
        continue;
      }
      lineOf.set(record, number);
      read.lastLine = number;
      if (!writable) await producer.whenWritable();
      if (progress && ++lines % 1000 === 0) {
        io.stderr.write(
          `\rput ${lines.toLocaleString('en-US')} user records, ${producer.counters.userRecordsWritten.toLocaleString('en-US')} written`,
        );
      }
    }
  } catch (error) {
    if (error instanceof KplCliStoppedError) read.interrupted = true;
    else read.readError = error;
  }
  return read;
}

async function report(
  producer: KinesisProducer,
  options: PutOptions,
  io: CliIo,
  read: LinesRead,
  undeliverable: UndeliverableRecord[],
  lineOf: WeakMap<ProducerRecord, number>,
): Promise<void> {
  const { counters } = producer;
  await writeLine(
    io.stdout,
    `${counters.userRecordsWritten} user records written to ${options.stream} in ${counters.kinesisRecordsWritten} Kinesis records (${counters.putPayloadUnits} PUT payload units, ${counters.putRecordsRequests} PutRecords calls, ${counters.retries} retries, ${counters.throttledKinesisRecords} throttled, ${counters.rateLimitedKinesisRecords} held for a shard's rate limit, ${counters.expiredUserRecords} expired); ${undeliverable.length} undeliverable`,
  );
  const lines = [
    ...groupedLines(
      'kpl put: not written: ',
      undeliverable.map(({ record, errorCode, errorMessage }) => ({
        message: `${errorCode}: ${errorMessage}`,
        line: lineOf.get(record),
      })),
    ),
    ...groupedLines('kpl put: skipped as invalid: ', read.invalid),
  ];
  const { badLine, lastLine } = read;
  if (badLine !== undefined) {
    const { line, message } = badLine;
    const before =
      lastLine === options.skipLines
        ? 'nothing was put'
        : `the lines before it are put${undeliverable.length > 0 ? ' (but for those not written, above)' : ''}`;
    lines.push(
      `kpl put: line ${line}: ${message}`,
      `kpl put: stopped at line ${line}; ${before}. Resume with --skip-lines ${line - 1} once line ${line} is fixed, or --skip-lines ${line} to leave it out (--skip-invalid leaves out every such line)`,
    );
  } else if (read.interrupted || (read.readError !== undefined && lastLine > options.skipLines)) {
    lines.push(
      `kpl put: stopped after line ${lastLine}${read.interrupted ? ' (interrupted)' : ''}: resume with --skip-lines ${lastLine}`,
    );
  }
  for (const line of lines) await writeLine(io.stderr, line);
}

function parseJsonLine(line: string): ProducerRecord['data'] {
  try {
    return JSON.parse(line) as ProducerRecord['data'];
  } catch {
    throw new Error('not JSON: pass --raw to put lines as they are');
  }
}
