// The whole path: produce orders with @kpl-lambda/producer, deliver them to consumer handlers
// through local Kinesis event source mappings, and check that every order was processed or
// reached the on-failure destination. Used by demo.mjs and by the end-to-end tests.
import { randomUUID } from 'node:crypto';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import { KinesisEventSourceMapping } from '@kpl-lambda/local-event-source-mapping';
import { KinesisProducer } from '@kpl-lambda/producer';

/**
 * @param {object} options
 * @param {import('@aws-sdk/client-kinesis').KinesisClient} options.client
 * @param {string} options.streamName
 * @param {Record<string, (processOrder: Function, store?: object) => Function>} options.consumers handler factories by name
 * @param {boolean} [options.withCheckpoints] run each consumer a second time, with checkpoints
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
    withCheckpoints = false,
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
  progress(`wrote ${orders} orders in ${producer.counters.kinesisRecordsWritten} Kinesis records`);

  // Consume, every consumer on its own mapping, as Lambda functions on one stream.
  const runs = Object.entries(consumers).flatMap(([name, createHandler]) => [
    { name, createHandler },
    ...(withCheckpoints
      ? [{ name: `${name} with checkpoints`, createHandler, store: new InMemoryCheckpointStore() }]
      : []),
  ]);
  const results = await Promise.all(
    runs.map(async ({ name, createHandler, store }) => {
      const deliveries = new Map();
      /** Each order's parent (sequence number), and the parents of the poison orders. */
      const parentOf = new Map();
      const poisonParents = new Set();
      const processOrder = async (order, record) => {
        if (!order.orderId?.startsWith(runId)) return;
        const seen = deliveries.get(order.orderId) ?? 0;
        deliveries.set(order.orderId, seen + 1);
        parentOf.set(order.orderId, record.kinesis.sequenceNumber);
        if (order.poison) {
          poisonParents.add(record.kinesis.sequenceNumber);
          throw new Error(`poison order ${order.orderId}`);
        }
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
        handler: createHandler(processOrder, store),
        functionName: name.replaceAll(' ', '-'),
        batchSize: 100,
        functionResponseTypes: ['ReportBatchItemFailures'],
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 3,
        onFailure: (record) => {
          givenUpBatches.push(record.KinesisBatchInfo);
        },
        onInvoke: ({ outcome }) => {
          if (mapping.counters.invocations % 10 === 0 || outcome !== 'success') {
            progress(
              `${name}: ${mapping.counters.invocations} invocations, ${processed.size} orders processed`,
            );
          }
        },
      });
      await mapping.drain();
      const givenUp = new Set(
        (await redriveGivenUp({ client, consumer: { givenUpBatches }, runId })).sent,
      );
      const again = [...processed].filter(([, count]) => count > 1).map(([orderId]) => orderId);
      const inPoisonAggregate = again.filter((orderId) => poisonParents.has(parentOf.get(orderId)));
      const duplicates = {
        inPoisonAggregate: inPoisonAggregate.length,
        afterPoisonInBatch: again.length - inPoisonAggregate.length,
      };
      return {
        name,
        processed,
        givenUp,
        givenUpBatches,
        counters: mapping.counters,
        duplicates,
        store,
      };
    }),
  );

  // Check: every written order was processed, or reached the on-failure destination.
  const notWritten = new Set(undeliverable.map(({ record }) => record.data.orderId));
  const report = {
    runId,
    ordersWritten: written.length - notWritten.size,
    ordersNotWritten: notWritten.size,
    kinesisRecordsWritten: producer.counters.kinesisRecordsWritten,
    poisonOrders: written.filter((order) => order.poison).map((order) => order.orderId),
    consumers: {},
    ok: notWritten.size === 0,
  };
  for (const { name, processed, givenUp, givenUpBatches, counters, duplicates, store } of results) {
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
      duplicates,
      invocations: counters.invocations,
      kinesisRecordsRedelivered: counters.recordsDelivered - report.kinesisRecordsWritten,
      batchesGivenUp: givenUpBatches.length,
      ordersGivenUp: givenUp.size,
      lost: lost.map((order) => order.orderId),
      poisonGivenUp,
      givenUpBatches,
      store,
    };
    report.ok &&= lost.length === 0 && poisonGivenUp;
  }
  return report;
}

/**
 * What an operator's redrive of a consumer's given-up batches sends back to the stream (after the
 * poison's cause is fixed): with the consumer's checkpoints, only the user records it did not
 * finish; without, every user record of the batches. Nothing is written here: the orders that
 * would be sent are returned.
 *
 * @param {{ client: import('@aws-sdk/client-kinesis').KinesisClient, consumer: { givenUpBatches: object[], store?: object }, runId: string }} options
 */
export async function redriveGivenUp({ client, consumer, runId }) {
  const sent = [];
  let skipped = 0;
  for (const batchInfo of consumer.givenUpBatches) {
    const report = await redrive({
      kinesis: client,
      checkpoints: consumer.store ?? new InMemoryCheckpointStore(),
      batchInfo,
      // Printing, as `kpl redrive` without --to-stream: the store is read, never written.
      recordDone: false,
      handler: (userRecord) => {
        const { orderId } = JSON.parse(Buffer.from(userRecord.data).toString('utf8'));
        if (orderId?.startsWith(runId)) sent.push(orderId);
      },
    });
    skipped += report.skipped;
  }
  return { sent, skipped };
}
