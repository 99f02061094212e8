// A user's CommonJS TypeScript (a .cts file: require() at run time), every public entry point.

import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import { deaggregateRecords, type KinesisStreamUserRecord } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { start } from '@kpl-lambda/kcl';
import { KinesisEventSourceMapping } from '@kpl-lambda/local-event-source-mapping';
import { startLocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { type KplDeaggOptions, type KplDeaggResponse, kplDeagg } from '@kpl-lambda/middy';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import { KinesisProducer } from '@kpl-lambda/producer';
// Middy 7 is published for import only: CommonJS code loads it with import().
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';

const options: KplDeaggOptions = { onCorrupt: 'fail', checkpoints: new InMemoryCheckpointStore() };
export const handler = async () => {
  const { default: middy } = await import('@middy/core');
  return middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
    .use(kplDeagg(options))
    .handler(async (event) => ({
      batchItemFailures: event.Records.map((record) => ({
        itemIdentifier: record.kinesis.sequenceNumber,
      })),
    }));
};

// Middy's batch convention, as the checkpoints README has it: settled results, no cast.
export const settledHandler = async () => {
  const { default: middy } = await import('@middy/core');
  return middy<KinesisStreamEvent, KplDeaggResponse>()
    .use(kplDeagg(options))
    .handler<KinesisStreamEvent, KinesisStreamBatchResponse>(async (event) =>
      Promise.allSettled(event.Records.map(async (record) => record.kinesis.subSequenceNumber)),
    );
};

const userRecords: KinesisStreamUserRecord[] = deaggregateRecords(
  kinesisStreamEvent([aggregatedRecord([{ partitionKey: 'a', data: 'x' }])]).Records,
);
const subSequenceNumber: number = userRecords[0]!.kinesis.subSequenceNumber;

export { subSequenceNumber };
export const used = [
  KplBatchProcessor,
  KinesisProducer,
  KinesisEventSourceMapping,
  startLocalKinesis,
  start,
  redrive,
];
