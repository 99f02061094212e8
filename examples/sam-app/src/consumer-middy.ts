import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { CheckpointStore } from '@kpl-lambda/core';
import kplDeagg from '@kpl-lambda/middy';
import middy from '@middy/core';
import type {
  KinesisStreamBatchItemFailure,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
} from 'aws-lambda';
import { checkpoints } from './checkpoints.js';
import { logger, logOrder, metrics, type ProcessOrder, readOrder } from './orders.js';

/** The Middy consumer around any way of processing an order. */
export const createHandler = (processOrder: ProcessOrder, store?: CheckpointStore) =>
  middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    // Corrupt aggregates go to the on-failure destination through Lambda's retries.
    .use(kplDeagg({ onCorrupt: 'fail', logger, metrics, ...(store ? { checkpoints: store } : {}) }))
    .handler<KinesisStreamEvent>(async (event) => {
      const batchItemFailures: KinesisStreamBatchItemFailure[] = [];
      for (const record of event.Records) {
        try {
          await processOrder(readOrder(record), record);
        } catch (error) {
          logger.warn('Order failed', {
            sequenceNumber: record.kinesis.sequenceNumber,
            subSequenceNumber: record.kinesis.subSequenceNumber,
            error,
          });
          // The user record: kplDeagg reports its parent, de-duplicated, and with checkpoints the
          // siblings before it count as done.
          const { sequenceNumber, subSequenceNumber } = record.kinesis;
          batchItemFailures.push({ itemIdentifier: `${sequenceNumber}:${subSequenceNumber}` });
        }
      }
      return { batchItemFailures };
    });

export const handler = createHandler(logOrder, checkpoints);
