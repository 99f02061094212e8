// Packs the @kpl-lambda packages as they would be published, into a folder (default ./packed),
// for trying them in a project of your own before the first release:
//   npm ci && npm run build && npm run pack:local
//   cd ../your-project && npm install ../kpl-lambda/packed/kpl-lambda-core-0.1.0.tgz ...
// Also used by examples/sam-app's `npm run sam:build`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = fileURLToPath(new URL('..', import.meta.url));

/** The published packages: name and folder. */
export function publicPackages() {
  return readdirSync(join(repository, 'packages'))
    .map((folder) => ({
      folder: join(repository, 'packages', folder),
      manifest: JSON.parse(
        readFileSync(join(repository, 'packages', folder, 'package.json'), 'utf8'),
      ),
    }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ folder, manifest }) => ({ name: manifest.name, folder }));
}

/**
 * Packs the named packages (all public ones by default) into `destination`; returns each
 * package's tarball path by name. Throws, saying what to run, when one is not built.
 */
export function packPackages(destination, names = publicPackages().map(({ name }) => name)) {
  const byName = new Map(publicPackages().map((entry) => [entry.name, entry.folder]));
  mkdirSync(destination, { recursive: true });
  const tarballs = {};
  for (const name of names) {
    const folder = byName.get(name);
    if (folder === undefined) throw new Error(`${name} is not a package of this repository`);
    if (!existsSync(join(folder, 'dist'))) {
      throw new Error(`${name} is not built: run npm ci && npm run build at the repository root`);
    }
    const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', destination], {
      cwd: folder,
      encoding: 'utf8',
    });
    if (packed.status !== 0) throw new Error(`npm pack of ${name} failed:\n${packed.stderr}`);
    // npm pack prints the tarball's name last.
    tarballs[name] = join(destination, packed.stdout.trim().split('\n').at(-1));
  }
  return tarballs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const destination = resolve(process.argv[2] ?? join(repository, 'packed'));
  try {
    const tarballs = packPackages(destination);
    console.log(`Packed into ${destination}. In your project:`);
    console.log(`  npm install ${Object.values(tarballs).join(' ')}`);
  } catch (error) {
    console.error(`pack:local: ${error.message}`);
    process.exitCode = 1;
  }
}
