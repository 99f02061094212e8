import { deaggregateRecords, userRecordText } from '@kpl-lambda/core';
import type { KinesisStreamEvent } from 'aws-lambda';
import { kpl } from './helpers/run.js';

const lines = [
  '{"orderId":"o-1","customerId":"c-1"}',
  '{"orderId":"o-2","customerId":"c-2"}',
  'not json',
];

describe('kpl event', () => {
  it('builds a Lambda event of KPL aggregates from lines, keys from a JSON field', async () => {
    const run = await kpl(['event', '--partition-key', 'customerId', '--per-aggregate', '2'], {
      stdin: lines.join('\n'),
    });
    expect(run.code).toBe(0);
    const event = JSON.parse(run.stdout) as KinesisStreamEvent;
    expect(event.Records).toHaveLength(2);
    const userRecords = deaggregateRecords(event.Records);
    expect(
      userRecords.map((record) => [
        record.kinesis.partitionKey,
        record.kinesis.aggregated,
        userRecordText(record),
      ]),
    ).toEqual([
      ['c-1', true, lines[0]],
      ['c-2', true, lines[1]],
      ['line-3', true, 'not json'],
    ]);
  });

  it('builds plain records with --plain', async () => {
    const run = await kpl(['event', '--plain'], { stdin: lines.join('\n') });
    const userRecords = deaggregateRecords((JSON.parse(run.stdout) as KinesisStreamEvent).Records);
    expect(userRecords.map((record) => record.kinesis.aggregated)).toEqual([false, false, false]);
  });

  it('refuses a count that is not a whole number', async () => {
    const run = await kpl(['event', '--per-aggregate', 'two']);
    expect(run).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--per-aggregate must be a whole number, got two'),
    });
  });
});
