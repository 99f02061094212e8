// For `npm run demo` and `npm run bench`: builds the packages only when a source is newer than
// its build, and quietly; the build's output is shown only if it fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const packages = new URL('../packages/', import.meta.url).pathname;

/** The newest modification time of the files under a folder. */
function newest(folder) {
  let time = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) time = Math.max(time, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return time;
}

const stale = readdirSync(packages).some((name) => {
  const built = join(packages, name, 'dist/cjs/package.json');
  const { scripts } = JSON.parse(readFileSync(join(packages, name, 'package.json'), 'utf8'));
  // testing-utils has sources and no build: the tests run it from source.
  if (scripts?.build === undefined) return false;
  return !existsSync(built) || newest(join(packages, name, 'src')) > statSync(built).mtimeMs;
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
