// The parser integration costs nothing to a handler that does not parse: bundled with esbuild
// as `sam build` does, with Zod and the Powertools parser not installed, it builds and runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { build, type Plugin } from 'esbuild';

/** As if these were not installed: any import of them fails the bundle. */
const notInstalled: Plugin = {
  name: 'not-installed',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^(zod|@aws-lambda-powertools\/parser)(\/|$)/ }, (args) => ({
      errors: [{ text: `${args.path} is not installed (imported by ${args.importer})` }],
    }));
  },
};

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'kpl-lambda-powertools-bundle-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.each(['esm', 'cjs'] as const)(
  'a plain KplBatchProcessor handler bundled as %s',
  (format) => {
    const extension = format === 'esm' ? 'mjs' : 'cjs';

    it('builds without Zod or the parser, and runs from outside the repository', async () => {
      const outfile = join(directory, `handler.${extension}`);
      await build({
        entryPoints: [join(__dirname, 'fixtures/plain-handler.ts')],
        outfile,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format,
        logLevel: 'silent',
        plugins: [notInstalled],
      });
      const event = kinesisStreamEvent([
        aggregatedRecord([
          { partitionKey: 'a', data: 'fine' },
          { partitionKey: 'b', data: 'poison' },
        ]),
      ]);
      const script = join(directory, `invoke.${extension}`);
      const load =
        format === 'esm'
          ? `await import(${JSON.stringify(outfile)})`
          : `require(${JSON.stringify(outfile)})`;
      writeFileSync(
        script,
        `${format === 'esm' ? '' : '(async () => {'}
const { handler } = ${load};
const response = await handler(${JSON.stringify(event)}, { awsRequestId: 'r', functionName: 'f' });
console.log(JSON.stringify(response));
${format === 'esm' ? '' : '})();'}`,
      );

      const output = execFileSync(process.execPath, [script], { cwd: directory, encoding: 'utf8' });

      expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({
        batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
      });
      expect(statSync(outfile).size).toBeLessThan(200_000);
    });
  },
);
