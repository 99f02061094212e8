// The MultiLangDaemon's jars, fetched once by Maven into a cache the user can see, and Java.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DAEMON_LOGBACK, daemonPom } from './daemonFiles.js';
import { LaunchError } from './errors.js';

/** Where a version's jars go unless told: `$KPL_KCL_CACHE`, else the user's cache folder. */
export function defaultCache(env: NodeJS.ProcessEnv): string {
  if (env.KPL_KCL_CACHE) return env.KPL_KCL_CACHE;
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'kpl-lambda', 'kcl');
}

/** The `java` to run: `$JAVA_HOME/bin/java`, else the one on the PATH. */
export function javaOf(env: NodeJS.ProcessEnv): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Throws, saying what to install, unless `java` runs. */
export function assertJava(env: NodeJS.ProcessEnv): void {
  const java = javaOf(env);
  if (spawnSync(java, ['-version'], { env }).status === 0) return;
  throw new LaunchError(
    `the KCL daemon runs on Java (17 or later), and ${java} does not run here: install a JDK (for example apt-get install openjdk-17-jre-headless), or set JAVA_HOME`,
  );
}

/** A version's folder in the cache: its pom, its logging settings, and its jars in `lib`. */
export interface DaemonFiles {
  directory: string;
  /** The folder of the jars; the classpath is `lib/*`. */
  lib: string;
  logback: string;
}

/**
 * The folder of the jars of the KCL `version`, fetched first by Maven if they are not there.
 * Fetched into a folder of its own and renamed into place, so that a run cut short, or two at
 * once (two terminals, two test workers), never leave a half-filled `lib`.
 */
export async function daemonFiles(
  version: string,
  cache: string,
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
): Promise<DaemonFiles> {
  const directory = join(cache, version);
  const lib = join(directory, 'lib');
  const logback = join(directory, 'logback.xml');
  mkdirSync(directory, { recursive: true });
  writeWhole(logback, DAEMON_LOGBACK);
  if (!existsSync(lib)) await fetchJars(version, directory, env, say);
  const daemonJar = `amazon-kinesis-client-multilang-${version}.jar`;
  if (!readdirSync(lib).includes(daemonJar)) {
    throw new LaunchError(`${lib} has no ${daemonJar}: remove the folder, and it is fetched again`);
  }
  return { directory, lib, logback };
}

/**
 * Writes `text` to `path` unless it is there already, whole: a daemon that starts meanwhile (in
 * another terminal) reads the old file or the new one, never half of one.
 */
function writeWhole(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  const own = `${path}-${process.pid}-${randomUUID()}`;
  writeFileSync(own, text);
  renameSync(own, path);
}

async function fetchJars(
  version: string,
  directory: string,
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
): Promise<void> {
  const lib = join(directory, 'lib');
  if (spawnSync('mvn', ['-v'], { env }).status !== 0) {
    throw new LaunchError(
      `Maven fetches the jars of the KCL ${version} daemon once, into ${lib}, and mvn does not run here: install Maven (for example apt-get install maven), or put amazon-kinesis-client-multilang ${version} and its dependencies there yourself`,
    );
  }
  writeFileSync(join(directory, 'pom.xml'), daemonPom(version));
  say(`Fetching the KCL ${version} daemon's jars with Maven into ${lib} (once)`);
  const own = `${lib}-${process.pid}-${randomUUID()}`;
  rmSync(own, { recursive: true, force: true });
  const maven = spawn(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${own}`],
    { cwd: directory, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const stream of [maven.stdout, maven.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2_000);
    });
  }
  const [code] = (await once(maven, 'close')) as [number | null];
  if (code !== 0) {
    rmSync(own, { recursive: true, force: true });
    throw new LaunchError(
      `Maven could not fetch the KCL ${version} daemon (${join(directory, 'pom.xml')}, exit code ${code}): ${output.trim()}`,
    );
  }
  try {
    renameSync(own, lib);
  } catch (error) {
    // Another run got there first: its copy is as good as this one.
    rmSync(own, { recursive: true, force: true });
    if (!existsSync(lib)) throw error;
  }
}
