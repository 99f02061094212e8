// The real KCL 3.1.3 deaggregator (test/kcl3/Deaggregate.java), for tests that compare
// what it hands a record processor with what our code reads.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { classpathOf } from '@kpl-lambda/testing-utils';

/** test/kcl3: its pom brings KCL 3.1.3 (see `resolveJars` of `@kpl-lambda/testing-utils`). */
export const KCL3_DIRECTORY = join(__dirname, '../kcl3');

/** What the KCL hands a record processor for one Kinesis record. */
export type KclView =
  | { raw: true }
  | { records: Array<{ p: string | null; e: string | null; d: string; s: number }> }
  | { error: string };

/** A Kinesis record read as the KCL reads one of a shard with these hash keys. */
export interface KclShardRecord {
  data: Uint8Array;
  hashKeyRange: { start: bigint; end: bigint };
}

/**
 * Runs the KCL's deaggregator on each record's data, in one JVM. A record given with its shard's
 * hash key range is read with the KCL's shard filter, which drops a whole aggregate holding a
 * user record of another shard.
 */
export function kclDeaggregate(records: ReadonlyArray<Uint8Array | KclShardRecord>): KclView[] {
  const lines = records.map((record) =>
    record instanceof Uint8Array
      ? Buffer.from(record).toString('base64')
      : `${Buffer.from(record.data).toString('base64')} ${record.hashKeyRange.start} ${record.hashKeyRange.end}`,
  );
  const run = spawnSync('java', ['-cp', classpathOf(KCL3_DIRECTORY), 'Deaggregate.java'], {
    cwd: KCL3_DIRECTORY,
    input: lines.join('\n'),
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
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
