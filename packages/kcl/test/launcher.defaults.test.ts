// What kpl-kcl does when it is not told: the working directory's app.properties, us-east-1, the
// user's home; and what it makes of endpoints without a scheme and of a property with no value.
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { kclDaemonEnvironment, localServicesOf } from '../src/launcher/daemon.js';
import { defaultCache } from '../src/launcher/jars.js';
import { kclProperties, readProperties } from '../src/launcher/properties.js';
import { kplKcl } from './helpers/kplKcl.js';

/** Runs `run` in a new, empty working directory, given to it. */
async function inNewDirectory<T>(run: (directory: string) => Promise<T>): Promise<T> {
  const directory = realpathSync(mkdtempSync(join(tmpdir(), 'kpl-kcl-cwd-')));
  const cwd = process.cwd();
  process.chdir(directory);
  try {
    return await run(directory);
  } finally {
    process.chdir(cwd);
    rmSync(directory, { recursive: true, force: true });
  }
}

const local = {
  AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567',
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4568',
};

describe('kpl-kcl, untold', () => {
  it('--init writes app.properties in the working directory, for us-east-1', async () => {
    await inNewDirectory(async (directory) => {
      const init = ['--init', '--stream', 's', '--application', 'a', '--executable', 'node c.cjs'];

      const run = await kplKcl(init, local);

      expect(run).toMatchObject({ code: 0, stderr: '' });
      const text = readFileSync(join(directory, 'app.properties'), 'utf8');
      expect(text).toContain('# kpl-kcl --properties app.properties.');
      expect(readProperties(text).get('regionName')).toBe('us-east-1');
    });
  });

  it('runs on app.properties in the working directory', async () => {
    await inNewDirectory(async (directory) => {
      const run = await kplKcl([], {});

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${join(directory, 'app.properties')} does not exist`);
    });
  });

  it('gives the daemon the environment as it is on AWS', () => {
    const env = { AWS_PROFILE: 'orders', PATH: '/usr/bin' };

    expect(kclDaemonEnvironment(env, false)).toBe(env);
  });

  it('leaves the worker id to the daemon when none is given', () => {
    const text = kclProperties({
      executableName: 'node c.cjs',
      streamName: 's',
      applicationName: 'a',
      regionName: 'us-east-1',
      kinesisEndpoint: local.AWS_ENDPOINT_URL_KINESIS,
      dynamoDBEndpoint: local.AWS_ENDPOINT_URL_DYNAMODB,
    });

    expect(readProperties(text).has('workerId')).toBe(false);
  });

  it('keeps the jars under ~/.cache of the user the system knows, when HOME is not set', () => {
    expect(defaultCache({})).toBe(join(homedir(), '.cache/kpl-lambda/kcl'));
  });
});

describe("kpl-kcl's endpoints", () => {
  it.each([
    ['kinesis.us-east-1.amazonaws.com', 'dynamodb.us-east-1.amazonaws.com', false],
    ['127.0.0.1:4567', '127.0.0.1:4568', true],
  ])('without a scheme: %s and %s are local: %s', (kinesis, dynamoDB, local) => {
    const properties = new Map([
      ['kinesisEndpoint', kinesis],
      ['dynamoDBEndpoint', dynamoDB],
    ]);

    expect(localServicesOf(properties, 'app.properties')).toBe(local);
  });
});

describe("kpl-kcl's reading of a properties file", () => {
  it('takes a name alone on its line as a property with no value, as Java does', () => {
    expect(readProperties('streamName = orders\nworkerId\n')).toEqual(
      new Map([
        ['streamName', 'orders'],
        ['workerId', ''],
      ]),
    );
  });
});
