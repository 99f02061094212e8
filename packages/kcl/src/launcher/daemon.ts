// How the MultiLangDaemon is run: its command line and its environment, on AWS or on local
// services.
import { LaunchError } from './errors.js';

/** The version `kpl-kcl` runs unless told (1.x, past its end of life, is not run). */
export const DEFAULT_KCL_VERSION = '3.1.3';

/** The daemon's class in KCL 3 (the tests run 3.1.3). */
const MULTILANG_DAEMON = 'software.amazon.kinesis.multilang.MultiLangDaemon';

/** A JVM that starts in about half the time: a daemon on local services needs no peak throughput. */
const QUICK_START_JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** What the daemon is given to run. */
export interface DaemonRun {
  /** The folder of the daemon's jars. */
  lib: string;
  /** Its logging settings (logback). */
  logback: string;
  propertiesFile: string;
  /** Its Kinesis and DynamoDB are local ones ({@link localServicesOf}). */
  local: boolean;
}

/** The `java` arguments that run the daemon. */
export function kclDaemonArguments(run: DaemonRun): string[] {
  return [
    ...(run.local ? QUICK_START_JVM : []),
    `-Dlogback.configurationFile=${run.logback}`,
    '-cp',
    `${run.lib}/*`,
    MULTILANG_DAEMON,
    '--properties-file',
    run.propertiesFile,
  ];
}

/**
 * What the daemon's environment needs on local services, over the user's: no EC2 instance
 * metadata (the AWS SDK asks the instance-metadata address otherwise), JSON instead of CBOR
 * (kinesalite cuts a CBOR answer off after about 64 KB), and dummy credentials when the
 * environment has none.
 */
export function kclDaemonEnvironment(env: NodeJS.ProcessEnv, local: boolean): NodeJS.ProcessEnv {
  if (!local) return env;
  const credentials =
    env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE
      ? {}
      : { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
  return { ...env, ...credentials, AWS_EC2_METADATA_DISABLED: 'true', CBOR_ENABLED: 'false' };
}

/**
 * Whether the properties point the daemon at local services: Kinesis and DynamoDB endpoints
 * outside AWS. Throws when one is local and the other is AWS's: the leases of a local stream
 * would be kept in AWS, or the other way round.
 */
export function localServicesOf(properties: ReadonlyMap<string, string>, file: string): boolean {
  const endpoints = (['kinesisEndpoint', 'dynamoDBEndpoint'] as const).map((name) => ({
    name,
    url: properties.get(name),
  }));
  const local = endpoints.filter(({ url }) => url !== undefined && !inAws(url));
  if (local.length === 0) return false;
  if (local.length === endpoints.length) return true;
  const [elsewhere] = local;
  const aws = endpoints.find((endpoint) => !local.includes(endpoint))!;
  throw new LaunchError(
    `${file}: ${elsewhere!.name} is ${elsewhere!.url}, but ${aws.name} is AWS's: give both the endpoints of the local services (kpl local prints them), or neither`,
  );
}

function inAws(url: string): boolean {
  const hostname = URL.canParse(url) ? new URL(url).hostname : url;
  return /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/.test(hostname);
}
