import { deaggregateRecords } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';

const shape = process.argv[2] === 'small' ? [100, 10, 100] : [20, 1000, 200];
const userRecords = (count, bytes, offset = 0) =>
  Array.from({ length: count }, (_, i) => ({
    partitionKey: `partition-key-${(offset + i) % 1000}`,
    data: JSON.stringify({ n: offset + i, pad: 'x'.repeat(Math.max(0, bytes - 20)) }),
  }));
const event = kinesisStreamEvent(
  Array.from({ length: shape[0] }, (_, i) =>
    aggregatedRecord(userRecords(shape[1], shape[2], i * shape[1])),
  ),
);
let n = 0;
const t = performance.now();
for (let i = 0; i < (process.argv[2] === 'small' ? 6000 : 300); i++)
  n += deaggregateRecords(event.Records).length;
console.log(
  n,
  ((performance.now() - t) / (process.argv[2] === 'small' ? 6000 : 300)).toFixed(3),
  'ms per event',
);
