// How to run the KCL MultiLangDaemon of one major version on local services: its properties, its
// command line, its environment. Plain functions of their inputs, so that a launcher can write the
// same files the tests do.

/** The KCL major versions run here: 1.x (1.13.3, end of life) and 3.x (3.1.3). */
export type KclMajor = 1 | 3;

/** The version of each that the tests fetch (daemon/pom.xml, test/kcl3/pom.xml at the root). */
export const KCL_VERSIONS: Readonly<Record<KclMajor, string>> = { 1: '1.13.3', 3: '3.1.3' };

/** One consumer application, as the daemon's properties file describes it. */
export interface KclApplication {
  kcl: KclMajor;
  /** The child's command line, e.g. `node consumer.mjs`. */
  executableName: string;
  streamName: string;
  /** Also the lease table's name. */
  applicationName: string;
  /** This worker's id (a random one by default); keep it across restarts (see the README). */
  workerId?: string;
  regionName: string;
  /** KCL 3: an endpoint that speaks HTTP/2 (h2c on `http://`); KCL 1: HTTP/1.1. */
  kinesisEndpoint: string;
  dynamoDBEndpoint: string;
  /** More properties, written last: each overrides the one of the same name above. */
  settings?: Readonly<Record<string, string | number | boolean>>;
}

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
    // Also how long the first worker of an application sleeps after it creates the leases.
    shardSyncIntervalMillis: 1000,
    failoverTimeMillis: 1500,
    // The leader stops assigning leases to a worker two reports after its last.
    workerMetricsReporterFreqInMillis: 1000,
  },
};

/** What each version needs besides the application. */
const VERSION_PROPERTIES: Readonly<Record<KclMajor, Readonly<Record<string, string | boolean>>>> = {
  1: { AWSCredentialsProvider: 'DefaultAWSCredentialsProviderChain' },
  3: {
    AWSCredentialsProvider: 'DefaultCredentialsProvider',
    // Without it (and without a polling property), enhanced fan-out: kinesalite has none.
    retrievalMode: 'POLLING',
    // Otherwise KCL 3 probes the EC2 instance-metadata address to choose its CPU metric.
    disableWorkerMetrics: true,
  },
};

/** The properties file of an application, as text. */
export function kclProperties(application: KclApplication): string {
  const properties: Record<string, string | number | boolean> = {
    executableName: application.executableName,
    streamName: application.streamName,
    applicationName: application.applicationName,
    ...(application.workerId === undefined ? {} : { workerId: application.workerId }),
    processingLanguage: 'nodejs',
    initialPositionInStream: 'TRIM_HORIZON',
    regionName: application.regionName,
    kinesisEndpoint: application.kinesisEndpoint,
    dynamoDBEndpoint: application.dynamoDBEndpoint,
    metricsLevel: 'NONE',
    ...VERSION_PROPERTIES[application.kcl],
    ...application.settings,
  };
  return `${Object.entries(properties)
    .map(([name, value]) => `${name} = ${value}`)
    .join('\n')}\n`;
}

/** A JVM that starts in about half the time: a local daemon needs no peak throughput. */
const QUICK_START_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** The `java` arguments that run the daemon of `kcl` on a properties file. */
export function kclDaemonArguments(
  kcl: KclMajor,
  classpath: string,
  propertiesFile: string,
): string[] {
  const daemon =
    kcl === 1
      ? ['com.amazonaws.services.kinesis.multilang.MultiLangDaemon', propertiesFile]
      : ['software.amazon.kinesis.multilang.MultiLangDaemon', '--properties-file', propertiesFile];
  return [...QUICK_START_JVM, '-cp', classpath, ...daemon];
}

/** The daemon's environment on local services: dummy credentials, no instance metadata. */
export function kclDaemonEnvironment(kcl: KclMajor): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    // JSON, not CBOR: kinesalite cuts a CBOR answer off after about 64 KB (a big GetRecords).
    ...(kcl === 1 ? { AWS_CBOR_DISABLE: 'true' } : { CBOR_ENABLED: 'false' }),
  };
}
