// The checkpoints README's handlers (Middy and Powertools), bundled with esbuild as `sam build`
// bundles them (platform node, target node22, minified) and run in a fresh Node.js process as
// Lambda runs them, against a local DynamoDB: a retry runs only the user record that failed.
// As ESM they need the README's banner; without it they die at import.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCheckpointTable, DynamoDBCheckpointStore } from '@kpl-lambda/checkpoints';
import { parentKey } from '@kpl-lambda/core';
import { parentOf } from '@kpl-lambda/core/internal';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { type LocalDynamoDB, startLocalDynamoDB } from '@kpl-lambda/testing-utils';
import { build } from 'esbuild';

const BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
const readme = readFileSync(join(__dirname, '../packages/checkpoints/README.md'), 'utf8');
const usage = readme.slice(
  readme.indexOf('## Usage'),
  readme.indexOf('\n## ', readme.indexOf('## Usage')),
);
const handlers = [...usage.matchAll(/```ts\n([\s\S]*?)```/g)]
  .map(([, source]) => source!)
  .filter((source) => source.includes('export const handler'));
const named = (name: string) => handlers.find((source) => source.includes(name))!;

const run = promisify(execFile);
let directory: string;
let local: LocalDynamoDB;
let tables = 0;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'kpl-checkpoints-bundle-'));
  local = await startLocalDynamoDB();
});
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await local.stop();
});

/** Bundles a README handler as `sam build` does; returns the bundle's path. */
async function bundle(name: string, source: string, format: 'esm' | 'cjs', banner: boolean) {
  const outfile = join(
    directory,
    `${name}-${format}${banner ? '' : '-bare'}.${format === 'esm' ? 'mjs' : 'cjs'}`,
  );
  await build({
    stdin: { contents: source, loader: 'ts', resolveDir: __dirname, sourcefile: `${name}.ts` },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format,
    minify: true,
    banner: banner ? { js: BANNER } : {},
    logLevel: 'silent',
  });
  return outfile;
}

/**
 * Imports the bundle in a fresh Node.js process with Lambda's environment, and invokes its
 * handler once per event, as Lambda does in one execution environment. Resolves to what the
 * handler logged and returned, in order.
 */
async function invoke(outfile: string, functionName: string, tableName: string, events: unknown[]) {
  const script = join(directory, `invoke-${functionName}.mjs`);
  writeFileSync(
    script,
    `const bundle = await import(${JSON.stringify(outfile)});
const { handler } = bundle.handler ? bundle : bundle.default;
for (const event of ${JSON.stringify(events)}) {
  const response = await handler(event, { awsRequestId: 'r', functionName: ${JSON.stringify(functionName)} });
  console.log('response', JSON.stringify(response));
}`,
  );
  const { stdout } = await run(process.execPath, [script], {
    cwd: directory,
    env: {
      PATH: process.env.PATH,
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
      CHECKPOINT_TABLE: tableName,
    },
  });
  return stdout.trim().split('\n');
}

it('finds the Middy and the Powertools handler in the README', () => {
  expect(handlers).toHaveLength(2);
  expect(readme).toContain(`- js=${BANNER}`);
});

describe.each([
  ['middy', '@kpl-lambda/middy'],
  ['powertools', '@kpl-lambda/powertools'],
])('the README %s handler with checkpoints, bundled', (name, importName) => {
  const source = () => named(importName);
  const event = kinesisStreamEvent([
    aggregatedRecord(
      ['{"order":0}', 'not JSON', '{"order":2}'].map((data) => ({ partitionKey: 'k', data })),
    ),
  ]);
  const sequenceNumber = event.Records[0]!.kinesis.sequenceNumber;

  it.each([
    ['ESM with the banner', 'esm', true],
    ['CommonJS', 'cjs', false],
  ] as const)(
    'as %s, runs on a retry only the user record that failed',
    async (_, format, banner) => {
      const tableName = `checkpoints-${++tables}`;
      await createCheckpointTable({ client: local.client, tableName, timeToLive: false });
      const functionName = `${name}-${format}`;

      const lines = await invoke(
        await bundle(name, source(), format, banner),
        functionName,
        tableName,
        [event, event],
      );

      const failed = `response ${JSON.stringify({ batchItemFailures: [{ itemIdentifier: sequenceNumber }] })}`;
      expect(lines).toEqual(['saving { order: 0 }', 'saving { order: 2 }', failed, failed]);
      const store = new DynamoDBCheckpointStore({
        client: local.client,
        tableName,
        consumerName: functionName,
      });
      const parent = parentOf(event.Records[0]!);
      expect((await store.load([parent])).get(parentKey(parent))?.toString()).toBe('0,2');
    },
  );

  it('as ESM without the banner, dies at import', async () => {
    const outfile = await bundle(name, source(), 'esm', false);

    await expect(invoke(outfile, `${name}-bare`, 'none', [event])).rejects.toMatchObject({
      stderr: expect.stringMatching(/Dynamic require of "node:\w+" is not supported/),
    });
  });
});
