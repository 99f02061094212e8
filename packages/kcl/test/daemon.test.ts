// Against the real KCL MultiLangDaemon, 1.13.3 (end of life) and 3.1.3, on a local Kinesis
// (kinesalite) and a local DynamoDB (dynalite), with a child process built on @kpl-lambda/kcl
// (daemon/child.mjs); see helpers/localKcl.ts. Needs Java 17 and Maven; without them it is
// skipped, loudly.
import { writeFileSync } from 'node:fs';
import { whyNoJava } from '@kpl-lambda/testing-utils';
import { linesOf, until, userRecordLinesOf } from './helpers/childOutput.js';
import { KCL_VERSIONS, type KclMajor } from './helpers/kclDaemon.js';
import { type LocalKcl, startLocalKcl, type Worker } from './helpers/localKcl.js';

const noJava = whyNoJava();
const hasJava = noJava === undefined;
if (!hasJava) console.warn(`${noJava}: the real KCL daemon tests are SKIPPED.`);
const describeWithJava = hasJava ? describe.each : describe.skip.each;

/**
 * How much longer than KCL 1 a new application takes to its first record: KCL 3's first worker
 * waits for another to create the leases, a random 1 to 30 s (Scheduler.shouldInitiateLeaseSync).
 */
const STARTUP_MS: Readonly<Record<KclMajor, number>> = { 1: 0, 3: 45_000 };

const VERSIONS = ([1, 3] as const).map((kcl) => ({ kcl, version: KCL_VERSIONS[kcl] }));

describeWithJava(VERSIONS)(
  '@kpl-lambda/kcl under the real MultiLangDaemon (KCL $version)',
  ({ kcl, version }) => {
    let local: LocalKcl;
    beforeAll(async () => {
      local = await startLocalKcl(kcl);
    }, 320_000);
    afterAll(() => local?.stop());
    const startup = STARTUP_MS[kcl];

    /** Runs a worker while `work` runs, and ends it (as a crash would) once `work` is done. */
    async function whileDaemonRuns(worker: Worker, work: () => Promise<void>): Promise<void> {
      const daemon = await local.runDaemon(worker);
      try {
        await work();
      } finally {
        daemon.kill();
      }
    }

    it.concurrent('runs the version it is named after', async () => {
      expect(local.version).toBe(version);
    });

    it.concurrent(
      'consumes 20,000 aggregated user records on 2 shards: each once, in order per key',
      async () => {
        const streamName = await local.newStream(2);
        await local.produce(streamName, 0, 20_000);
        const out = local.file('once.jsonl');
        await whileDaemonRuns({ application: 'once', streamName, out }, () =>
          until(() => userRecordLinesOf(out).length >= 20_000, 120_000 + startup),
        );

        const records = userRecordLinesOf(out);
        const seen = new Map<number, number>();
        const lastByKey = new Map<string, number>();
        for (const { i, key } of records) {
          seen.set(i!, (seen.get(i!) ?? 0) + 1);
          expect(lastByKey.get(key!) ?? -1).toBeLessThan(i!);
          lastByKey.set(key!, i!);
        }
        expect(seen.size).toBe(20_000);
        expect([...seen.values()].every((count) => count === 1)).toBe(true);
        // The daemon deaggregated: user records of one aggregate share a sequence number.
        expect(records.some((line) => line.subSequenceNumber! > 0)).toBe(true);
      },
      150_000 + startup,
    );

    it.concurrent(
      'reads aggregates that write a key once per user record, after keys that did not repeat',
      async () => {
        const streamName = await local.newStream(1);
        // 1,500 user records per aggregate: the first one's keys are unique, so the next ones write
        // every key afresh (see KeyTable in core), also the repeating keys of the last 1,000.
        await local.produce(
          streamName,
          0,
          4_000,
          (i) => (i < 3_000 ? `unique-${i}` : `key-${i % 5}`),
          1_500,
        );
        const out = local.file('afresh.jsonl');
        await whileDaemonRuns({ application: 'afresh', streamName, out }, () =>
          until(() => userRecordLinesOf(out).length >= 4_000, 90_000 + startup),
        );

        const records = userRecordLinesOf(out);
        expect(records.map((line) => line.i)).toEqual(Array.from({ length: 4_000 }, (_, i) => i));
        expect(records.every((line) => line.partitionKey === line.key)).toBe(true);
      },
      150_000 + startup,
    );

    it.concurrent(
      'resumes after the checkpointed sub-sequence number when killed in the middle of an aggregate',
      async () => {
        const streamName = await local.newStream(1);
        await local.produce(streamName, 0, 1_000);
        const out = local.file('resume.jsonl');
        // Checkpoints every 100: the last one before the hang is at the 700th user record, inside
        // the fifth aggregate (of 150). The worker starts again under its id, as a restarted host
        // does: under a new one, KCL 3 would first wait two minutes for the dead one's leader lock.
        const worker = { application: 'resume', streamName, out, workerId: 'resume-worker' };
        await whileDaemonRuns({ ...worker, env: { KCL_HANG_AFTER: '750' } }, async () => {
          await until(() => userRecordLinesOf(out).length >= 750, 60_000 + startup);
          await new Promise((resolve) => setTimeout(resolve, 500));
        });
        const before = userRecordLinesOf(out);
        const checkpointed = before[699]!;
        expect(checkpointed.subSequenceNumber).toBeGreaterThan(0);
        writeFileSync(out, '');

        await whileDaemonRuns(worker, () =>
          until(() => new Set(userRecordLinesOf(out).map((line) => line.i)).size >= 300, 90_000),
        );

        const after = linesOf(out);
        const initialize = after.find((line) => line.initialize)!.initialize!;
        expect(initialize).toMatchObject({
          sequenceNumber: checkpointed.sequenceNumber,
          subSequenceNumber: checkpointed.subSequenceNumber,
        });
        const rerun = after.filter((line) => line.i !== undefined).map((line) => line.i!);
        // Nothing up to the checkpoint runs again; what came after it does; nothing is lost.
        expect(Math.min(...rerun)).toBe(700);
        expect(new Set([...before.map((line) => line.i!), ...rerun]).size).toBe(1_000);
      },
      180_000 + startup,
    );

    it.concurrent(
      'follows a reshard: the parent shard ends with a checkpoint, its children are consumed',
      async () => {
        const streamName = await local.newStream(1);
        await local.produce(streamName, 0, 3_000);
        const out = local.file('reshard.jsonl');
        await whileDaemonRuns({ application: 'reshard', streamName, out }, async () => {
          await until(() => userRecordLinesOf(out).length >= 3_000, 60_000 + startup);
          // Written once the split is done, so that they go to the children.
          await local.splitShard(streamName);
          await local.produce(streamName, 3_000, 6_000);
          await until(() => userRecordLinesOf(out).length >= 6_000, 120_000);
        });

        const lines = linesOf(out);
        expect(lines.some((line) => line.shardEnded)).toBe(true);
        const consumedOn = new Set(
          lines.filter((line) => line.i! >= 3_000).map((line) => line.shardId),
        );
        expect(consumedOn.size).toBe(2);
        expect(
          new Set(lines.filter((line) => line.i !== undefined).map((line) => line.i)).size,
        ).toBe(6_000);
      },
      200_000 + startup,
    );
  },
);
