// How the tests run the KCL MultiLangDaemon of each major version on local services: KCL 3 as
// kpl-kcl runs it (its properties, command line and environment, from src/launcher), KCL 1 (end
// of life, run by the tests only) with what differs.
import {
  DEFAULT_KCL_VERSION,
  kclDaemonArguments as launcherArguments,
  kclDaemonEnvironment as launcherEnvironment,
} from '../../src/launcher/daemon.js';
import {
  applicationProperties,
  type KclApplication,
  kclProperties as launcherProperties,
  propertiesText,
} from '../../src/launcher/properties.js';

export type { KclApplication } from '../../src/launcher/properties.js';

/** The KCL major versions run here: 1.x (1.13.3, end of life) and 3.x (kpl-kcl's). */
export type KclMajor = 1 | 3;

/** The version of each that the tests run (daemon/pom.xml for 1.x, kpl-kcl's own for 3.x). */
export const KCL_VERSIONS: Readonly<Record<KclMajor, string>> = {
  1: '1.13.3',
  3: DEFAULT_KCL_VERSION,
};

/**
 * Short intervals for tests: leases that expire and move in 1.5 s, shards found within a second.
 * KCL 3 raises `idleTimeBetweenReadsInMillis` below 200 to 200, with a warning.
 */
export const QUICK_TIMINGS: Readonly<Record<KclMajor, Readonly<Record<string, number>>>> = {
  1: {
    idleTimeBetweenReadsInMillis: 100,
    parentShardPollIntervalMillis: 200,
    shardSyncIntervalMillis: 1000,
    failoverTimeMillis: 1500,
  },
  3: {
    idleTimeBetweenReadsInMillis: 200,
    parentShardPollIntervalMillis: 200,
    failoverTimeMillis: 1500,
    // The leader stops assigning leases to a worker two reports after its last.
    workerMetricsReporterFreqInMillis: 1000,
  },
};

/** The properties file of an application, as text. */
export function kclProperties(kcl: KclMajor, application: KclApplication): string {
  if (kcl === 3) return launcherProperties(application);
  return propertiesText({
    ...applicationProperties(application),
    metricsLevel: 'NONE',
    AWSCredentialsProvider: 'DefaultAWSCredentialsProviderChain',
    ...application.settings,
  });
}

/** The jars of a version, and (KCL 3) the logging settings kpl-kcl gives its daemon. */
export interface DaemonJars {
  lib: string;
  logback?: string;
}

/** The `java` arguments that run the daemon of `kcl` on a properties file. */
export function kclDaemonArguments(
  kcl: KclMajor,
  { lib, logback }: DaemonJars,
  propertiesFile: string,
): string[] {
  if (kcl === 3) return launcherArguments({ lib, logback: logback!, propertiesFile, local: true });
  return [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-cp',
    `${lib}/*`,
    'com.amazonaws.services.kinesis.multilang.MultiLangDaemon',
    propertiesFile,
  ];
}

/** The daemon's environment on local services: dummy credentials, no instance metadata, JSON. */
export function kclDaemonEnvironment(kcl: KclMajor): NodeJS.ProcessEnv {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
  if (kcl === 3) return launcherEnvironment(env, true);
  // KCL 1's AWS SDK for Java 1.x names it so.
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', AWS_CBOR_DISABLE: 'true' };
}
