import { randomUUID } from 'node:crypto';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisProducer } from '@kpl-lambda/producer';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { logger, type Order } from './orders.js';

const producer = new KinesisProducer({
  // HTTP/1.1 with keep-alive is all PutRecords needs.
  client: new KinesisClient({ requestHandler: new NodeHttpHandler() }),
  streamName: process.env.STREAM_NAME ?? 'orders',
  partitionKeyFrom: 'customerId',
  logger,
});

/** Writes `orders` generated orders (default 1,000); `poison: true` adds one poison order. */
export const handler = async (event: { orders?: number; poison?: boolean } = {}) => {
  const count = event.orders ?? 1_000;
  for (let i = 0; i < count; i++) {
    const order: Order = {
      orderId: randomUUID(),
      customerId: `customer-${i % 100}`,
      amount: Math.round(Math.random() * 10_000) / 100,
    };
    producer.put({ data: { ...order } });
  }
  if (event.poison) {
    producer.put({
      data: { orderId: randomUUID(), customerId: 'customer-0', amount: 0, poison: true },
    });
  }
  const { undeliverable } = await producer.flush();
  if (undeliverable.length > 0) {
    logger.error('Orders not written', {
      count: undeliverable.length,
      errorCode: undeliverable[0]?.errorCode,
    });
    throw new Error(`${undeliverable.length} orders could not be written`);
  }
  logger.info('Orders written', { ...producer.counters });
  return { written: count + (event.poison ? 1 : 0) };
};
