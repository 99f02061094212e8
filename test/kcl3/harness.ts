// The real KCL 3.1.3 deaggregator (test/kcl3/Deaggregate.java) for the tests that compare with
// it. Needs Java 17 and Maven; without them, `describeWithJava` skips, loudly.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const kclDirectory = __dirname;
const hasJava =
  spawnSync('java', ['-version']).status === 0 && spawnSync('mvn', ['-v']).status === 0;

/** `describe` where Java and Maven are installed, else `describe.skip` with a warning. */
export function describeWithJava(name: string, tests: () => void): void {
  if (hasJava) {
    describe(name, () => {
      beforeAll(fetchKclJars, 320_000);
      tests();
    });
    return;
  }
  console.warn(`Java or Maven is not installed here: "${name}" is SKIPPED.`);
  describe.skip(name, tests);
}

/** The KCL's jars, from Maven Central, once. */
function fetchKclJars(): void {
  if (existsSync(join(kclDirectory, 'target/lib'))) return;
  execFileSync(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', '-DoutputDirectory=target/lib'],
    {
      cwd: kclDirectory,
      stdio: 'ignore',
      timeout: 300_000,
    },
  );
}

/** What the KCL hands a record processor for one Kinesis record. */
export type KclView =
  | { raw: true }
  | { records: Array<{ p: string; e: string | null; d: string; s: number }> }
  | { error: string };

/** A record read from a shard, with that shard's hash key range. */
export interface RecordInShard {
  data: Uint8Array;
  startingHashKey: string;
  endingHashKey: string;
}

/**
 * Runs the KCL's deaggregator on each record's data, in one JVM; a record given with its shard's
 * hash key range is read as the KCL reads that shard (an aggregate with a user record outside it
 * is dropped whole).
 */
export function kclDeaggregate(records: ReadonlyArray<Uint8Array | RecordInShard>): KclView[] {
  const lines = records.map((record) =>
    record instanceof Uint8Array
      ? Buffer.from(record).toString('base64')
      : `${Buffer.from(record.data).toString('base64')} ${record.startingHashKey} ${record.endingHashKey}`,
  );
  const run = spawnSync(
    'java',
    ['-cp', `${join(kclDirectory, 'target/lib')}/*`, 'Deaggregate.java'],
    {
      cwd: kclDirectory,
      input: lines.join('\n'),
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    },
  );
  if (run.status !== 0) {
    throw new Error(
      `The KCL harness failed (${run.status}): ${run.stderr.toString().slice(-2000)}`,
    );
  }
  return run.stdout
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as KclView);
}
