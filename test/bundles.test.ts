// A handler bundled as SAM bundles it holds only what it uses: the minimal handlers of
// bench/handlers (whose sizes and cold starts `npm run bench` measures), each package by name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHandler } from '../bench/bundle-handler.mjs';

const outdir = mkdtempSync(join(tmpdir(), 'kpl-bundles-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it.each([
  ['core', ['@kpl-lambda/core']],
  ['middy', ['@kpl-lambda/core', '@kpl-lambda/middy', '@middy/core']],
  [
    'powertools',
    [
      '@aws-lambda-powertools/batch',
      '@aws-lambda-powertools/commons',
      '@aws/lambda-invoke-store',
      '@kpl-lambda/core',
      '@kpl-lambda/powertools',
    ],
  ],
])('the %s handler bundles only %j (no protobufjs, no Zod, no parser)', async (name, packages) => {
  for (const format of ['esm', 'cjs'] as const) {
    const { byPackage } = await bundleHandler(name, format, outdir);
    expect(
      Object.keys(byPackage)
        .filter((owner) => owner !== '(handler)')
        .sort(),
    ).toEqual(packages);
  }
});
