// A user's ESM TypeScript: every public entry point, with the types they are used with. Compiled
// as an ES module under node16 and nodenext, and as a bundler's input (esbuild, as SAM builds it).

import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import { deaggregateRecords, type KinesisStreamUserRecord } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { start } from '@kpl-lambda/kcl';
import { KinesisEventSourceMapping } from '@kpl-lambda/local-event-source-mapping';
import { startLocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import kplDeagg, { type KplDeaggOptions, type KplDeaggResponse } from '@kpl-lambda/middy';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import { KinesisProducer } from '@kpl-lambda/producer';
import middy from '@middy/core';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';

const options: KplDeaggOptions = { onCorrupt: 'fail', checkpoints: new InMemoryCheckpointStore() };
export const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
  .use(kplDeagg(options))
  .handler(async (event) => ({
    batchItemFailures: event.Records.map((record) => ({
      itemIdentifier: record.kinesis.sequenceNumber,
    })),
  }));

// Middy's batch convention, as the checkpoints README has it: settled results, no cast.
export const settledHandler = middy<KinesisStreamEvent, KplDeaggResponse>()
  .use(kplDeagg(options))
  .handler<KinesisStreamEvent, KinesisStreamBatchResponse>(async (event) =>
    Promise.allSettled(event.Records.map(async (record) => record.kinesis.subSequenceNumber)),
  );
export const lambdaGets = (
  event: KinesisStreamEvent,
  context: Context,
): Promise<KinesisStreamBatchResponse> => settledHandler(event, context);

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
