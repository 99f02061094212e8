// kplDeagg({ checkpoints }): each user record runs once on its successful path, against a real
// DynamoDB API (dynalite on loopback), with Lambda's retry rule played by `retryFrom`.
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import {
  type CheckpointStore,
  type KinesisStreamUserRecord,
  type KplLogger,
  parentKey,
} from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import kplDeagg from '@kpl-lambda/middy';
import {
  batchWithCorruptAggregate,
  FAILING_LOGGERS,
  type LocalDynamoDB,
  NONSENSE_STORES,
  parentOfFive,
  retryFrom,
  startLocalDynamoDB,
  textOf,
  withUnhandledRejections,
} from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type {
  Context,
  KinesisStreamBatchItemFailure,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
} from 'aws-lambda';
import { recordingLogger } from './helpers/recordingHandler.js';

const context = {} as Context;
const DAY = 86_400;
const quiet = { debug() {}, warn() {}, error() {} };
let local: LocalDynamoDB;
beforeAll(async () => {
  local = await startLocalDynamoDB();
});
afterAll(() => local.stop());

const dynamoDBStore = () => local.checkpointStore({ consumerName: 'middy-test' });

describe('kplDeagg with checkpoints', () => {
  it('runs 0-2 and 4 of a parent of five once, when 3 fails once (PromiseSettledResult response)', async () => {
    const runs: string[] = [];
    let failures = 0;
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ checkpoints: await dynamoDBStore() }))
      .handler<KinesisStreamEvent>(
        async (event) =>
          Promise.allSettled(
            event.Records.map(async (record) => {
              runs.push(textOf(record));
              if (textOf(record) === 'r3' && failures++ === 0) throw new Error('flaky');
            }),
          ) as never,
      );
    const event = parentOfFive();

    const first = await handler(event, context);
    const retry = retryFrom(event, first)!;
    const second = await handler(retry, context);

    expect(first).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(runs).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r3']);
  });

  it('with batchItemFailures, counts as done only what comes before the earliest failure', async () => {
    const runs: string[] = [];
    let failures = 0;
    // Stops at its first failure, to keep order: what follows was never tried. It names the
    // user record (sequenceNumber:subSequenceNumber), so that what came before it counts as done.
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ checkpoints: await dynamoDBStore() }))
      .handler<KinesisStreamEvent>(async (event) => {
        for (const record of event.Records) {
          if (textOf(record) === 'r3' && failures++ === 0) {
            const { sequenceNumber, subSequenceNumber } = record.kinesis;
            return {
              batchItemFailures: [{ itemIdentifier: `${sequenceNumber}:${subSequenceNumber}` }],
            };
          }
          runs.push(textOf(record));
        }
        return { batchItemFailures: [] };
      });
    const event = parentOfFive();

    const retry = retryFrom(event, await handler(event, context))!;
    await handler(retry, context);

    // Nothing lost: r4 was never run before the failure, and runs on the retry.
    expect(runs).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  it('keeps the done siblings of a poison record done for as long as Lambda retries it', async () => {
    let now = Date.UTC(2026, 0, 1);
    const checkpoints = await local.checkpointStore({
      consumerName: 'middy-test',
      ttlSeconds: 2 * DAY,
      clock: () => now,
    });
    const runs: string[] = [];
    let poisoned = true;
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ checkpoints }))
      .handler<KinesisStreamEvent>(
        async (event) =>
          Promise.allSettled(
            event.Records.map(async (record) => {
              runs.push(textOf(record));
              if (textOf(record) === 'r3' && poisoned) throw new Error('poison');
            }),
          ) as never,
      );
    const event = parentOfFive();

    // Retried once a day for thirty days, DynamoDB's time to live sweeping as it goes.
    for (let day = 0; day < 30; day++) {
      expect(retryFrom(event, await handler(event, context))).toBeDefined();
      now += DAY * 1_000;
      await local.expireItems(checkpoints.tableName, now / 1_000);
    }
    poisoned = false;
    expect(retryFrom(event, await handler(event, context))).toBeUndefined();

    expect(runs.filter((run) => run !== 'r3')).toEqual(['r0', 'r1', 'r2', 'r4']);
    expect(runs.filter((run) => run === 'r3')).toHaveLength(31);
  });

  it('writes nothing when the batch succeeds, and reads once per invocation', async () => {
    const store = new InMemoryCheckpointStore();
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ checkpoints: store }))
      .handler<KinesisStreamEvent>(
        async (event) => Promise.allSettled(event.Records.map(async () => {})) as never,
      );

    expect(await handler(parentOfFive(), context)).toEqual({ batchItemFailures: [] });
    expect(store.counters).toEqual({ reads: 1, writes: 0 });
  });

  it('loses nothing when two invocations race on one parent', async () => {
    const store = await dynamoDBStore();
    const ran = new Map<string, number>();
    const gates: Array<() => void> = [];
    // Invocation A succeeds on r0 and r1, B on r2 and r3; each fails the rest, and both are
    // held until both have read their checkpoints: both write the same parent.
    const handlerFor = (succeeds: string[], held: boolean) =>
      middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
        .use(kplDeagg({ checkpoints: store }))
        .handler<KinesisStreamEvent>(async (event) => {
          if (held) {
            await new Promise<void>((resolve) => {
              gates.push(resolve);
              if (gates.length === 2) for (const open of gates) open();
            });
          }
          return Promise.allSettled(
            event.Records.map(async (record) => {
              if (!succeeds.includes(textOf(record))) throw new Error('not mine');
              ran.set(textOf(record), (ran.get(textOf(record)) ?? 0) + 1);
            }),
          ) as never;
        });
    const event = parentOfFive();

    await Promise.all([
      handlerFor(['r0', 'r1'], true)(event, context),
      handlerFor(['r2', 'r3'], true)(event, context),
    ]);
    await handlerFor(['r0', 'r1', 'r2', 'r3', 'r4'], false)(event, context);

    expect(Object.fromEntries(ran)).toEqual({ r0: 1, r1: 1, r2: 1, r3: 1, r4: 1 });
  });

  it('loses nothing when the store fails or hangs on many requests', async () => {
    const real = await dynamoDBStore();
    let calls = 0;
    const flaky: CheckpointStore = {
      load: (parents) =>
        calls++ % 2 === 0 ? Promise.reject(new Error('injected')) : real.load(parents),
      save: (progress) =>
        calls++ % 3 === 0
          ? new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 20))
          : real.save(progress),
    };
    const succeeded = new Set<string>();
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ checkpoints: flaky, logger: { debug() {}, warn() {}, error() {} } }))
      .handler<KinesisStreamEvent>(
        async (event) =>
          Promise.allSettled(
            event.Records.map(async (record) => {
              if (Math.random() < 0.05) throw new Error('flaky record');
              succeeded.add(textOf(record));
            }),
          ) as never,
      );
    const event = kinesisStreamEvent(
      Array.from({ length: 10 }, (_, p) =>
        aggregatedRecord(
          Array.from({ length: 20 }, (_, i) => ({ partitionKey: 'k', data: `p${p}-r${i}` })),
        ),
      ),
    );

    let delivery: KinesisStreamEvent | undefined = event;
    for (let attempts = 0; delivery !== undefined && attempts < 1_000; attempts++) {
      delivery = retryFrom(delivery, await handler(delivery, context));
    }

    expect(delivery).toBeUndefined();
    expect(succeeded.size).toBe(200);
  }, 30_000);
});

describe('kplDeagg with checkpoints and failures reported by the parent alone', () => {
  // The root README's first Middy handler: it keeps going after a failure and reports the
  // failed user record by its sequenceNumber, which its parent shares.
  const keepsGoing =
    (
      identify: (record: KinesisStreamUserRecord) => string,
      logger: Pick<KplLogger, 'debug' | 'warn' | 'error'>,
    ) =>
    (checkpoints?: CheckpointStore) =>
      middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
        .use(kplDeagg({ logger, ...(checkpoints ? { checkpoints } : {}) }))
        .handler<KinesisStreamEvent>(async (event) => {
          const batchItemFailures: KinesisStreamBatchItemFailure[] = [];
          for (const record of event.Records) {
            if (['r1', 'r3', 'plain'].includes(textOf(record))) {
              batchItemFailures.push({ itemIdentifier: identify(record) });
            }
          }
          return { batchItemFailures };
        });
  const bySequenceNumber = (record: KinesisStreamUserRecord) => record.kinesis.sequenceNumber;
  const warnings = (logger: ReturnType<typeof recordingLogger>) =>
    logger.lines.filter(([level]) => level === 'warn').map(([, message]) => message);

  it('warns once per invocation, naming the two ways that record progress', async () => {
    const logger = recordingLogger();
    const handler = keepsGoing(bySequenceNumber, logger)(new InMemoryCheckpointStore());

    // Two aggregates, each with a failed user record.
    await handler(
      kinesisStreamEvent([
        aggregatedRecord(['r0', 'r1', 'r2'].map((data) => ({ partitionKey: 'k', data }))),
        aggregatedRecord(['r3', 'r4'].map((data) => ({ partitionKey: 'k', data }))),
      ]),
      context,
    );

    expect(warnings(logger)).toEqual([expect.stringContaining('by its sequence number alone')]);
    expect(warnings(logger)[0]).toContain('"<sequenceNumber>:<subSequenceNumber>"');
    expect(warnings(logger)[0]).toContain('one PromiseSettledResult per user record');
  });

  it.each([
    [
      'names the user record',
      (record: KinesisStreamUserRecord) =>
        `${record.kinesis.sequenceNumber}:${record.kinesis.subSequenceNumber}`,
      true,
      parentOfFive,
    ],
    ['has no checkpoints', bySequenceNumber, false, parentOfFive],
    [
      'reports a plain record, which has no siblings',
      bySequenceNumber,
      true,
      () => kinesisStreamEvent([plainRecord({ partitionKey: 'p', data: 'plain' })]),
    ],
  ])('does not warn when the handler %s', async (_, identify, withCheckpoints, event) => {
    const logger = recordingLogger();
    const handler = keepsGoing(
      identify,
      logger,
    )(withCheckpoints ? new InMemoryCheckpointStore() : undefined);

    const response = await handler(event(), context);

    expect(response?.batchItemFailures).toHaveLength(1);
    expect(warnings(logger)).toEqual([]);
  });
});

describe('kplDeagg with a checkpoint store that answers nonsense', () => {
  const settledHandler = (
    checkpoints?: CheckpointStore,
    logger: Pick<KplLogger, 'debug' | 'warn' | 'error'> = quiet,
  ) =>
    middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ logger, ...(checkpoints ? { checkpoints } : {}) }))
      .handler<KinesisStreamEvent>(
        async (event) =>
          Promise.allSettled(
            event.Records.map(async (record) => {
              if (textOf(record) === 'r3') throw new Error('poison');
            }),
          ) as never,
      );

  it('takes the sets of a store built on another copy of core, as the numbers they hold', async () => {
    const runs: string[] = [];
    const otherCopy: CheckpointStore = {
      load: async (parents) => new Map(parents.map((p) => [parentKey(p), [0, 1, 2]])) as never,
      save: async () => {},
    };
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ checkpoints: otherCopy }))
      .handler<KinesisStreamEvent>(async (event) => {
        runs.push(...event.Records.map(textOf));
        return undefined as never;
      });

    await handler(parentOfFive(), context);

    expect(runs).toEqual(['r3', 'r4']);
  });

  it.each(NONSENSE_STORES)(
    'tells Lambda what it would without checkpoints when the store %s',
    async (_, store) => {
      const event = parentOfFive();

      expect(await settledHandler(store)(event, context)).toEqual(
        await settledHandler()(event, context),
      );
    },
  );

  it('tells Lambda the same when the clock of the store throws', async () => {
    const clock = () => {
      throw new Error('no time');
    };
    const store = await local.checkpointStore({ consumerName: 'middy-test', clock });
    const event = parentOfFive();

    expect(await settledHandler(store)(event, context)).toEqual(
      await settledHandler()(event, context),
    );
  });

  it.each(FAILING_LOGGERS)(
    'tells Lambda the same when the store throws and the logger %s',
    async (_, logger) => {
      const event = parentOfFive();
      const failing = NONSENSE_STORES.find(([name]) => name.startsWith('throws'))![1];

      const { result, unhandled } = await withUnhandledRejections(() =>
        settledHandler(failing, logger())(event, context),
      );

      expect(result).toEqual(await settledHandler()(event, context));
      expect(unhandled).toEqual([]);
    },
  );
});

describe("kplDeagg with checkpoints and onCorrupt: 'fail'", () => {
  it('records the user records after a corrupt parent, which Lambda delivers again', async () => {
    const store = new InMemoryCheckpointStore();
    const runs: string[] = [];
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(
        kplDeagg({
          checkpoints: store,
          onCorrupt: 'fail',
          logger: { debug() {}, warn() {}, error() {} },
        }),
      )
      .handler<KinesisStreamEvent>(async (event) => {
        for (const record of event.Records) runs.push(textOf(record));
        return undefined as never;
      });
    const event = batchWithCorruptAggregate();

    const response = await handler(event, context);
    await handler(retryFrom(event, response)!, context);

    expect(runs).toEqual(['good', 'fine', 'plain']);
  });
});
