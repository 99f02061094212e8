import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type KinesisStreamUserRecord, userRecordJson } from '@kpl-lambda/core';

/** What the producer writes and the consumers read: one order per user record. */
export interface Order {
  orderId: string;
  customerId: string;
  amount: number;
  /** An order no consumer can ever process: it shows how a poison user record is given up. */
  poison?: boolean;
}

/** Handles one order; throws when it cannot, so the user record is reported as failed. */
export type ProcessOrder = (order: Order, record: KinesisStreamUserRecord) => Promise<void>;

export const logger = new Logger({ serviceName: 'orders' });

/** The consumers' KPL metrics (parents, user records, failures, ...) go out as EMF with these. */
export const metrics = new Metrics({ namespace: 'KplLambdaExample', serviceName: 'orders' });

export function readOrder(record: KinesisStreamUserRecord): Order {
  return userRecordJson<Order>(record);
}

/**
 * What the deployed consumers do with an order: log it. Replace with your own side effects, and
 * make them idempotent on sequence number + sub-sequence number: Lambda delivers every sibling of
 * a failed user record again.
 */
export const logOrder: ProcessOrder = async (order, record) => {
  if (order.poison) throw new Error(`Order ${order.orderId} cannot be processed`);
  logger.info('Order processed', {
    orderId: order.orderId,
    sequenceNumber: record.kinesis.sequenceNumber,
    subSequenceNumber: record.kinesis.subSequenceNumber,
  });
};
