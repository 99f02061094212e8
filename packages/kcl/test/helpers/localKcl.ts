// The real KCL MultiLangDaemon on local services: the local Kinesis (kinesalite, which serves
// HTTP/2 and ChildShards for KCL 3) and DynamoDB (dynalite, which makes KCL 3's lease index) that
// users get, in this process on loopback; the daemon's child is daemon/child.mjs, built on
// @kpl-lambda/kcl, which appends what it does to a file as JSON lines.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { KinesisProducer } from '@kpl-lambda/producer';
import { type LocalDynamoDB, resolveJars, startLocalDynamoDB } from '@kpl-lambda/testing-utils';
import { daemonFiles } from '../../src/launcher/jars.js';
import {
  type DaemonJars,
  KCL_VERSIONS,
  type KclMajor,
  kclDaemonArguments,
  kclDaemonEnvironment,
  kclProperties,
  QUICK_TIMINGS,
} from './kclDaemon.js';

/** The daemon's fixtures: the child it runs, and the pom of KCL 1 (its jars go under `target`). */
const DAEMON_FIXTURES = join(__dirname, '../daemon');

/**
 * The cache kpl-kcl fetches KCL 3 into for the tests (and the README's run): its own pom and
 * resolution are what the tests run.
 */
export const KCL_TEST_CACHE = join(DAEMON_FIXTURES, 'target/kcl-cache');

/** The jars of `kcl`, fetched on the first run: KCL 1 by daemon/pom.xml, KCL 3 by kpl-kcl's. */
export async function daemonJarsOf(kcl: KclMajor): Promise<DaemonJars> {
  if (kcl === 3) return daemonFiles(KCL_VERSIONS[3], KCL_TEST_CACHE, process.env, () => {});
  const unresolved = resolveJars(DAEMON_FIXTURES);
  if (unresolved !== undefined) throw new Error(unresolved);
  return { lib: join(DAEMON_FIXTURES, 'target/lib') };
}

/** A daemon running, with its children. */
export interface RunningDaemon {
  /** Ends the daemon and its children at once, as a crash would. */
  kill(): void;
}

/** One worker of an application. */
export interface Worker {
  application: string;
  streamName: string;
  /** The file the child appends to. */
  out: string;
  /** A worker started again under the same id finds its leases (and KCL 3's leadership) at once. */
  workerId?: string;
  /** More environment for the daemon and its child (`KCL_HANG_AFTER`). */
  env?: Record<string, string>;
  /** More properties, over the quick timings. */
  settings?: Record<string, string | number | boolean>;
}

/** Local Kinesis and DynamoDB, and daemons of one KCL version on them. */
export interface LocalKcl {
  kcl: KclMajor;
  /** The version of the KCL jar on the daemon's classpath. */
  version: string;
  /** Creates a stream of `shards` shards with a name of its own. */
  newStream(shards: number): Promise<string>;
  /** Writes user records `from` to `to` (exclusive), aggregated, each `{ i, key }`. */
  produce(
    streamName: string,
    from: number,
    to: number,
    keyOf?: (i: number) => string,
    aggregationMaxCount?: number,
  ): Promise<void>;
  /** Splits the stream's first open shard in two and waits until the stream is active again. */
  splitShard(streamName: string): Promise<void>;
  /** Starts a worker; its child appends to `out`, the daemon logs to `out.daemon.log`. */
  runDaemon(worker: Worker): Promise<RunningDaemon>;
  /** KCL 3: the worker that holds the application's leader lock (the one that assigns leases). */
  leaderOf(application: string): Promise<string | undefined>;
  /** A file path in this run's directory. */
  file(name: string): string;
  stop(): Promise<void>;
}

/** Fetches the jars of `kcl` (first run only) and starts the local services. */
export async function startLocalKcl(kcl: KclMajor): Promise<LocalKcl> {
  const jars = await daemonJarsOf(kcl);
  const [kinesis, dynamodb]: [LocalKinesis, LocalDynamoDB] = await Promise.all([
    startLocalKinesis(),
    startLocalDynamoDB(),
  ]);
  const directory = mkdtempSync(join(tmpdir(), `kpl-lambda-kcl${kcl}-`));
  let streams = 0;
  let daemons = 0;
  const running: Array<RunningDaemon & { exited: Promise<unknown> }> = [];
  const jar = readdirSync(jars.lib).find((name) => /^amazon-kinesis-client-\d/.test(name));
  return {
    kcl,
    version: jar?.replace(/^amazon-kinesis-client-(.*)\.jar$/, '$1') ?? 'none',
    async newStream(shards) {
      const name = `kcl-${++streams}`;
      await kinesis.createStream(name, shards);
      return name;
    },
    async produce(streamName, from, to, keyOf = (i) => `key-${i % 97}`, aggregationMaxCount = 150) {
      const producer = new KinesisProducer({
        client: kinesis.client,
        streamName,
        aggregationMaxCount,
      });
      for (let i = from; i < to; i++) {
        const key = keyOf(i);
        producer.put({ data: { i, key }, partitionKey: key });
      }
      const { undeliverable } = await producer.flush();
      if (undeliverable.length > 0) throw new Error(`${undeliverable.length} records undelivered`);
    },
    splitShard: (streamName) => kinesis.splitShard(streamName),
    async runDaemon({ application, streamName, out, workerId, env = {}, settings = {} }) {
      const properties = join(directory, `${application}-${++daemons}.properties`);
      writeFileSync(
        properties,
        kclProperties(kcl, {
          executableName: `${process.execPath} ${join(DAEMON_FIXTURES, 'child.mjs')}`,
          streamName,
          applicationName: application,
          workerId,
          regionName: 'us-east-1',
          kinesisEndpoint: kinesis.endpoint,
          dynamoDBEndpoint: dynamodb.endpoint,
          settings: { ...QUICK_TIMINGS[kcl], ...settings },
        }),
      );
      const log = openSync(`${out}.daemon.log`, 'a');
      const daemon = spawn('java', kclDaemonArguments(kcl, jars, properties), {
        env: { ...kclDaemonEnvironment(kcl), KCL_OUT: out, ...env },
        stdio: ['ignore', log, log],
        // Its own process group: a kill ends the daemon and the children it started.
        detached: true,
      });
      closeSync(log);
      const exited = once(daemon, 'exit');
      const kill = () => {
        try {
          process.kill(-daemon.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      running.push({ kill, exited });
      return { kill };
    },
    async leaderOf(application) {
      try {
        const { Item } = await dynamodb.client.send(
          new GetItemCommand({
            TableName: `${application}-CoordinatorState`,
            Key: { key: { S: 'Leader' } },
          }),
        );
        return Item?.ownerName?.S;
      } catch (error) {
        // The daemon creates the table once it has started.
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
    file: (name) => join(directory, name),
    async stop() {
      for (const daemon of running) daemon.kill();
      await Promise.all(running.map((daemon) => daemon.exited));
      // dynalite goes on with the writes of a daemon that died meanwhile; closing it under them
      // throws. They take a few turns of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await Promise.all([kinesis.stop(), dynamodb.stop()]);
      if (process.env.KPL_KEEP_KCL_LOGS === undefined) {
        rmSync(directory, { recursive: true, force: true });
      } else {
        console.info(`KCL daemon logs kept in ${directory}`);
      }
    },
  };
}
