// The daemon's properties file: written for a local run (`kpl-kcl --init`), and read for what
// the launcher must know before it starts the daemon (where its services are).

/** A property's value as the file has it. */
export type PropertyValue = string | number | boolean;

/** One consumer application on local services, as its properties file describes it. */
export interface KclApplication {
  /** The child's command line, e.g. `node consumer.cjs`. */
  executableName: string;
  streamName: string;
  /** Also the name of its lease table. */
  applicationName: string;
  /** This worker's id; keep it across restarts (KCL 3's leader leads by it). */
  workerId?: string | undefined;
  regionName: string;
  kinesisEndpoint: string;
  dynamoDBEndpoint: string;
  /** More properties, written last: each overrides the one of the same name above. */
  settings?: Readonly<Record<string, PropertyValue>>;
}

/**
 * What KCL 3 needs on local services besides the application (the README of the package says
 * why each): the credentials of the environment, no CloudWatch, no enhanced fan-out (kinesalite
 * has none), no EC2 instance metadata (asked for the CPU metric otherwise), and no minute's
 * sleep of the first worker after it creates the leases.
 */
const LOCAL_RUN_PROPERTIES: Readonly<Record<string, PropertyValue>> = {
  AWSCredentialsProvider: 'DefaultCredentialsProvider',
  metricsLevel: 'NONE',
  retrievalMode: 'POLLING',
  disableWorkerMetrics: true,
  shardSyncIntervalMillis: 1000,
};

/** The properties file of an application on local services, as KCL 3 reads it (the tests run 3.1.3). */
export function kclProperties(application: KclApplication): string {
  return propertiesText({
    ...applicationProperties(application),
    ...LOCAL_RUN_PROPERTIES,
    ...application.settings,
  });
}

/** What names an application and where it runs, as every KCL's properties file says it. */
export function applicationProperties(
  application: KclApplication,
): Readonly<Record<string, PropertyValue>> {
  return {
    executableName: application.executableName,
    streamName: application.streamName,
    applicationName: application.applicationName,
    ...(application.workerId === undefined ? {} : { workerId: application.workerId }),
    processingLanguage: 'nodejs',
    initialPositionInStream: 'TRIM_HORIZON',
    regionName: application.regionName,
    kinesisEndpoint: application.kinesisEndpoint,
    dynamoDBEndpoint: application.dynamoDBEndpoint,
  };
}

/** Properties as the file has them, one `name = value` a line. */
export function propertiesText(properties: Readonly<Record<string, PropertyValue>>): string {
  return `${Object.entries(properties)
    .map(([name, value]) => `${name} = ${value}`)
    .join('\n')}\n`;
}

/**
 * The properties of a file's text, as Java reads them: `name = value`, `name: value` or
 * `name value`, comments (`#`, `!`), a line ending in a backslash continued on the next.
 */
export function readProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  const lines = text.replace(/\\\r?\n[ \t\f]*/g, '').split(/\r?\n/);
  for (const line of lines.map((each) => each.trim())) {
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match) properties.set(match[1]!, match[2]!);
    else properties.set(line, '');
  }
  return properties;
}
