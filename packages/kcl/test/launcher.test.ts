// kpl-kcl in this process: what --init writes, what it refuses, and the daemon it starts and
// stops (the real one: Java 17 and Maven, else those tests are skipped, saying so). The whole
// local run, as the README gives it, is test/readme.local-run.test.ts.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { whyNoJava } from '@kpl-lambda/testing-utils';
import { daemonFiles, defaultCache } from '../src/launcher/jars.js';
import { readProperties } from '../src/launcher/properties.js';
import { kplKcl } from './helpers/kplKcl.js';
import { daemonJarsOf, KCL_TEST_CACHE } from './helpers/localKcl.js';

const noJava = whyNoJava();
if (noJava !== undefined)
  console.warn(`${noJava}: the tests of kpl-kcl with a daemon are SKIPPED.`);
const itWithJava = noJava === undefined ? it : it.skip;

const directory = mkdtempSync(join(tmpdir(), 'kpl-kcl-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const local = {
  AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567',
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4568',
};

const file = (name: string) => join(directory, name);

describe('kpl-kcl --init', () => {
  it('writes the properties of a run on the local services kpl local printed', async () => {
    const properties = file('app.properties');
    const run = await kplKcl(
      [
        '--init',
        '--properties',
        properties,
        '--stream',
        'orders',
        '--application',
        'orders-consumer',
        '--executable',
        'node consumer.cjs',
      ],
      local,
    );

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('orders-consumer reads orders on http://127.0.0.1:4567');
    expect(Object.fromEntries(readProperties(readFileSync(properties, 'utf8')))).toEqual({
      executableName: 'node consumer.cjs',
      streamName: 'orders',
      applicationName: 'orders-consumer',
      workerId: hostname(),
      processingLanguage: 'nodejs',
      initialPositionInStream: 'TRIM_HORIZON',
      regionName: 'us-east-1',
      kinesisEndpoint: 'http://127.0.0.1:4567',
      dynamoDBEndpoint: 'http://127.0.0.1:4568',
      AWSCredentialsProvider: 'DefaultCredentialsProvider',
      metricsLevel: 'NONE',
      retrievalMode: 'POLLING',
      disableWorkerMetrics: 'true',
      shardSyncIntervalMillis: '1000',
    });

    const again = await kplKcl(
      ['--init', '--properties', properties, '--stream', 's', '--application', 'a'],
      local,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--init needs --executable');
  });

  it('takes endpoints, region and worker id from its flags, over the environment', async () => {
    const properties = file('flags.properties');
    const args = ['--init', '--properties', properties, '--stream', 's', '--application', 'a'];
    const run = await kplKcl(
      [
        ...args,
        '--executable',
        'node c.cjs',
        '--kinesis-endpoint',
        'http://localhost:1',
        '--dynamodb-endpoint',
        'http://localhost:2',
        '--region',
        'eu-west-1',
        '--worker-id',
        'worker-1',
      ],
      { ...local, AWS_REGION: 'us-west-2' },
    );
    expect(run.code).toBe(0);
    expect(Object.fromEntries(readProperties(readFileSync(properties, 'utf8')))).toMatchObject({
      kinesisEndpoint: 'http://localhost:1',
      dynamoDBEndpoint: 'http://localhost:2',
      regionName: 'eu-west-1',
      workerId: 'worker-1',
    });
    const overwrite = await kplKcl([...args, '--executable', 'node c.cjs'], local);
    expect(overwrite).toMatchObject({ code: 1, stderr: expect.stringContaining('exists') });
  });

  it.each([
    [{}, 'needs their endpoints'],
    [{ AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567' }, 'needs their endpoints'],
    [{ AWS_ENDPOINT_URL: 'https://kinesis.us-east-1.amazonaws.com' }, 'needs their endpoints'],
    [
      {
        AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567',
        AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.us-east-1.amazonaws.com',
      },
      "kinesisEndpoint is http://127.0.0.1:4567, but dynamoDBEndpoint is AWS's",
    ],
  ])('refuses to write a local run without local services (%j)', async (env, message) => {
    const run = await kplKcl(
      [
        '--init',
        '--properties',
        file('never'),
        '--stream',
        's',
        '--application',
        'a',
        '--executable',
        'x',
      ],
      env,
    );
    expect(run.stderr).toContain(message);
    expect(run.code).toBeGreaterThan(0);
  });
});

describe('kpl-kcl, a command line it cannot run', () => {
  it.each([
    [['--init', '--cache', '/tmp'], '--cache is not for --init'],
    [['--stream', 'orders'], '--stream is not for a run'],
    [['app.properties'], "Unexpected argument 'app.properties'"],
    [['--propreties', 'app.properties'], 'Unknown option --propreties: did you mean --properties?'],
    [['--zzzzzzzzzz'], "Unknown option '--zzzzzzzzzz'"],
    [['--kcl-version', '1.13.3'], 'give a KCL 2.x or 3.x release'],
    [['--kcl-version', 'latest'], 'give a KCL 2.x or 3.x release'],
  ])('%j', async (args, message) => {
    const run = await kplKcl(args, {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('kpl-kcl --init --stream NAME'); // the usage
  });

  it('prints its usage on --help', async () => {
    const run = await kplKcl(['--help'], {});
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('kpl-kcl --init') });
  });
});

describe('kpl-kcl, what stops a daemon from starting', () => {
  it('says when the properties file is missing, or mixes local and AWS endpoints', async () => {
    const missing = await kplKcl(['--properties', file('absent.properties')], {});
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('kpl-kcl --init') });
    writeFileSync(
      file('mixed.properties'),
      '# AWS for the leases\ndynamoDBEndpoint: https://dynamodb.eu-west-1.amazonaws.com\nkinesisEndpoint http://127.0.0.1:4567\n',
    );
    const mixed = await kplKcl(['--properties', file('mixed.properties')], {});
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain(
      "kinesisEndpoint is http://127.0.0.1:4567, but dynamoDBEndpoint is AWS's",
    );
  });

  it('says how to get Java when there is none', async () => {
    writeFileSync(file('aws.properties'), 'streamName = orders\n');
    const run = await kplKcl(['--properties', file('aws.properties')], { PATH: directory });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^kpl-kcl: the KCL daemon runs on Java .* install a JDK/);
  });

  itWithJava('says how to get the jars when Maven is missing, and where they go', async () => {
    const java = realpathSync(execFileSync('which', ['java'], { encoding: 'utf8' }).trim());
    const cache = file('empty-cache');
    writeFileSync(file('aws.properties'), 'streamName = orders\n');
    const run = await kplKcl(['--properties', file('aws.properties'), '--cache', cache], {
      JAVA_HOME: dirname(dirname(java)),
      PATH: directory,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Maven fetches the jars of the KCL 3.1.3 daemon once, into ${cache}/3.1.3/lib, and mvn does not run here`,
    );
    // Jars put there by hand, without the daemon's own.
    mkdirSync(join(cache, '3.1.3/lib'), { recursive: true });
    const without = await kplKcl(['--properties', file('aws.properties'), '--cache', cache], {
      JAVA_HOME: dirname(dirname(java)),
    });
    expect(without.stderr).toContain('has no amazon-kinesis-client-multilang-3.1.3.jar');
  });

  itWithJava(
    'says what Maven said when it cannot fetch a version',
    async () => {
      writeFileSync(file('aws.properties'), 'streamName = orders\n');
      const run = await kplKcl(
        [
          '--properties',
          file('aws.properties'),
          '--cache',
          file('cache'),
          '--kcl-version',
          '3.0.99',
        ],
        process.env,
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Maven could not fetch the KCL 3.0.99 daemon');
    },
    120_000,
  );
});

describe("kpl-kcl's cache", () => {
  it('is KPL_KCL_CACHE, else under XDG_CACHE_HOME, else under ~/.cache', () => {
    expect(defaultCache({ KPL_KCL_CACHE: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/c');
    expect(defaultCache({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/kpl-lambda/kcl');
    expect(defaultCache({ HOME: '/h' })).toBe('/h/.cache/kpl-lambda/kcl');
  });

  itWithJava(
    'is filled once when two runs fetch the same version at once',
    async () => {
      const cache = file('shared-cache');
      const said: string[] = [];
      const [first, second] = await Promise.all(
        [1, 2].map(() => daemonFiles('3.1.3', cache, process.env, (line) => said.push(line))),
      );
      expect(second).toEqual(first);
      expect(readdirSync(join(cache, '3.1.3')).sort()).toEqual(['lib', 'logback.xml', 'pom.xml']);
      expect(readdirSync(first!.lib)).toContain('amazon-kinesis-client-multilang-3.1.3.jar');
      expect(said).toEqual([
        `Fetching the KCL 3.1.3 daemon's jars with Maven into ${cache}/3.1.3/lib (once)`,
        `Fetching the KCL 3.1.3 daemon's jars with Maven into ${cache}/3.1.3/lib (once)`,
      ]);
    },
    300_000,
  );
});

describe('kpl-kcl and the daemon', () => {
  beforeAll(() => (noJava === undefined ? daemonJarsOf(3) : undefined), 320_000);

  itWithJava(
    "ends with the daemon's exit code, and stops it at Ctrl-C with 130",
    async () => {
      // Properties the daemon refuses (no stream): it exits at once, with its own exit code.
      writeFileSync(file('no-stream.properties'), 'applicationName = a\nexecutableName = true\n');
      const refused = await kplKcl(
        ['--properties', file('no-stream.properties'), '--cache', KCL_TEST_CACHE],
        process.env,
      );
      expect(refused.code).toBeGreaterThan(0);
      expect(refused.code).not.toBe(130);
      expect(refused.stderr).toContain(`KCL 3.1.3 (jars in ${KCL_TEST_CACHE}/3.1.3)`);

      // On local endpoints (nothing listens there: the daemon retries until it is stopped).
      writeFileSync(
        file('local.properties'),
        [
          'applicationName = launcher-test',
          'streamName = nowhere',
          'executableName = true',
          'regionName = us-east-1',
          'kinesisEndpoint = http://127.0.0.1:9',
          'dynamoDBEndpoint = http://127.0.0.1:9',
          'metricsLevel = NONE',
          'AWSCredentialsProvider = DefaultCredentialsProvider',
          '',
        ].join('\n'),
      );
      const controller = new AbortController();
      const stopped = await kplKcl(
        ['--properties', file('local.properties'), '--cache', KCL_TEST_CACHE],
        process.env,
        {
          signal: controller.signal,
          // Once the daemon runs (and retries its services), stop it.
          onOutput: (output) => {
            if (output.includes('Initializing LeaseCoordinator')) controller.abort();
          },
        },
      );
      expect(stopped.code).toBe(130);
      // It got the signal, and shut down as the KCL does.
      expect(stopped.stdout).toContain('Process terminated, will initiate shutdown');
      expect(stopped.stderr).toMatch(
        /local services: the daemon gets .*AWS_EC2_METADATA_DISABLED=true CBOR_ENABLED=false/,
      );
    },
    120_000,
  );
});
