// Two workers of one application share the leases of a 4-shard stream under the real KCL 3.1.3
// daemon (see helpers/localKcl.ts); one is killed in the middle of its aggregates, and the other
// takes its shards over. Needs Java 17 and Maven; without them it is skipped, loudly.
import { writeFileSync } from 'node:fs';
import { whyNoJava } from '@kpl-lambda/testing-utils';
import {
  type Initialize,
  type Line,
  linesOf,
  until,
  userRecordLinesOf,
} from './helpers/childOutput.js';
import { type LocalKcl, type RunningDaemon, startLocalKcl } from './helpers/localKcl.js';

const noJava = whyNoJava();
const hasJava = noJava === undefined;
if (!hasJava) console.warn(`${noJava}: the KCL 3 failover test is SKIPPED.`);
const describeWithJava = hasJava ? describe : describe.skip;

const RECORDS = 8_000;
/**
 * Each shard's first child stops answering after this many user records, in the fifth aggregate
 * (of 150); it checkpointed every 100, last at the 700th: sub-sequence 99 of that aggregate.
 */
const HANG_AFTER = 750;
const CHECKPOINTED = 700;

const initializesOf = (out: string): Initialize[] =>
  linesOf(out).flatMap((line) => (line.initialize ? [line.initialize] : []));

function countBy<T>(items: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

describeWithJava('@kpl-lambda/kcl with two workers of the real KCL 3.1.3 daemon', () => {
  let local: LocalKcl;
  beforeAll(async () => {
    local = await startLocalKcl(3);
  }, 320_000);
  afterAll(() => local?.stop());

  it('a worker killed mid-aggregate: the other resumes its shards at their last sub-sequence checkpoints and runs again exactly what followed them', async () => {
    const streamName = await local.newStream(4);
    await local.produce(streamName, 0, RECORDS);
    const release = local.file('failover.release');
    const outs = new Map(['failover-a', 'failover-b'].map((id) => [id, local.file(`${id}.jsonl`)]));
    const everyRecord = () => [...outs.values()].flatMap(userRecordLinesOf);
    const daemons = new Map<string, RunningDaemon>();
    let leader = '';
    let killed = '';
    let killedHadDone: Line[] = [];
    try {
      for (const [workerId, out] of outs) {
        const daemon = await local.runDaemon({
          application: 'failover',
          streamName,
          out,
          workerId,
          env: { KCL_HANG_AFTER: String(HANG_AFTER), KCL_RELEASE: release },
          // The leader's first assignment run comes before any worker reports (2 s after it
          // starts); by its second, both have: the leases are shared out between them.
          settings: { leaseAssignmentIntervalMillis: 12_000 },
        });
        daemons.set(workerId, daemon);
      }
      await until(() => {
        const perShard = countBy(everyRecord().map((line) => line.shardId));
        return perShard.size === 4 && [...perShard.values()].every((n) => n === HANG_AFTER);
        // Two JVMs and the leases' sharing out: a minute alone, more beside a full test run.
      }, 200_000);
      // Only the leader assigns leases, and a dead leader's lock is taken over after two minutes
      // at best (awslabs/amazon-kinesis-client#1803): the worker killed is the other one.
      leader = (await local.leaderOf('failover')) ?? '';
      killed = [...outs.keys()].find((id) => id !== leader)!;
      killedHadDone = userRecordLinesOf(outs.get(killed)!);
      daemons.get(killed)!.kill();
      writeFileSync(release, '');
      await until(() => new Set(everyRecord().map((line) => line.i)).size >= RECORDS, 90_000);
    } finally {
      for (const daemon of daemons.values()) daemon.kill();
    }

    expect(outs.has(leader)).toBe(true);
    // Both shared the stream: each started shards of its own from the beginning.
    const startedBy = (workerId: string) =>
      initializesOf(outs.get(workerId)!)
        .filter((initialize) => initialize.sequenceNumber === 'TRIM_HORIZON')
        .map((initialize) => initialize.shardId);
    const killedShards = startedBy(killed);
    expect(killedShards.length).toBeGreaterThan(0);
    expect(startedBy(leader).length).toBeGreaterThan(0);
    expect(new Set([...killedShards, ...startedBy(leader)]).size).toBe(4);

    // The leader resumed each of them right after the killed worker's last checkpoint, inside
    // an aggregate.
    const resumedAt = new Map<string, Initialize>();
    for (const initialize of initializesOf(outs.get(leader)!)) {
      const first = !resumedAt.has(initialize.shardId);
      if (first && initialize.sequenceNumber !== 'TRIM_HORIZON') {
        resumedAt.set(initialize.shardId, initialize);
      }
    }
    const expectedTwice: number[] = [];
    for (const shardId of killedShards) {
      const done = killedHadDone.filter((line) => line.shardId === shardId);
      expect(done).toHaveLength(HANG_AFTER);
      const checkpoint = done[CHECKPOINTED - 1]!;
      expect(checkpoint.subSequenceNumber).toBeGreaterThan(0);
      expect(resumedAt.get(shardId)).toEqual({
        shardId,
        sequenceNumber: checkpoint.sequenceNumber,
        subSequenceNumber: checkpoint.subSequenceNumber,
      });
      expectedTwice.push(...done.slice(CHECKPOINTED).map((line) => line.i!));
    }

    // Nothing lost; run twice: exactly the user records done after those checkpoints.
    const runs = countBy(everyRecord().map((line) => line.i!));
    expect(runs.size).toBe(RECORDS);
    const twice = [...runs].filter(([, count]) => count > 1);
    expect(twice.every(([, count]) => count === 2)).toBe(true);
    const ascending = (a: number, b: number) => a - b;
    expect(twice.map(([i]) => i).sort(ascending)).toEqual(expectedTwice.sort(ascending));
    expect(twice).toHaveLength(killedShards.length * (HANG_AFTER - CHECKPOINTED));
  }, 320_000);
});
