// The whole path: produce orders with @kpl-lambda/producer, deliver them to consumer handlers
// through local Kinesis event source mappings, and check that every order was processed or
// reached the on-failure destination. Used by demo.mjs and by the end-to-end tests.
import { randomUUID } from 'node:crypto';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { deaggregateSdkRecords } from '@kpl-lambda/core';
import { KinesisEventSourceMapping } from '@kpl-lambda/local-event-source-mapping';
import { KinesisProducer } from '@kpl-lambda/producer';

/**
 * @param {object} options
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} options.client
 * @param {string} options.streamName
 * @param {Record<string, (processOrder: Function) => Function>} options.consumers handler factories by name
 * @param {number} [options.orders] orders to write (default 3,000)
 * @param {number} [options.poisonOrders] orders that always fail (default 1)
 * @param {number} [options.failFirstDelivery] chance that an order fails on its first delivery (default 0)
 * @param {() => Promise<void>} [options.midway] run after half the orders are written
 * @param {(line: string) => void} [options.progress]
 */
export async function runPipeline(options) {
  const {
    client,
    streamName,
    consumers,
    orders = 3_000,
    poisonOrders = 1,
    failFirstDelivery = 0,
    midway,
    progress = () => undefined,
  } = options;
  const runId = randomUUID().slice(0, 8);

  // Produce.
  const producer = new KinesisProducer({ client, streamName, partitionKeyFrom: 'customerId' });
  const poisonEvery = poisonOrders > 0 ? Math.floor(orders / (poisonOrders + 1)) : 0;
  const written = [];
  const undeliverable = [];
  for (let i = 0; i < orders; i++) {
    const order = {
      orderId: `${runId}-${i}`,
      customerId: `customer-${i % 50}`,
      amount: (i % 997) / 10,
      ...(poisonEvery > 0 && i > 0 && i % poisonEvery === 0 && i / poisonEvery <= poisonOrders
        ? { poison: true }
        : {}),
    };
    producer.put({ data: order });
    written.push(order);
    if (midway && i === Math.floor(orders / 2)) {
      undeliverable.push(...(await producer.flush()).undeliverable);
      progress(`wrote ${i + 1} orders; running the midway step`);
      await midway();
    }
  }
  undeliverable.push(...(await producer.flush()).undeliverable);
  progress(`wrote ${orders} orders in ${producer.metrics.kinesisRecordsWritten} Kinesis records`);

  // Consume, every consumer on its own mapping, as two Lambda functions on one stream.
  const results = await Promise.all(
    Object.entries(consumers).map(async ([name, createHandler]) => {
      const deliveries = new Map();
      const processOrder = async (order) => {
        if (!order.orderId?.startsWith(runId)) return;
        const seen = deliveries.get(order.orderId) ?? 0;
        deliveries.set(order.orderId, seen + 1);
        if (order.poison) throw new Error(`poison order ${order.orderId}`);
        if (seen === 0 && failFirstDelivery > 0 && Math.random() < failFirstDelivery) {
          throw new Error(`order ${order.orderId} failed on its first delivery`);
        }
        processed.set(order.orderId, (processed.get(order.orderId) ?? 0) + 1);
      };
      const processed = new Map();
      const givenUpBatches = [];
      const mapping = new KinesisEventSourceMapping({
        client,
        streamName,
        handler: createHandler(processOrder),
        functionName: name,
        batchSize: 100,
        functionResponseTypes: ['ReportBatchItemFailures'],
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 3,
        onFailure: (record) => {
          givenUpBatches.push(record.KinesisBatchInfo);
        },
        onInvoke: ({ outcome }) => {
          if (mapping.metrics.invocations % 10 === 0 || outcome !== 'success') {
            progress(
              `${name}: ${mapping.metrics.invocations} invocations, ${processed.size} orders processed`,
            );
          }
        },
      });
      await mapping.drain();
      const givenUp = await ordersIn(client, streamName, givenUpBatches, runId);
      return { name, processed, givenUp, givenUpBatches, stats: mapping.metrics };
    }),
  );

  // Check: every written order was processed, or reached the on-failure destination.
  const notWritten = new Set(undeliverable.map(({ record }) => record.data.orderId));
  const report = {
    runId,
    ordersWritten: written.length - notWritten.size,
    ordersNotWritten: notWritten.size,
    kinesisRecordsWritten: producer.metrics.kinesisRecordsWritten,
    poisonOrders: written.filter((order) => order.poison).map((order) => order.orderId),
    consumers: {},
    ok: notWritten.size === 0,
  };
  for (const { name, processed, givenUp, givenUpBatches, stats } of results) {
    const lost = written.filter(
      (order) =>
        !notWritten.has(order.orderId) &&
        !processed.has(order.orderId) &&
        !givenUp.has(order.orderId),
    );
    const poisonGivenUp = report.poisonOrders.every((orderId) => givenUp.has(orderId));
    report.consumers[name] = {
      ordersProcessed: processed.size,
      processedMoreThanOnce: [...processed.values()].filter((count) => count > 1).length,
      invocations: stats.invocations,
      kinesisRecordsRedelivered: stats.recordsDelivered - report.kinesisRecordsWritten,
      batchesGivenUp: givenUpBatches.length,
      ordersGivenUp: givenUp.size,
      lost: lost.map((order) => order.orderId),
      poisonGivenUp,
    };
    report.ok &&= lost.length === 0 && poisonGivenUp;
  }
  return report;
}

/**
 * The orders in the batches an on-failure destination received: Lambda sends only batch
 * metadata, so, like any consumer of that queue, read the records back from the stream.
 */
async function ordersIn(client, StreamName, batches, runId) {
  const orderIds = new Set();
  for (const { shardId, startSequenceNumber, endSequenceNumber } of batches) {
    let { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName,
        ShardId: shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: startSequenceNumber,
      }),
    );
    let done = false;
    while (ShardIterator && !done) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator }));
      if ((page.Records ?? []).length === 0) break;
      for (const record of page.Records) {
        if (BigInt(record.SequenceNumber) > BigInt(endSequenceNumber)) {
          done = true;
          break;
        }
        for (const userRecord of deaggregateSdkRecords([record])) {
          const { orderId } = JSON.parse(Buffer.from(userRecord.data).toString('utf8'));
          if (orderId?.startsWith(runId)) orderIds.add(orderId);
        }
      }
      ShardIterator = page.NextShardIterator;
    }
  }
  return orderIds;
}
