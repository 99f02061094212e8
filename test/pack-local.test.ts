// `npm run pack:local`, the README's way to try the packages before the first release: a tarball
// of every published package, as npm would publish it (test/compat installs such tarballs in
// fresh projects and runs them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');

it('packs every published package into the folder given, and says how to install them', () => {
  const destination = mkdtempSync(join(tmpdir(), 'kpl-lambda-packed-'));
  try {
    const run = spawnSync('npm', ['run', 'pack:local', '--', destination], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status).toBe(0);
    const published = readdirSync(join(root, 'packages')).filter(
      (folder) => folder !== 'testing-utils',
    );
    const versionOf = (folder: string) =>
      (
        JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    expect(readdirSync(destination).sort()).toEqual(
      published.map((folder) => `kpl-lambda-${folder}-${versionOf(folder)}.tgz`).sort(),
    );
    expect(run.stdout).toContain(`npm install ${join(destination, 'kpl-lambda-')}`);
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
}, 130_000);
