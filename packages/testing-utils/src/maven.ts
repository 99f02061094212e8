import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Whether `java` and `mvn` both run here: the tests of the real KCL need them. */
export const hasJavaAndMaven = (): boolean =>
  spawnSync('java', ['-version']).status === 0 && spawnSync('mvn', ['-v']).status === 0;

/**
 * The classpath of a pom's dependencies (`<directory>/target/lib/*`), their jars fetched from
 * Maven Central on first use. Test files that share a pom may run at once in two Jest workers:
 * each copies into a directory of its own and renames it into place, so that neither ever sees
 * a half-filled `lib`.
 */
export function mavenClasspath(pomDirectory: string): string {
  const lib = join(pomDirectory, 'target/lib');
  if (!existsSync(lib)) {
    const own = `${lib}-${process.pid}`;
    execFileSync('mvn', ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${own}`], {
      cwd: pomDirectory,
      stdio: 'ignore',
      timeout: 300_000,
    });
    try {
      renameSync(own, lib);
    } catch (error) {
      // Another worker got there first: its copy is as good as this one.
      rmSync(own, { recursive: true, force: true });
      if (!existsSync(lib)) throw error;
    }
  }
  return `${lib}/*`;
}
