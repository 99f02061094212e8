import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The published builds, not the sources: each package must load with require() and import()
 * from its dist folders, exactly as users get it. `npm test` builds before it runs these.
 */
const root = join(__dirname, '..');
const packages = readdirSync(join(root, 'packages'))
  .map((name) => {
    const manifest = JSON.parse(
      readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'),
    ) as {
      name: string;
      private?: boolean;
      exports: Record<string, unknown>;
      engines: { node: string };
      sideEffects: boolean;
    };
    return [manifest.name, manifest] as const;
  })
  .filter(([, manifest]) => manifest.private !== true);

const run = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });

describe.each(packages)('%s as published', (name, manifest) => {
  const entryPoints = Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => name + subpath.slice(1));

  it('declares Node >= 20 and no side effects', () => {
    expect(manifest.engines.node).toBe('>=20');
    expect(manifest.sideEffects).toBe(false);
  });

  it.each(entryPoints)('%s loads with require()', (entryPoint) => {
    const keys = run([
      '-e',
      `console.log(Object.keys(require(${JSON.stringify(entryPoint)})).join())`,
    ]);
    expect(keys.trim().length).toBeGreaterThan(0);
  });

  it.each(entryPoints)('%s loads with import() and exports the same names', (entryPoint) => {
    const esm = run([
      '--input-type=module',
      '-e',
      `console.log(Object.keys(await import(${JSON.stringify(entryPoint)})).sort().join())`,
    ]);
    const cjs = run([
      '-e',
      `console.log(Object.keys(require(${JSON.stringify(entryPoint)})).sort().join())`,
    ]);
    expect(esm).toBe(cjs);
  });
});
