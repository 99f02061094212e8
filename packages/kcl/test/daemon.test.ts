// Against the real KCL MultiLangDaemon (KCL 1.13.3 from Maven Central, see daemon/pom.xml) on a
// local Kinesis (kinesalite) and a local DynamoDB (dynalite), with a child process built on
// @kpl-lambda/kcl (daemon/child.mjs). Needs Java 17 and Maven; without them it is skipped, loudly.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { KinesisProducer } from '@kpl-lambda/producer';
import { type LocalDynamoDB, startLocalDynamoDB } from '@kpl-lambda/testing-utils';

const daemonDirectory = join(__dirname, 'daemon');
const hasJava =
  spawnSync('java', ['-version']).status === 0 && spawnSync('mvn', ['-v']).status === 0;
if (!hasJava) {
  console.warn('Java or Maven is not installed here: the real KCL daemon tests are SKIPPED.');
}
const describeWithJava = hasJava ? describe : describe.skip;

let kinesis: LocalKinesis;
let dynamodb: LocalDynamoDB;
let directory: string;
let streams = 0;

beforeAll(async () => {
  if (!hasJava) return;
  if (!existsSync(join(daemonDirectory, 'target/lib'))) {
    execFileSync(
      'mvn',
      ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=target/lib'],
      {
        cwd: daemonDirectory,
        stdio: 'ignore',
        timeout: 300_000,
      },
    );
  }
  [kinesis, dynamodb] = await Promise.all([startLocalKinesis(), startLocalDynamoDB()]);
  directory = mkdtempSync(join(tmpdir(), 'kpl-lambda-kcl-'));
}, 320_000);
afterAll(async () => {
  if (!hasJava) return;
  await Promise.all([kinesis.stop(), dynamodb.stop()]);
  if (process.env.KPL_KEEP_KCL_LOGS === undefined)
    rmSync(directory, { recursive: true, force: true });
  else console.info(`KCL daemon logs kept in ${directory}`);
});

interface Line {
  shardId?: string;
  partitionKey?: string;
  sequenceNumber?: string;
  subSequenceNumber?: number;
  i?: number;
  key?: string;
  initialize?: { shardId: string; sequenceNumber?: string; subSequenceNumber?: number };
  shardEnded?: string;
}

/** Runs the daemon for an application; its child appends what it processes to `out`. */
function runDaemon(
  application: string,
  streamName: string,
  out: string,
  env: Record<string, string> = {},
) {
  const properties = join(directory, `${application}.properties`);
  writeFileSync(
    properties,
    [
      `executableName = ${process.execPath} ${join(daemonDirectory, 'child.mjs')}`,
      `streamName = ${streamName}`,
      `applicationName = ${application}`,
      'AWSCredentialsProvider = DefaultAWSCredentialsProviderChain',
      'processingLanguage = nodejs',
      'initialPositionInStream = TRIM_HORIZON',
      'regionName = us-east-1',
      `kinesisEndpoint = ${kinesis.endpoint}`,
      `dynamoDBEndpoint = ${dynamodb.endpoint}`,
      'metricsLevel = NONE',
      'idleTimeBetweenReadsInMillis = 100',
      'parentShardPollIntervalMillis = 200',
      'shardSyncIntervalMillis = 1000',
      'failoverTimeMillis = 1500',
    ].join('\n'),
  );
  const daemon: ChildProcess = spawn(
    'java',
    [
      '-cp',
      `${join(daemonDirectory, 'target/lib')}/*`,
      'com.amazonaws.services.kinesis.multilang.MultiLangDaemon',
      properties,
    ],
    {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        // kinesalite speaks JSON, not the CBOR the Java SDK prefers.
        AWS_CBOR_DISABLE: 'true',
        KCL_OUT: out,
        ...env,
      },
      // The daemon's own log, to read when a test fails.
      stdio: ['ignore', openSync(`${out}.daemon.log`, 'a'), openSync(`${out}.daemon.log`, 'a')],
      detached: true,
    },
  );
  return {
    /** Ends the daemon and its children at once, as a crash would. */
    kill() {
      try {
        process.kill(-daemon.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Runs the daemon while `work` runs, and ends it (as a crash would) once `work` is done. */
async function whileDaemonRuns(
  application: string,
  streamName: string,
  out: string,
  work: () => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const daemon = runDaemon(application, streamName, out, env);
  try {
    await work();
  } finally {
    daemon.kill();
  }
}

/** The lines the child wrote for user records it processed (the others report events). */
const userRecordLinesOf = (out: string): Line[] =>
  linesOf(out).filter((line) => line.i !== undefined);

const linesOf = (out: string): Line[] =>
  existsSync(out)
    ? readFileSync(out, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Line)
    : [];

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function produce(
  streamName: string,
  from: number,
  to: number,
  keyOf = (i: number) => `key-${i % 97}`,
  aggregationMaxCount = 150,
) {
  const producer = new KinesisProducer({ client: kinesis.client, streamName, aggregationMaxCount });
  for (let i = from; i < to; i++) {
    const key = keyOf(i);
    producer.put({ data: { i, key }, partitionKey: key });
  }
  expect((await producer.flush()).undeliverable).toEqual([]);
}

const newStream = async (shards: number) => {
  const name = `kcl-${++streams}`;
  await kinesis.createStream(name, shards);
  return name;
};

describeWithJava('@kpl-lambda/kcl under the real MultiLangDaemon (KCL 1.13.3)', () => {
  it('consumes 20,000 aggregated user records on 2 shards: each once, in order per key', async () => {
    const streamName = await newStream(2);
    await produce(streamName, 0, 20_000);
    const out = join(directory, 'once.jsonl');
    await whileDaemonRuns('once', streamName, out, () =>
      until(() => userRecordLinesOf(out).length >= 20_000, 120_000),
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
  }, 150_000);

  it('reads aggregates that write a key once per user record, after keys that did not repeat', async () => {
    const streamName = await newStream(1);
    // 1,500 user records per aggregate: the first one's keys are unique, so the next ones write
    // every key afresh (see KeyTable in core), also the repeating keys of the last 1,000.
    await produce(streamName, 0, 4_000, (i) => (i < 3_000 ? `unique-${i}` : `key-${i % 5}`), 1_500);
    const out = join(directory, 'afresh.jsonl');
    await whileDaemonRuns('afresh', streamName, out, () =>
      until(() => userRecordLinesOf(out).length >= 4_000, 90_000),
    );

    const records = userRecordLinesOf(out);
    expect(records.map((line) => line.i)).toEqual(Array.from({ length: 4_000 }, (_, i) => i));
    expect(records.every((line) => line.partitionKey === line.key)).toBe(true);
  }, 150_000);

  it('resumes after the checkpointed sub-sequence number when killed in the middle of an aggregate', async () => {
    const streamName = await newStream(1);
    await produce(streamName, 0, 1_000);
    const out = join(directory, 'resume.jsonl');
    // Checkpoints every 100: the last one before the hang is at the 700th user record, inside
    // the fifth aggregate (of 150).
    await whileDaemonRuns(
      'resume',
      streamName,
      out,
      async () => {
        await until(() => userRecordLinesOf(out).length >= 750, 60_000);
        await new Promise((resolve) => setTimeout(resolve, 500));
      },
      { KCL_HANG_AFTER: '750' },
    );
    const before = userRecordLinesOf(out);
    const checkpointed = before[699]!;
    writeFileSync(out, '');

    await whileDaemonRuns('resume', streamName, out, () =>
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
  }, 180_000);

  it('follows a reshard: the parent shard ends with a checkpoint, its children are consumed', async () => {
    const streamName = await newStream(1);
    await produce(streamName, 0, 3_000);
    const out = join(directory, 'reshard.jsonl');
    await whileDaemonRuns('reshard', streamName, out, async () => {
      await until(() => userRecordLinesOf(out).length >= 3_000, 60_000);
      // Written once the split is done, so that they go to the children.
      await kinesis.splitShard(streamName);
      await produce(streamName, 3_000, 6_000);
      await until(() => userRecordLinesOf(out).length >= 6_000, 120_000);
    });

    const lines = linesOf(out);
    expect(lines.some((line) => line.shardEnded)).toBe(true);
    const consumedOn = new Set(
      lines.filter((line) => line.i! >= 3_000).map((line) => line.shardId),
    );
    expect(consumedOn.size).toBe(2);
    expect(new Set(lines.filter((line) => line.i !== undefined).map((line) => line.i)).size).toBe(
      6_000,
    );
  }, 200_000);
});
