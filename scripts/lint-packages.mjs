// publint (what a package.json promises against what the tarball holds) and
// @arethetypeswrong/cli (whether TypeScript finds the right types for each entry point under
// node10, node16 from CommonJS and from ESM, and bundler) for every published package.
// Neither follows types into dependencies: test/compat compiles a user's project for that.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const packages = new URL('../packages/', import.meta.url).pathname;
let failed = 0;
for (const directory of readdirSync(packages)) {
  const folder = join(packages, directory);
  if (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).private) continue;
  for (const command of [
    ['publint', '--strict'],
    ['attw', '--pack', '.', '--format', 'ascii'],
  ]) {
    try {
      execFileSync('npx', ['--no-install', ...command], { cwd: folder, stdio: 'pipe' });
    } catch (error) {
      failed++;
      console.error(
        `${command[0]} found problems in packages/${directory}:\n${error.stdout}${error.stderr}`,
      );
    }
  }
}
console.log(failed === 0 ? 'publint and attw: no problems in any package' : `${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
