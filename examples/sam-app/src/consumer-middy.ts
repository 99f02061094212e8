import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { CheckpointStore } from '@kpl-lambda/core';
import kplDeagg, { type KplDeaggResponse } from '@kpl-lambda/middy';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { checkpoints } from './checkpoints.js';
import { logger, logOrder, metrics, type ProcessOrder, readOrder } from './orders.js';

/** The Middy consumer around any way of processing an order. */
export const createHandler = (processOrder: ProcessOrder, store?: CheckpointStore) =>
  middy<KinesisStreamEvent, KplDeaggResponse>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    // Corrupt aggregates go to the on-failure destination through Lambda's retries.
    .use(kplDeagg({ onCorrupt: 'fail', logger, metrics, ...(store ? { checkpoints: store } : {}) }))
    // One outcome per user record (Middy's batch convention), in order: kplDeagg reports each
    // failure as its parent, and with checkpoints records exactly which user records are done,
    // those after a failure included, so that a retry runs only the rest.
    .handler<KinesisStreamEvent, KinesisStreamBatchResponse>(async (event) => {
      const outcomes: PromiseSettledResult<void>[] = [];
      for (const record of event.Records) {
        try {
          await processOrder(readOrder(record), record);
          outcomes.push({ status: 'fulfilled', value: undefined });
        } catch (reason) {
          logger.warn('Order failed', {
            sequenceNumber: record.kinesis.sequenceNumber,
            subSequenceNumber: record.kinesis.subSequenceNumber,
            error: reason,
          });
          outcomes.push({ status: 'rejected', reason });
        }
      }
      return outcomes;
    });

export const handler = createHandler(logOrder, checkpoints);
