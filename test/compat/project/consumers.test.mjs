// What a user of the consumer packages relies on, run from their packed tarballs in a fresh
// project as ESM: real KPL output deaggregated, and partial batch failures mapped back to parent
// sequence numbers by both adapters, on the Node.js and peer versions `npm run test:compat` picks.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { deaggregateRecords } from '@kpl-lambda/core';
import {
  aggregatedRecord,
  kinesisStreamEvent,
  lambdaContext,
  lambdaKinesisRecord,
  plainRecord,
} from '@kpl-lambda/core/testing';
import kplDeagg from '@kpl-lambda/middy';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import middy from '@middy/core';

const { cases } = JSON.parse(readFileSync(new URL('./kpl-real.json', import.meta.url), 'utf8'));
const text = (record) => Buffer.from(record.kinesis.data, 'base64').toString('utf8');

// Two aggregates of three user records and a plain record; 'b2' fails.
const event = kinesisStreamEvent([
  aggregatedRecord(['a1', 'a2', 'a3'].map((data) => ({ partitionKey: data, data }))),
  aggregatedRecord(['b1', 'b2', 'b3'].map((data) => ({ partitionKey: data, data }))),
  plainRecord({ partitionKey: 'c', data: 'c1' }),
]);
const [, failedParent] = event.Records.map((record) => record.kinesis.sequenceNumber);

describe('@kpl-lambda/core', () => {
  for (const vector of cases) {
    it(`deaggregates real KPL output: ${vector.name}`, () => {
      const parent = lambdaKinesisRecord({
        data: Buffer.from(vector.data, 'base64'),
        partitionKey: vector.parent.partitionKey,
        sequenceNumber: vector.parent.sequenceNumber,
        approximateArrivalTimestamp: 1,
        shardId: 'shardId-000000000000',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/test',
        awsRegion: 'us-east-1',
      });
      const userRecords = deaggregateRecords([parent]);
      assert.deepEqual(
        userRecords.map((record) => [record.kinesis.partitionKey, record.kinesis.data]),
        vector.userRecords.map((record) => [record.partitionKey, record.data]),
      );
    });
  }
});

describe('@kpl-lambda/middy', () => {
  it('maps a failed user record to its parent sequence number', async () => {
    const seen = [];
    const handler = middy()
      .use(kplDeagg())
      .handler(async (incoming) => {
        seen.push(...incoming.Records.map(text));
        const failed = incoming.Records.filter((record) => text(record) === 'b2');
        return {
          batchItemFailures: failed.map((record) => ({
            itemIdentifier: record.kinesis.sequenceNumber,
          })),
        };
      });
    const response = await handler(structuredClone(event), lambdaContext());
    assert.deepEqual(seen, ['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1']);
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: failedParent }] });
  });
});

describe('@kpl-lambda/powertools', () => {
  it('reports the parent of a failed user record to Lambda, through processPartialResponse', async () => {
    const seen = [];
    const recordHandler = async (record) => {
      seen.push(text(record));
      if (text(record) === 'b2') throw new Error('b2 fails');
    };
    const response = await processPartialResponse(event, recordHandler, new KplBatchProcessor(), {
      context: lambdaContext(),
    });
    assert.deepEqual(seen, ['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1']);
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: failedParent }] });
  });

  it('is a Powertools BatchProcessor for Kinesis', () => {
    const processor = new KplBatchProcessor();
    assert.ok(processor instanceof BatchProcessor);
    assert.equal(processor.eventType, EventType.KinesisDataStreams);
  });
});

describe('@kpl-lambda/cli', () => {
  it('installs a kpl command that builds an event and reads it back', () => {
    const kpl = (args, input) =>
      execFileSync(new URL('./node_modules/.bin/kpl', import.meta.url).pathname, args, {
        input,
        encoding: 'utf8',
      });
    const lambdaEvent = kpl(['event', '--partition-key', 'id'], '{"id":"a"}\n{"id":"b"}\n');
    const lines = kpl(['inspect', '--json'], lambdaEvent)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((line) => [line.type, line.partitionKey ?? null, line.data ?? null]),
      [
        ['parent', 'a', null],
        ['userRecord', 'a', '{"id":"a"}'],
        ['userRecord', 'b', '{"id":"b"}'],
      ],
    );
  });
});
