// Deaggregates a sample Lambda Kinesis event (one KPL aggregate, one plain record, one corrupt
// aggregate) and prints its user records. Run with `npm run demo`.
import { createHash } from 'node:crypto';
import { deaggregateRecords, KPL_MAGIC } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';

// An aggregate whose digest matches but whose body is cut short: it must not be lost.
const cutBody = Buffer.from([0x0a, 0x05, 0x61]);
const corrupt = Buffer.concat([KPL_MAGIC, cutBody, createHash('md5').update(cutBody).digest()]);

const event = kinesisStreamEvent([
  aggregatedRecord([
    { partitionKey: 'order-1', data: JSON.stringify({ order: 1, item: 'book' }) },
    {
      partitionKey: 'order-2',
      data: JSON.stringify({ order: 2, item: 'pen' }),
      explicitHashKey: '42',
    },
    { partitionKey: 'order-3', data: JSON.stringify({ order: 3, item: 'ink' }) },
  ]),
  plainRecord({ partitionKey: 'order-4', data: JSON.stringify({ order: 4, item: 'lamp' }) }),
  { data: corrupt, partitionKey: 'a' },
]);

console.log(`Lambda delivered ${event.Records.length} Kinesis records; the handler sees:`);
for (const { kinesis } of deaggregateRecords(event.Records)) {
  const text = kinesis.deaggregationError ?? Buffer.from(kinesis.data, 'base64').toString('utf8');
  console.log(
    `  ${kinesis.sequenceNumber.slice(-6)}:${kinesis.subSequenceNumber}`,
    kinesis.aggregated ? 'aggregated' : 'plain     ',
    kinesis.partitionKey.padEnd(8),
    kinesis.explicitHashKey ? `hash key ${kinesis.explicitHashKey}` : '',
    text,
  );
}
