// new KplBatchProcessor({ checkpoints }): each user record runs once on its successful path,
// against a real DynamoDB API (dynalite on loopback); Lambda's retry rule is played by `retryFrom`.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import type { KinesisStreamUserRecord } from '@kpl-lambda/core';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import {
  FAILING_LOGGERS,
  type LocalDynamoDB,
  NONSENSE_STORES,
  parentOfFive,
  retryFrom,
  startLocalDynamoDB,
  textOf,
  withUnhandledRejections,
} from '@kpl-lambda/testing-utils';
import type { Context } from 'aws-lambda';

const context = { awsRequestId: 'r', functionName: 'f' } as Context;
const quiet = { debug() {}, warn() {}, error() {} };
const DAY = 86_400;
let local: LocalDynamoDB;
beforeAll(async () => {
  local = await startLocalDynamoDB();
});
afterAll(() => local.stop());

const dynamoDBStore = () => local.checkpointStore({ consumerName: 'powertools-test' });

describe.each([
  ['in parallel', true],
  ['sequentially', false],
])('KplBatchProcessor with checkpoints, %s', (_, processInParallel) => {
  it('runs 0-2 and 4 of a parent of five once, when 3 fails once', async () => {
    const processor = new KplBatchProcessor({ checkpoints: await dynamoDBStore(), logger: quiet });
    const runs: string[] = [];
    let failures = 0;
    const recordHandler = async (record: KinesisStreamUserRecord) => {
      runs.push(textOf(record));
      if (textOf(record) === 'r3' && failures++ === 0) throw new Error('flaky');
    };
    const event = parentOfFive();

    const first = await processPartialResponse(event, recordHandler, processor, {
      context,
      processInParallel,
    });
    const second = await processPartialResponse(
      retryFrom(event, first)!,
      recordHandler,
      processor,
      {
        context,
        processInParallel,
      },
    );

    expect(first.batchItemFailures).toHaveLength(1);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(runs.sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r3', 'r4']);
  });
});

describe('KplBatchProcessor with checkpoints', () => {
  it('loses nothing with stopOnFirstFailure: the skipped records run on the retry', async () => {
    const processor = new KplBatchProcessor({
      checkpoints: await dynamoDBStore(),
      stopOnFirstFailure: true,
      logger: quiet,
    });
    const runs: string[] = [];
    let failures = 0;
    const recordHandler = async (record: KinesisStreamUserRecord) => {
      if (textOf(record) === 'r2' && failures++ === 0) throw new Error('flaky');
      runs.push(textOf(record));
    };
    const event = parentOfFive();

    const first = await processPartialResponse(event, recordHandler, processor, { context });
    await processPartialResponse(retryFrom(event, first)!, recordHandler, processor, { context });

    expect(runs).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('keeps the done siblings of a poison record done for as long as Lambda retries it', async () => {
    let now = Date.UTC(2026, 0, 1);
    const checkpoints = await local.checkpointStore({
      consumerName: 'powertools-test',
      ttlSeconds: 2 * DAY,
      clock: () => now,
    });
    const processor = new KplBatchProcessor({ checkpoints, logger: quiet });
    const runs: string[] = [];
    let poisoned = true;
    const recordHandler = async (record: KinesisStreamUserRecord) => {
      runs.push(textOf(record));
      if (textOf(record) === 'r3' && poisoned) throw new Error('poison');
    };
    const event = parentOfFive();
    const deliver = async () =>
      retryFrom(event, await processPartialResponse(event, recordHandler, processor, { context }));

    // Retried once a day for thirty days, DynamoDB's time to live sweeping as it goes.
    for (let day = 0; day < 30; day++) {
      expect(await deliver()).toBeDefined();
      now += DAY * 1_000;
      await local.expireItems(checkpoints.tableName, now / 1_000);
    }
    poisoned = false;
    expect(await deliver()).toBeUndefined();

    expect(runs.filter((run) => run !== 'r3')).toEqual(['r0', 'r1', 'r2', 'r4']);
    expect(runs.filter((run) => run === 'r3')).toHaveLength(31);
  });

  it('writes nothing when the batch succeeds, and reads once', async () => {
    const store = new InMemoryCheckpointStore();
    const processor = new KplBatchProcessor({ checkpoints: store });

    await processPartialResponse(parentOfFive(), async () => undefined, processor, { context });

    expect(store.counters).toEqual({ reads: 1, writes: 0 });
  });
});

describe('KplBatchProcessor with a checkpoint store that answers nonsense', () => {
  const recordHandler = async (record: KinesisStreamUserRecord) => {
    if (textOf(record) === 'r3') throw new Error('poison');
  };

  it.each(NONSENSE_STORES)(
    'tells Lambda what it would without checkpoints when the store %s',
    async (_, store) => {
      const event = parentOfFive();
      const respond = (processor: KplBatchProcessor) =>
        processPartialResponse(event, recordHandler, processor, { context });

      expect(await respond(new KplBatchProcessor({ checkpoints: store, logger: quiet }))).toEqual(
        await respond(new KplBatchProcessor({ logger: quiet })),
      );
    },
  );

  it.each(FAILING_LOGGERS)(
    'tells Lambda the same when the store throws and the logger %s',
    async (_, logger) => {
      const event = parentOfFive();
      const failing = NONSENSE_STORES.find(([name]) => name.startsWith('throws'))![1];
      const respond = (processor: KplBatchProcessor) =>
        processPartialResponse(event, recordHandler, processor, { context });

      const { result, unhandled } = await withUnhandledRejections(() =>
        respond(new KplBatchProcessor({ checkpoints: failing, logger: logger() })),
      );

      expect(result).toEqual(await respond(new KplBatchProcessor({ logger: quiet })));
      expect(unhandled).toEqual([]);
    },
  );
});
