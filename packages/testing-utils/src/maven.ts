// Java programs the tests run beside our code (the real KCL daemon and deaggregator, the real
// KPL): their jars come from Maven Central through a pom of their own, into that directory's
// target/lib, fetched on first use.
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
 * Brings the jars of `pomDirectory/pom.xml` into `pomDirectory/target/lib`, once; returns why
 * Maven could not, or `undefined`. Test files that share a pom may run at once in two Jest
 * workers, and a run may be cut short: each fetches into a directory of its own and renames it
 * into place, so that nobody ever sees a half-filled `lib`.
 */
export function resolveJars(pomDirectory: string): string | undefined {
  const lib = join(pomDirectory, 'target/lib');
  if (existsSync(lib)) return undefined;
  const own = `${lib}-${process.pid}`;
  rmSync(own, { recursive: true, force: true });
  const run = spawnSync(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${own}`],
    { cwd: pomDirectory, encoding: 'utf8', timeout: 300_000 },
  );
  if (run.status !== 0) {
    rmSync(own, { recursive: true, force: true });
    return `Maven could not resolve ${join(pomDirectory, 'pom.xml')} (${run.error?.message ?? `exit ${run.status}`}): ${`${run.stdout}${run.stderr}`.slice(-1_000)}`;
  }
  try {
    renameSync(own, lib);
  } catch (error) {
    // Another worker got there first: its copy is as good as this one.
    rmSync(own, { recursive: true, force: true });
    if (!existsSync(lib)) throw error;
  }
  return undefined;
}

/** The classpath of a pom directory's jars, for `java -cp`. */
export const classpathOf = (pomDirectory: string): string =>
  `${join(pomDirectory, 'target/lib')}/*`;

/** The classpath of a pom's jars, fetched first if need be; throws when Maven cannot. */
export function mavenClasspath(pomDirectory: string): string {
  const unresolved = resolveJars(pomDirectory);
  if (unresolved !== undefined) throw new Error(unresolved);
  return classpathOf(pomDirectory);
}
