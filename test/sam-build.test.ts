// The example SAM application built by the real `sam build` (AWS SAM CLI, from PyPI: .ci/run
// installs a pinned version in .venv) exactly as its README says, before the packages are
// published (`npm run sam:build`), and the built functions invoked as Lambda does.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonTool } from './helpers/pythonTools.js';

const appDirectory = join(__dirname, '../examples/sam-app');
const sam = pythonTool('sam', 'the real sam build test');
const describeWithSam = sam === undefined ? describe.skip : describe;

describeWithSam('examples/sam-app, built by the real sam build', () => {
  const buildDirectory = mkdtempSync(join(tmpdir(), 'kpl-lambda-sam-build-'));
  afterAll(() => rmSync(buildDirectory, { recursive: true, force: true }));

  let build: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    // The README's command, with the build folder of this test.
    build = spawnSync('npm', ['run', 'sam:build', '--', '--build-dir', buildDirectory], {
      cwd: appDirectory,
      encoding: 'utf8',
      env: { ...process.env, KPL_SAM_CLI: sam, AWS_EC2_METADATA_DISABLED: 'true' },
      timeout: 300_000,
    });
  }, 320_000);

  it('builds every function', () => {
    expect({ status: build.status, output: String(build.stderr).slice(-2_000) }).toMatchObject({
      status: 0,
    });
    expect(String(build.stdout)).toContain('Build Succeeded');
  });

  it('gives functions that Lambda can invoke, with what the emulated bundles give', () => {
    const results = JSON.parse(
      execFileSync(process.execPath, [join(__dirname, 'fixtures/invoke-bundles.mjs')], {
        encoding: 'utf8',
        env: { ...process.env, KPL_SAM_BUILD_DIR: buildDirectory },
      }),
    );
    const poisonParent = '49656625658406302356405470853187011302396564962398527490';
    expect(results.exports).toEqual({
      ProducerFunction: 'function',
      MiddyConsumerFunction: 'function',
      PowertoolsConsumerFunction: 'function',
    });
    expect(results.invocations).toEqual({
      'MiddyConsumerFunction kinesis-aggregated.json': { batchItemFailures: [] },
      'MiddyConsumerFunction kinesis-poison.json': {
        batchItemFailures: [{ itemIdentifier: poisonParent }],
      },
      'PowertoolsConsumerFunction kinesis-aggregated.json': { batchItemFailures: [] },
      'PowertoolsConsumerFunction kinesis-poison.json': {
        batchItemFailures: [{ itemIdentifier: poisonParent }],
      },
      'ProducerFunction producer.json': { written: 1_001 },
    });
    expect(results.userRecordsOnStream).toBe(1_001);
  }, 120_000);
});
