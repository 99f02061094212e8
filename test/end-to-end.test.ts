// The demo's path as tests: orders produced with @kpl-lambda/producer into a local Kinesis,
// delivered to the example SAM application's two consumers through local event source mappings
// that behave like Lambda's, with every order processed or given up, none lost.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SplitShardCommand } from '@aws-sdk/client-kinesis';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { runPipeline } from '../examples/demo/pipeline.mjs';
import { createHandler as createMiddyHandler } from '../examples/sam-app/src/consumer-middy.js';
import { createHandler as createPowertoolsHandler } from '../examples/sam-app/src/consumer-powertools.js';

const consumers = { middy: createMiddyHandler, powertools: createPowertoolsHandler };
const kinesis = useLocalKinesis();
let streams = 0;

const newStream = async (shards: number) => {
  const streamName = `orders-${++streams}`;
  await kinesis().createStream(streamName, shards);
  return streamName;
};

describe('end to end', () => {
  it('delivers every order to both consumers, and the poison order to the on-failure destination', async () => {
    const report = await runPipeline({
      client: kinesis().client,
      streamName: await newStream(2),
      consumers,
      orders: 2_000,
      poisonOrders: 2,
    });

    expect(report.ordersWritten).toBe(2_000);
    for (const [name, consumer] of Object.entries(report.consumers)) {
      expect({ name, lost: consumer.lost, poisonGivenUp: consumer.poisonGivenUp }).toEqual({
        name,
        lost: [],
        poisonGivenUp: true,
      });
      // Every order that is not poison was processed; some more than once (siblings of the poison).
      expect(consumer.ordersProcessed).toBe(2_000 - 2);
      console.info(
        `${name}: ${consumer.processedMoreThanOnce} orders processed more than once, ${consumer.ordersGivenUp} given up`,
      );
    }
    expect(report.ok).toBe(true);
  }, 60_000);

  it('loses nothing when the stream is resharded in the middle of the run', async () => {
    const streamName = await newStream(2);

    const report = await runPipeline({
      client: kinesis().client,
      streamName,
      consumers,
      orders: 3_000,
      midway: async () => {
        await kinesis().client.send(
          new SplitShardCommand({
            StreamName: streamName,
            ShardToSplit: 'shardId-000000000000',
            NewStartingHashKey: (2n ** 126n).toString(),
          }),
        );
      },
    });

    expect(report.ok).toBe(true);
    for (const consumer of Object.values(report.consumers)) {
      expect(consumer.lost).toEqual([]);
      expect(consumer.ordersProcessed).toBe(3_000 - 1);
    }
  }, 60_000);

  it('processes every order at least once when the consumers fail intermittently', async () => {
    const report = await runPipeline({
      client: kinesis().client,
      streamName: await newStream(2),
      consumers,
      orders: 2_000,
      poisonOrders: 0,
      failFirstDelivery: 0.01,
    });

    expect(report.ok).toBe(true);
    for (const [name, consumer] of Object.entries(report.consumers)) {
      expect(consumer.ordersProcessed).toBe(2_000);
      expect(consumer.ordersGivenUp).toBe(0);
      expect(consumer.processedMoreThanOnce).toBeGreaterThan(0);
      console.info(
        `${name}: ${consumer.processedMoreThanOnce} of 2,000 orders processed more than once`,
      );
    }
  }, 60_000);
});

describe('npm run demo, as the README says', () => {
  it('runs to its check, telling the path of one aggregate with kpl inspect on the way', () => {
    // The demo's own command; npm test has built the packages already.
    const demo = spawnSync('npm', ['run', 'demo'], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 120_000,
    });

    expect({ status: demo.status, stderr: demo.stderr.slice(-2_000) }).toMatchObject({ status: 0 });
    expect(demo.stdout).toContain('aggregate of 3 user records, digest valid');
    expect(demo.stdout).toContain('Check passed: every order was processed');
    // Side by side: without checkpoints a redrive sends the whole given-up batch back, with them
    // only the poison order.
    expect(demo.stdout).toMatch(/a redrive sends back \(4\) +(\d+) +1 +\1 +1\n/);
    expect(demo.stdout).toMatch(/processed more than once +(\d+) +0 +\1 +0\n/);
  }, 130_000);
});
