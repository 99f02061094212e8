// Writes the sample events of events/ for `sam local invoke`: Lambda Kinesis events whose records
// are real KPL aggregates of orders (and one plain record), as @kpl-lambda/producer writes them.
// Run from examples/sam-app after `npm run build`: node scripts/make-events.mjs
import { writeFileSync } from 'node:fs';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';

const order = (n, extra = {}) => ({
  partitionKey: `customer-${n % 7}`,
  data: JSON.stringify({
    orderId: `order-${n}`,
    customerId: `customer-${n % 7}`,
    amount: n * 1.5,
    ...extra,
  }),
});
const options = {
  shardId: 'shardId-000000000000',
  eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
  firstSequenceNumber: '49656625658406302356405470853187011302396564962398527490',
};
const write = (name, event) => {
  for (const record of event.Records) record.kinesis.approximateArrivalTimestamp = 1763800000.123;
  writeFileSync(
    new URL(`../events/${name}`, import.meta.url),
    `${JSON.stringify(event, null, 2)}\n`,
  );
};

write(
  'kinesis-aggregated.json',
  kinesisStreamEvent(
    [
      aggregatedRecord(Array.from({ length: 5 }, (_, i) => order(i))),
      plainRecord(order(5)),
      aggregatedRecord(Array.from({ length: 3 }, (_, i) => order(6 + i))),
    ],
    options,
  ),
);
write(
  'kinesis-poison.json',
  kinesisStreamEvent(
    [
      aggregatedRecord([order(10), order(11, { poison: true }), order(12)]),
      aggregatedRecord([order(13), order(14)]),
    ],
    options,
  ),
);
writeFileSync(
  new URL('../events/producer.json', import.meta.url),
  `${JSON.stringify({ orders: 1000, poison: true }, null, 2)}\n`,
);
