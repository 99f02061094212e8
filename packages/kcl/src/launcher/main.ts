// kpl-kcl: the KCL MultiLangDaemon with the user's record processor, in one command.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closestNames } from '@kpl-lambda/core/internal';
import {
  DEFAULT_KCL_VERSION,
  kclDaemonArguments,
  kclDaemonEnvironment,
  localServicesOf,
} from './daemon.js';
import { LaunchError, LaunchUsageError } from './errors.js';
import { assertJava, daemonFiles, defaultCache, javaOf } from './jars.js';
import { kclProperties, readProperties } from './properties.js';

/** Where `kpl-kcl` reads and writes: the process's own, or a test's. */
export interface LauncherIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The daemon's environment, and where Java, Maven and the endpoints are looked for. */
  env: NodeJS.ProcessEnv;
  /** Stops the daemon (Ctrl-C): it is sent SIGTERM, and shuts down as the KCL does. */
  signal?: AbortSignal;
}

const USAGE = `kpl-kcl: the KCL MultiLangDaemon with your record processor (@kpl-lambda/kcl)

  kpl-kcl [--properties FILE] [--kcl-version V] [--cache DIR]
      Runs the daemon on FILE (app.properties unless given) until Ctrl-C. Its jars (KCL ${DEFAULT_KCL_VERSION}
      unless --kcl-version) are fetched once by Maven into DIR/V (DIR: $KPL_KCL_CACHE, else
      ~/.cache/kpl-lambda/kcl); Java 17 or later runs it. On local endpoints, the daemon gets
      AWS_EC2_METADATA_DISABLED=true, CBOR_ENABLED=false, and dummy credentials if there are none.
  kpl-kcl --init --stream NAME --application NAME --executable COMMAND [--properties FILE]
          [--kinesis-endpoint URL] [--dynamodb-endpoint URL] [--region R] [--worker-id ID]
      Writes FILE for a run on local services (kpl local of @kpl-lambda/cli): their endpoints
      (AWS_ENDPOINT_URL_KINESIS and AWS_ENDPOINT_URL_DYNAMODB unless given) and what KCL 3
      needs there.

Exit codes: the daemon's; 1 when it cannot start, 2 a command line that cannot run, 130 stopped.`;

const OPTIONS = {
  properties: { type: 'string' },
  'kcl-version': { type: 'string' },
  cache: { type: 'string' },
  init: { type: 'boolean' },
  stream: { type: 'string' },
  application: { type: 'string' },
  executable: { type: 'string' },
  'kinesis-endpoint': { type: 'string' },
  'dynamodb-endpoint': { type: 'string' },
  region: { type: 'string' },
  'worker-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const INIT_ONLY = [
  'stream',
  'application',
  'executable',
  'kinesis-endpoint',
  'dynamodb-endpoint',
  'region',
  'worker-id',
];
const RUN_ONLY = ['kcl-version', 'cache'];

type Values = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

/** Runs `kpl-kcl` (`argv` without node and the script); resolves with its exit code. */
export async function main(argv: readonly string[], io: LauncherIo): Promise<number> {
  try {
    const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
    if (values.help === true) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [mode, others] = values.init === true ? ['--init', RUN_ONLY] : ['a run', INIT_ONLY];
    const misplaced = others.find((name) => values[name as keyof Values] !== undefined);
    if (misplaced !== undefined) throw new LaunchUsageError(`--${misplaced} is not for ${mode}`);
    return values.init === true ? init(values, io) : await run(values, io);
  } catch (error) {
    if (io.signal?.aborted) return 130;
    const code = (error as { code?: unknown }).code;
    const usage =
      error instanceof LaunchUsageError ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
    const message =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? unknownOption(error as Error)
        : (error as Error).message;
    io.stderr.write(`kpl-kcl: ${message}\n${usage ? `\n${USAGE}\n` : ''}`);
    return usage ? 2 : 1;
  }
}

/** `--init`: the properties of a run on local services. */
function init(values: Values, io: LauncherIo): number {
  const { env } = io;
  const given = (name: string) => values[name as keyof Values] as string | undefined;
  const missing = ['stream', 'application', 'executable'].filter((name) => !given(name));
  if (missing.length > 0) {
    throw new LaunchUsageError(`--init needs ${missing.map((name) => `--${name}`).join(', ')}`);
  }
  const kinesisEndpoint =
    given('kinesis-endpoint') || env.AWS_ENDPOINT_URL_KINESIS || env.AWS_ENDPOINT_URL;
  const dynamoDBEndpoint =
    given('dynamodb-endpoint') || env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL;
  const endpoints = new Map(
    Object.entries({ kinesisEndpoint, dynamoDBEndpoint }).filter(([, url]) => url !== undefined),
  ) as Map<string, string>;
  if (endpoints.size < 2 || !localServicesOf(endpoints, '--init')) {
    throw new LaunchUsageError(
      '--init writes the properties of a run on local services, and needs their endpoints: export the variables kpl local prints (AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL_DYNAMODB), or give --kinesis-endpoint and --dynamodb-endpoint',
    );
  }
  const file = resolve(given('properties') ?? 'app.properties');
  if (existsSync(file)) {
    throw new LaunchError(`${file} exists: remove it, or give --properties another file`);
  }
  const application = given('application')!;
  const header = [
    `# A run of ${application} on local services, written by kpl-kcl --init; start it with`,
    `# kpl-kcl --properties ${given('properties') ?? 'app.properties'}. Why each setting is here:`,
    '# "Running locally" in the README of @kpl-lambda/kcl.',
  ];
  const properties = kclProperties({
    executableName: given('executable')!,
    streamName: given('stream')!,
    applicationName: application,
    workerId: given('worker-id') ?? hostname(),
    regionName: given('region') ?? (env.AWS_REGION || 'us-east-1'),
    kinesisEndpoint: kinesisEndpoint!,
    dynamoDBEndpoint: dynamoDBEndpoint!,
  });
  writeFileSync(file, `${header.join('\n')}\n${properties}`);
  io.stdout.write(
    `Wrote ${file}: ${application} reads ${given('stream')} on ${kinesisEndpoint}, its leases on ${dynamoDBEndpoint}.\n`,
  );
  return 0;
}

/** Runs the daemon on the properties file until it ends, or until stopped. */
async function run(values: Values, io: LauncherIo): Promise<number> {
  const { env, signal } = io;
  const say = (line: string) => io.stderr.write(`kpl-kcl: ${line}\n`);
  const version = kclVersionOf(values['kcl-version'] as string | undefined);
  const file = resolve((values.properties as string | undefined) ?? 'app.properties');
  if (!existsSync(file)) {
    throw new LaunchError(
      `${file} does not exist: write one for a local run with kpl-kcl --init (kpl-kcl --help)`,
    );
  }
  const local = localServicesOf(readProperties(readFileSync(file, 'utf8')), file);
  assertJava(env);
  const cache = resolve((values.cache as string | undefined) ?? defaultCache(env));
  const { directory, lib, logback } = await daemonFiles(version, cache, env, say);
  say(`KCL ${version} (jars in ${directory}), on ${file}`);
  if (signal?.aborted) return 130;
  const environment = kclDaemonEnvironment(env, local);
  if (local) {
    const set = Object.keys(environment).filter((name) => environment[name] !== env[name]);
    say(
      `local services: the daemon gets ${set.map((name) => `${name}=${environment[name]}`).join(' ')}`,
    );
  }
  const daemon = spawn(
    javaOf(env),
    kclDaemonArguments({ lib, logback, propertiesFile: file, local }),
    { env: environment, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  daemon.stdout.pipe(io.stdout, { end: false });
  daemon.stderr.pipe(io.stderr, { end: false });
  const stop = () => daemon.kill('SIGTERM');
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const [code] = (await once(daemon, 'close')) as [number | null];
    return signal?.aborted ? 130 : (code ?? 1);
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}

/** `--kcl-version`: a 2.x or 3.x release of `amazon-kinesis-client-multilang`. */
function kclVersionOf(version = DEFAULT_KCL_VERSION): string {
  const major = Number(/^(\d+)\.\d+\.\d+$/.exec(version)?.[1]);
  if (!(major >= 2)) {
    throw new LaunchUsageError(
      `--kcl-version ${version}: give a KCL 2.x or 3.x release, such as ${DEFAULT_KCL_VERSION} (1.x is past its end of life)`,
    );
  }
  return version;
}

/** The flag `parseArgs` did not know, and the closest ones there are (a typo). */
function unknownOption(error: Error): string {
  /* v8 ignore next -- Node's message for ERR_PARSE_ARGS_UNKNOWN_OPTION always quotes the flag */
  const flag = /'(-[^']*)'/.exec(error.message)?.[1] ?? '';
  const near = closestNames(
    flag,
    Object.keys(OPTIONS).map((name) => `--${name}`),
  );
  return near.length === 0
    ? error.message
    : `Unknown option ${flag}: did you mean ${near.join(' or ')}?`;
}
