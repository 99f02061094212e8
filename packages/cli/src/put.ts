import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisProducer, type ProducerRecord } from '@kpl-lambda/producer';
import { readLines, writeLine } from './io.js';
import { kinesisClientFor } from './kinesisClient.js';
import type { CliIo } from './types.js';

/** Options of `kpl put`. */
export interface PutOptions {
  stream: string;
  endpoint: string | undefined;
  region: string | undefined;
  partitionKey: string | undefined;
  raw: boolean;
}

/**
 * `kpl put --stream NAME [FILE|-]`: JSON lines (each parsed, so that `--partition-key FIELD`
 * can read it) or `--raw` lines through the aggregating producer, with progress on a terminal
 * and a summary. Exit code 1 when a user record was given up.
 */
export async function put(
  file: string | undefined,
  options: PutOptions,
  io: CliIo,
): Promise<number> {
  const { client, close } = kinesisClientFor(options, io);
  try {
    return await putLines(file, options, io, client);
  } finally {
    close();
  }
}

async function putLines(
  file: string | undefined,
  options: PutOptions,
  io: CliIo,
  client: KinesisClient,
): Promise<number> {
  const producer = new KinesisProducer({
    client,
    streamName: options.stream,
    ...(options.partitionKey === undefined ? {} : { partitionKeyFrom: options.partitionKey }),
  });
  const progress = io.stderr.isTTY === true;
  let lines = 0;
  for await (const line of readLines(file, io)) {
    lines++;
    const data = options.raw ? line : parseJsonLine(line, lines);
    if (!producer.put({ data })) await producer.whenWritable();
    if (progress && lines % 1000 === 0) {
      io.stderr.write(
        `\rput ${lines.toLocaleString('en-US')} user records, ${producer.metrics.userRecordsWritten.toLocaleString('en-US')} written`,
      );
    }
  }
  const { undeliverable } = await producer.flush();
  if (progress) io.stderr.write('\r\u001b[K');
  const { metrics } = producer;
  await writeLine(
    io.stdout,
    `${metrics.userRecordsWritten} user records written to ${options.stream} in ${metrics.kinesisRecordsWritten} Kinesis records (${metrics.putPayloadUnits} PUT payload units, ${metrics.putRecordsRequests} PutRecords calls, ${metrics.retries} retries); ${undeliverable.length} undeliverable`,
  );
  for (const { errorCode, errorMessage } of undeliverable.slice(0, 10)) {
    await writeLine(io.stderr, `undeliverable: ${errorCode}: ${errorMessage}`);
  }
  return undeliverable.length === 0 ? 0 : 1;
}

function parseJsonLine(line: string, number: number): ProducerRecord['data'] {
  try {
    return JSON.parse(line) as ProducerRecord['data'];
  } catch {
    throw new Error(`Line ${number} is not JSON: pass --raw to put lines as they are`);
  }
}
