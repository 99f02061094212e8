// Java programs the tests run beside our code (the real KCL's deaggregator, the real KPL): their
// jars come from Maven Central through a pom of their own, into that directory's target/lib.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Why Java or Maven cannot run here, or `undefined` when both do. */
export function whyNoJava(): string | undefined {
  if (spawnSync('java', ['-version']).status !== 0) return 'Java is not installed here';
  if (spawnSync('mvn', ['-v']).status !== 0) return 'Maven is not installed here';
  return undefined;
}

/**
 * Brings the jars of `directory/pom.xml` into `directory/target/lib`, once; returns why Maven could
 * not, or `undefined`.
 */
export function resolveJars(directory: string): string | undefined {
  const lib = join(directory, 'target/lib');
  if (existsSync(lib)) return undefined;
  // Into another directory first: a run cut short leaves no target/lib that looks complete.
  const partial = join(directory, 'target/lib-partial');
  rmSync(partial, { recursive: true, force: true });
  const run = spawnSync(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${partial}`],
    { cwd: directory, encoding: 'utf8', timeout: 300_000 },
  );
  if (run.status === 0) {
    renameSync(partial, lib);
    return undefined;
  }
  return `Maven could not resolve ${join(directory, 'pom.xml')} (${run.error?.message ?? `exit ${run.status}`}): ${`${run.stdout}${run.stderr}`.slice(-1_000)}`;
}

/** The classpath of a directory's jars, for `java -cp`. */
export const classpathOf = (directory: string): string => `${join(directory, 'target/lib')}/*`;
