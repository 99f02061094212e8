import { KplCliUsageError } from './errors.js';

/** The AWS services a command may call. */
export type Service = 'kinesis' | 'dynamodb' | 's3';

/** `--endpoint`, `--kinesis-endpoint`, `--dynamodb-endpoint`, `--s3-endpoint`, `--region`, as given. */
export interface ConnectionOptions {
  endpoint?: string | undefined;
  kinesisEndpoint?: string | undefined;
  dynamodbEndpoint?: string | undefined;
  s3Endpoint?: string | undefined;
  region?: string | undefined;
}

const SERVICES = {
  kinesis: { name: 'Kinesis', flag: 'kinesisEndpoint', variable: 'AWS_ENDPOINT_URL_KINESIS' },
  dynamodb: { name: 'DynamoDB', flag: 'dynamodbEndpoint', variable: 'AWS_ENDPOINT_URL_DYNAMODB' },
  s3: { name: 'S3', flag: 's3Endpoint', variable: 'AWS_ENDPOINT_URL_S3' },
} as const;

/** Where a service's requests go, and which setting said so; undefined: AWS itself. */
interface Endpoint {
  url: string;
  from: string;
}

/**
 * The endpoint of a service: its own flag, `--endpoint`, then the variables the AWS SDK v3 reads
 * itself, in its order (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, neither when
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true). Resolved here, from the command's `env`, so
 * that the check of {@link assertOneSide} sees exactly what the clients are given.
 */
export function endpointOf(
  service: Service,
  connection: ConnectionOptions,
  env: NodeJS.ProcessEnv,
): Endpoint | undefined {
  const { flag, variable } = SERVICES[service];
  const own = connection[flag];
  if (own !== undefined) return checked(own, `--${flagName(flag)}`);
  if (connection.endpoint !== undefined) return checked(connection.endpoint, '--endpoint');
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  for (const name of [variable, 'AWS_ENDPOINT_URL']) {
    const url = env[name];
    if (url) return checked(url, name);
  }
  return undefined;
}

/** Refused here, once: the SDK would fail each request with it, one record at a time. */
function checked(url: string, from: string): Endpoint {
  if (!URL.canParse(url)) {
    throw new KplCliUsageError(`${from} ${url} is not an endpoint URL (http://host:port)`);
  }
  return { url, from };
}

/** `--region`, else `AWS_REGION` of the command's env; else the SDK's own (its config file). */
export function regionOf(
  connection: ConnectionOptions,
  env: NodeJS.ProcessEnv,
): string | undefined {
  return connection.region ?? (env.AWS_REGION || undefined);
}

/**
 * Refuses a command whose services would be split between AWS and somewhere else (a local
 * Kinesis, and the checkpoint table in AWS): its reads and writes would not be about the same
 * records. Endpoints under AWS's own domains count as AWS (VPC endpoints).
 */
export function assertOneSide(
  services: readonly Service[],
  connection: ConnectionOptions,
  env: NodeJS.ProcessEnv,
): void {
  const sides = services.map((service) => ({
    service,
    endpoint: endpointOf(service, connection, env),
  }));
  const elsewhere = sides.filter(({ endpoint }) => endpoint !== undefined && !inAws(endpoint.url));
  const aws = sides.filter(({ endpoint }) => endpoint === undefined || inAws(endpoint.url));
  if (elsewhere.length === 0 || aws.length === 0) return;
  const to = elsewhere
    .map(
      ({ service, endpoint }) =>
        `${SERVICES[service].name} to ${endpoint!.url} (${endpoint!.from})`,
    )
    .join(' and ');
  const missing = aws.map(({ service }) => SERVICES[service]);
  throw new KplCliUsageError(
    `${to}, but ${missing.map(({ name }) => name).join(' and ')} to AWS: give ${missing
      .map(({ flag, variable }) => `--${flagName(flag)} URL (or ${variable})`)
      .join(' and ')}, or --endpoint URL for every service`,
  );
}

function inAws(url: string): boolean {
  return /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/.test(new URL(url).hostname);
}

function flagName(option: string): string {
  return option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
