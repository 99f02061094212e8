import { processPartialResponse } from '@aws-lambda-powertools/batch';
import type { CheckpointStore, KinesisStreamUserRecord } from '@kpl-lambda/core';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { checkpoints } from './checkpoints.js';
import { logger, logOrder, metrics, type ProcessOrder, readOrder } from './orders.js';

/** The Powertools consumer around any way of processing an order. */
export const createHandler = (processOrder: ProcessOrder, store?: CheckpointStore) => {
  const processor = new KplBatchProcessor({
    onCorrupt: 'fail',
    logger,
    metrics,
    ...(store ? { checkpoints: store } : {}),
  });
  const recordHandler = (record: KinesisStreamUserRecord) =>
    processOrder(readOrder(record), record);
  return async (event: KinesisStreamEvent, context: Context) => {
    logger.addContext(context);
    try {
      return await processPartialResponse(event, recordHandler, processor, { context });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
};

export const handler = createHandler(logOrder, checkpoints);
