import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import kplDeagg from '@kpl-lambda/middy';
import middy from '@middy/core';
import type {
  KinesisStreamBatchItemFailure,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
} from 'aws-lambda';
import { logger, logOrder, type ProcessOrder, readOrder } from './orders.js';

/** The Middy consumer around any way of processing an order. */
export const createHandler = (processOrder: ProcessOrder) =>
  middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
    .use(injectLambdaContext(logger))
    // Corrupt aggregates go to the on-failure destination through Lambda's retries.
    .use(kplDeagg({ onCorrupt: 'fail', logger }))
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
          // The parent's sequence number: kplDeagg de-duplicates the failures of one parent.
          batchItemFailures.push({ itemIdentifier: record.kinesis.sequenceNumber });
        }
      }
      return { batchItemFailures };
    });

export const handler = createHandler(logOrder);
