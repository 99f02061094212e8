// `sam build` before the @kpl-lambda packages are published: packs them from this repository
// into .sam-packages/, writes a dependency manifest that installs them from those tarballs, and
// runs `sam build --manifest` with it. Arguments are passed on to `sam build` (--build-dir,
// --parallel, ...). Once the packages are on npm, plain `sam build` does the same.
//
// Not `sam build --build-in-source`: it runs `npm update` in this folder, which prunes the
// repository's own installed packages.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packPackages } from '../../../scripts/pack-packages.mjs';

const appDirectory = fileURLToPath(new URL('..', import.meta.url));
const repository = join(appDirectory, '../..');
const packagesDirectory = join(appDirectory, '.sam-packages');
const manifest = JSON.parse(readFileSync(join(appDirectory, 'package.json'), 'utf8'));

const local = Object.keys(manifest.dependencies).filter((name) => name.startsWith('@kpl-lambda/'));
rmSync(packagesDirectory, { recursive: true, force: true });
let tarballs;
try {
  tarballs = packPackages(packagesDirectory, local);
} catch (error) {
  fail(error.message);
}
// Absolute paths: sam build copies the manifest elsewhere before it installs.
const dependencies = { ...manifest.dependencies };
for (const name of local) dependencies[name] = `file:${tarballs[name]}`;
const buildManifest = join(packagesDirectory, 'package.json');
writeFileSync(buildManifest, `${JSON.stringify({ ...manifest, dependencies }, null, 2)}\n`);

// sam build finds esbuild on the PATH: the repository's own, pinned.
const path = [join(repository, 'node_modules/.bin'), process.env.PATH].join(delimiter);
const sam = process.env.KPL_SAM_CLI ?? 'sam';
const build = spawnSync(sam, ['build', '--manifest', buildManifest, ...process.argv.slice(2)], {
  cwd: appDirectory,
  stdio: 'inherit',
  env: { ...process.env, PATH: path, SAM_CLI_TELEMETRY: '0' },
});
if (build.error?.code === 'ENOENT') {
  fail(
    `${sam} not found: install the AWS SAM CLI (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/install-sam-cli.html, or pip install aws-sam-cli)`,
  );
}
process.exitCode = build.status ?? 1;

function fail(message) {
  console.error(`sam-build: ${message}`);
  process.exit(1);
}
