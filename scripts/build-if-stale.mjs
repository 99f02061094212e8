// For `npm run demo` and `npm run bench`: runs `npm run build` only when a package's build is not
// current (scripts/build-hash.mjs), and quietly; the build's output is shown only if it fails.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBuilt } from './build-hash.mjs';

const packages = new URL('../packages/', import.meta.url).pathname;

const stale = readdirSync(packages).some((name) => {
  const { scripts } = JSON.parse(readFileSync(join(packages, name, 'package.json'), 'utf8'));
  // testing-utils has sources and no build: the tests run it from source.
  return scripts?.build !== undefined && !isBuilt(join(packages, name));
});
if (stale) {
  console.log('Building the packages (npm run build)');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { encoding: 'utf8' });
  if (build.status !== 0) {
    process.stdout.write(build.stdout);
    process.stderr.write(build.stderr);
    process.exit(build.status ?? 1);
  }
}
