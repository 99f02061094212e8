import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBCheckpointStore, InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { type RedriveBatchInfo, redrive as redriveBatch } from '@kpl-lambda/checkpoints/redrive';
import type { CheckpointStore } from '@kpl-lambda/core';
import { KinesisProducer } from '@kpl-lambda/producer';
import { KplCliUsageError } from './errors.js';
import { readInput, writeLine } from './io.js';
import { kinesisClientFor } from './kinesisClient.js';
import { type DataFormat, showData } from './render.js';
import type { CliIo } from './types.js';

/** Options of `kpl redrive`. */
export interface RedriveOptions {
  endpoint: string | undefined;
  region: string | undefined;
  table: string | undefined;
  consumer: string | undefined;
  toStream: string | undefined;
  data: DataFormat;
}

/**
 * `kpl redrive [FILE|-]`: the user records of the batches an on-failure destination message
 * names (Lambda's record, an SQS message, or a ReceiveMessage output), read back from their
 * shard: printed as JSON lines, or with `--to-stream` put again (each one written before it
 * counts as done). With `--table` and `--consumer`, those the consumer's checkpoints have as
 * done are skipped, and the redriven ones recorded. Exit code 1 when a user record failed.
 */
export async function redrive(
  file: string | undefined,
  options: RedriveOptions,
  io: CliIo,
): Promise<number> {
  if ((options.table === undefined) !== (options.consumer === undefined)) {
    throw new KplCliUsageError(
      '--table and --consumer go together: the checkpoints of one consumer',
    );
  }
  const batches = batchInfoOf(JSON.parse((await readInput(file, io)).toString('utf8')));
  const { client: kinesis, close } = kinesisClientFor(options, io);
  try {
    return await redriveBatches(batches, kinesis, options, io);
  } finally {
    close();
  }
}

async function redriveBatches(
  batches: RedriveBatchInfo[],
  kinesis: KinesisClient,
  options: RedriveOptions,
  io: CliIo,
): Promise<number> {
  const checkpoints: CheckpointStore =
    options.table === undefined
      ? new InMemoryCheckpointStore()
      : new DynamoDBCheckpointStore({
          client: new DynamoDBClient(
            options.region === undefined ? {} : { region: options.region },
          ),
          tableName: options.table,
          consumerName: options.consumer!,
        });
  const producer =
    options.toStream === undefined
      ? undefined
      : new KinesisProducer({ client: kinesis, streamName: options.toStream });
  let failed = 0;
  for (const batchInfo of batches) {
    const report = await redriveBatch({
      kinesis,
      checkpoints,
      batchInfo,
      handler: async (userRecord) => {
        if (producer !== undefined) {
          producer.put({
            data: userRecord.data,
            partitionKey: userRecord.partitionKey,
            ...(userRecord.explicitHashKey === undefined
              ? {}
              : { explicitHashKey: userRecord.explicitHashKey }),
          });
          const { undeliverable } = await producer.flush();
          if (undeliverable.length > 0)
            throw new Error(`not written: ${undeliverable[0]!.errorCode}`);
        }
        const { format, data } = showData(userRecord.data, options.data);
        await writeLine(
          io.stdout,
          JSON.stringify({
            shardId: userRecord.shardId,
            sequenceNumber: userRecord.sequenceNumber,
            subSequenceNumber: userRecord.subSequenceNumber,
            partitionKey: userRecord.partitionKey,
            format,
            data,
          }),
        );
      },
    });
    failed += report.failed.length;
    await writeLine(
      io.stderr,
      `${batchInfo.shardId} ${batchInfo.startSequenceNumber}..${batchInfo.endSequenceNumber}: ${report.ran} redriven, ${report.skipped} skipped as done, ${report.failed.length} failed`,
    );
  }
  return failed === 0 ? 0 : 1;
}

/** The `KinesisBatchInfo` of every batch in an on-failure message, however it was fetched. */
function batchInfoOf(message: unknown): RedriveBatchInfo[] {
  const messages = (message as { Messages?: unknown[] }).Messages ?? [message];
  return messages.map((entry) => {
    const body = (entry as { Body?: unknown }).Body;
    const record = typeof body === 'string' ? JSON.parse(body) : entry;
    const info = (record as { KinesisBatchInfo?: RedriveBatchInfo }).KinesisBatchInfo;
    if (info === undefined) {
      throw new KplCliUsageError(
        'The input is not an on-failure destination message: it has no KinesisBatchInfo',
      );
    }
    return info;
  });
}
