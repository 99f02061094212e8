import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  DynamoDBCheckpointStore,
  InMemoryCheckpointStore,
  KplRedriveRecordsMissingError,
} from '@kpl-lambda/checkpoints';
import { type RedriveUserRecord, redrive as redriveBatch } from '@kpl-lambda/checkpoints/redrive';
import type { CheckpointStore } from '@kpl-lambda/core';
import { KinesisProducer } from '@kpl-lambda/producer';
import { type ClientOf, dynamoDBClientFor, kinesisClientFor } from './awsClients.js';
import { assertOneSide, type ConnectionOptions } from './endpoints.js';
import { KplCliUsageError, messageOf } from './errors.js';
import { groupedLines } from './grouped.js';
import { writeLine } from './io.js';
import {
  type GivenUpBatch,
  givenUpBatchesOf,
  isS3Url,
  readOnFailureInput,
} from './onFailureInput.js';
import { producerLogger } from './producerLogger.js';
import { type DataFormat, showData } from './render.js';
import type { CliIo } from './types.js';

/** Options of `kpl redrive`. */
export interface RedriveOptions extends ConnectionOptions {
  table: string | undefined;
  consumer: string | undefined;
  toStream: string | undefined;
  data: DataFormat;
}

/**
 * `kpl redrive [FILE|-|s3://BUCKET/KEY]`: the user records of the batches an on-failure
 * destination message names (Lambda's record, an SQS message, or a ReceiveMessage output), read
 * back from their shard; or, from an S3 destination's object, taken from its `payload` without
 * reading the stream. A batch the stream no longer has is reported, and exits 1. Printed as JSON lines, writing nothing; or with `--to-stream` put again, each one
 * counting as done once Kinesis confirmed its write. With `--table` and `--consumer`, those the
 * consumer's checkpoints have as done are skipped, and (with `--to-stream` only) the redriven
 * ones recorded. Exit code 1 when a user record failed, 130 when stopped.
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
  assertOneSide(
    [
      'kinesis',
      ...(options.table === undefined ? [] : ['dynamodb' as const]),
      ...(isS3Url(file) ? ['s3' as const] : []),
    ],
    options,
    io.env,
  );
  const batches = givenUpBatchesOf(await readOnFailureInput(file, options, io));
  const kinesis = await kinesisClientFor(options, io);
  let dynamodb: ClientOf<DynamoDBClient> | undefined;
  try {
    let checkpoints: CheckpointStore = new InMemoryCheckpointStore();
    if (options.table !== undefined) {
      dynamodb = await dynamoDBClientFor(options, io);
      checkpoints = new DynamoDBCheckpointStore({
        client: dynamodb.client,
        tableName: options.table,
        consumerName: options.consumer!,
      });
    }
    return await redriveBatches(batches, kinesis.client, checkpoints, options, io);
  } finally {
    kinesis.close();
    dynamodb?.close();
  }
}

async function redriveBatches(
  batches: GivenUpBatch[],
  kinesis: KinesisClient,
  checkpoints: CheckpointStore,
  options: RedriveOptions,
  io: CliIo,
): Promise<number> {
  const write =
    options.toStream === undefined ? undefined : writerTo(kinesis, options.toStream, io);
  let code = 0;
  for (const { batchInfo, payload } of batches) {
    const range = `${batchInfo.shardId} ${batchInfo.startSequenceNumber}..${batchInfo.endSequenceNumber}`;
    const report = await redriveBatch({
      kinesis,
      checkpoints,
      batchInfo,
      ...(payload === undefined ? {} : { payload }),
      // Printing is not handling: only a write Kinesis confirmed may count as done.
      recordDone: write !== undefined,
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      handler: async (userRecord) => {
        await write?.(userRecord);
        const { format, data } = showData(userRecord.data, options.data);
        await writeLine(
          io.stdout,
          JSON.stringify({
            shardId: userRecord.shardId,
            sequenceNumber: userRecord.sequenceNumber,
            subSequenceNumber: userRecord.subSequenceNumber,
            partitionKey: userRecord.partitionKey ?? null,
            format,
            data,
          }),
        );
      },
    }).catch((error: unknown) => {
      // The stream no longer has the batch: said, and the other batches go on.
      if (error instanceof KplRedriveRecordsMissingError) return error;
      throw error;
    });
    if (report instanceof KplRedriveRecordsMissingError) {
      await writeLine(io.stderr, `${range}: nothing redriven: ${report.message}`);
      code = 1;
      continue;
    }
    const done =
      write === undefined
        ? `${report.ran} printed (nothing written)`
        : `${report.ran} redriven to ${options.toStream}`;
    const lines = [
      `${range}: ${done}, ${report.skipped} skipped as done, ${report.failed.length} failed`,
      ...groupedLines(
        '  failed: ',
        report.failed.map(({ error }) => ({
          message: messageOf(error),
        })),
      ),
    ];
    if (!report.complete)
      lines.push('  stopped before the end of the batch: run it again to go on');
    for (const line of lines) await writeLine(io.stderr, line);
    if (report.failed.length > 0 || !report.complete) code = 1;
    if (io.signal?.aborted === true) return 130;
  }
  return code;
}

/** Puts a user record again, and resolves only once Kinesis confirmed it. */
function writerTo(
  kinesis: KinesisClient,
  streamName: string,
  io: CliIo,
): (userRecord: RedriveUserRecord) => Promise<void> {
  const producer = new KinesisProducer({
    client: kinesis,
    streamName,
    logger: producerLogger('redrive', io),
  });
  return async (userRecord) => {
    const { data, partitionKey, explicitHashKey } = userRecord;
    // A record without a key (a service-managed stream) is put without one: the producer's to give.
    producer.put({
      data,
      ...(partitionKey === undefined ? {} : { partitionKey }),
      ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
    });
    const { undeliverable } = await producer.flush();
    const [notWritten] = undeliverable;
    if (notWritten !== undefined) {
      throw new Error(`not written: ${notWritten.errorCode}: ${notWritten.errorMessage}`);
    }
  };
}
