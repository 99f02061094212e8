// The real KPL 0.15.12 (test/kpl: KplWrite.java, its jars from the pom beside it), run on
// loopback only. Its native binary asks the instance-metadata address for a region or credentials
// unless it is told otherwise: every run here gets AWS_EC2_METADATA_DISABLED=true, a region, and
// an environment of nothing else (no proxy, no profile, no endpoint from the caller's shell).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { classpathOf, resolveJars, whyNoJava } from '@kpl-lambda/testing-utils';

const DIRECTORY = join(__dirname, '../kpl');
const NATIVE_BINARY = join(DIRECTORY, 'target/native/kinesis_producer');

/** The only environment the KPL and its binary see. */
const KPL_ENVIRONMENT = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  ...(process.env.JAVA_HOME === undefined ? {} : { JAVA_HOME: process.env.JAVA_HOME }),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

/**
 * Why the real KPL cannot run here (no Java or Maven, its jars out of reach, no native binary for
 * this machine, or one that does not start), or `undefined` when it can. Runs Maven the first time.
 */
export function whyNoKpl(): string | undefined {
  const reason = whyNoJava() ?? resolveJars(DIRECTORY);
  if (reason !== undefined) return reason;
  const probe = spawnSync(
    'java',
    ['-cp', classpathOf(DIRECTORY), 'KplWrite.java', 'probe', NATIVE_BINARY],
    { cwd: DIRECTORY, encoding: 'utf8', env: KPL_ENVIRONMENT, timeout: 120_000 },
  );
  const said = probe.stdout?.trim() ?? '';
  if (probe.status === 0 && said === 'ok') return undefined;
  return `the KPL does not start here: ${said || probe.error?.message || probe.stderr?.slice(-1_000)}`;
}

/** A user record as the KPL is given it. */
export interface KplUserRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}

/** What the KPL reported for one user record. */
export type KplResult =
  | { ok: true; shardId: string; sequenceNumber: string }
  | { ok: false; errorCode: string };

/** Where the KPL writes: a Kinesis endpoint and an STS stub, both TLS on 127.0.0.1. */
export interface KplEndpoints {
  streamName: string;
  kinesisPort: number;
  stsPort: number;
}

/**
 * Puts the records, in order, with one KPL; resolves with its report for each, in the same order,
 * and its log (the binary's included).
 */
export function writeWithKpl(
  endpoints: KplEndpoints,
  records: readonly KplUserRecord[],
): Promise<{ results: KplResult[]; log: string }> {
  const child = spawn(
    'java',
    [
      // The KPL's AWS SDK for Java 1 otherwise prints a deprecation notice with a stack trace.
      '-Daws.java.v1.disableDeprecationAnnouncement=true',
      '-cp',
      classpathOf(DIRECTORY),
      'KplWrite.java',
      'write',
      NATIVE_BINARY,
      endpoints.streamName,
      String(endpoints.kinesisPort),
      String(endpoints.stsPort),
    ],
    // A KPL that hangs is stopped: the test then fails with its log.
    { cwd: DIRECTORY, env: KPL_ENVIRONMENT, stdio: ['pipe', 'pipe', 'pipe'], timeout: 180_000 },
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  child.stdin.end(
    records
      .map(
        (record) =>
          `${base64(record.partitionKey)} ${record.explicitHashKey === undefined ? '-' : base64(record.explicitHashKey)} ${Buffer.from(record.data).toString('base64')}\n`,
      )
      .join(''),
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const log = Buffer.concat(err).toString('utf8');
      const lines = Buffer.concat(out).toString('utf8').split('\n').filter(Boolean);
      if (lines.length !== records.length) {
        reject(
          new Error(
            `The KPL harness exited with ${code} after reporting ${lines.length} of ${records.length} records: ${log.slice(-3_000)}`,
          ),
        );
        return;
      }
      const results = lines.map((line): KplResult => {
        const [outcome, first = '', second = ''] = line.split(' ');
        return outcome === 'ok'
          ? { ok: true, shardId: first, sequenceNumber: second }
          : { ok: false, errorCode: first };
      });
      resolve({ results, log });
    });
  });
}
