// Whether a package's build is current, for `npm run build` (scripts/build-package.mjs), which
// skips a package whose build is, and `npm run demo` / `npm run bench` (scripts/build-if-stale.mjs).
// A build is current when its recorded hash is the hash of everything it was made from (a content
// hash, not modification times, so that switching branches or touching a file cannot fool it), and
// its `dist` is as that build left it: `tsc -b` run by `npm run check` or `npm run typecheck`
// rewrites `dist/esm` from whatever sources are there, without a build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where a package's build records the hash it was made from: beside `dist`, not in it, since
 * `dist` is published. Written last, after a build succeeded, and removed before one starts.
 */
export const BUILD_HASH_FILE = '.build-hash';

/** What every package's build reads besides its own files: the build, its settings, the tools. */
const SHARED_INPUTS = [
  'scripts/build-package.mjs',
  'scripts/build-hash.mjs',
  'tsconfig.base.json',
  // The versions of TypeScript and of every dependency whose types a build reads.
  'package-lock.json',
];

const OWN_INPUTS = ['package.json', 'tsconfig.json', 'tsconfig.cjs.json'];

const hashes = new Map();

/**
 * The hash of what a package's build is made from: its sources, its build settings, the shared
 * inputs, and the same hash of each package its tsconfig references (a change in core rebuilds
 * the packages that import it).
 */
export function buildHashOf(packageDirectory) {
  const directory = resolve(packageDirectory);
  const known = hashes.get(directory);
  if (known !== undefined) return known;
  const hash = createHash('sha256');
  const add = (file) => {
    hash.update(`${relative(root, file)}\0`);
    hash.update(existsSync(file) ? readFileSync(file) : '(none)');
    hash.update('\0');
  };
  for (const file of SHARED_INPUTS) {
    if (!existsSync(join(root, file))) throw new Error(`build-hash: ${file} is missing`);
    add(join(root, file));
  }
  for (const file of OWN_INPUTS) add(join(directory, file));
  const { include = ['src'], references = [] } = JSON.parse(
    readFileSync(join(directory, 'tsconfig.json'), 'utf8'),
  );
  // Its sources, and whatever else its tsconfig compiles with them (declarations of the root).
  for (const path of include) for (const file of filesUnder(join(directory, path))) add(file);
  for (const reference of references) hash.update(buildHashOf(join(directory, reference.path)));
  const result = hash.digest('hex');
  hashes.set(directory, result);
  return result;
}

/** The files under `path` (or `path` itself), sorted. */
function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** What a build left in `dist`: each file's path, size and time, which any rewrite changes. */
export function distStampOf(packageDirectory) {
  const dist = join(resolve(packageDirectory), 'dist');
  const hash = createHash('sha256');
  for (const file of filesUnder(dist)) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(dist, file)}\0${size}\0${mtimeMs}\0`);
  }
  return hash.digest('hex');
}

/** What `.build-hash` holds once a build succeeded. */
export const buildRecordOf = (packageDirectory, hash) =>
  `${hash}\n${distStampOf(packageDirectory)}\n`;

/** Whether the package's `dist` was built from what is there now, and is as that build left it. */
export function isBuilt(packageDirectory) {
  const recorded = join(packageDirectory, BUILD_HASH_FILE);
  return (
    existsSync(join(packageDirectory, 'dist/esm')) &&
    existsSync(join(packageDirectory, 'dist/cjs/package.json')) &&
    existsSync(recorded) &&
    readFileSync(recorded, 'utf8') ===
      buildRecordOf(packageDirectory, buildHashOf(packageDirectory))
  );
}
