// An esbuild plugin that fails a bundle on any import that installing this application's own
// package.json would not bring: what `sam build` sees in a fresh checkout, outside the monorepo,
// where the workspace's hoisted node_modules would otherwise hide a missing dependency.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The package.json that owns a file, found by walking up to one with a name. */
function owningPackage(file) {
  for (
    let directory = dirname(file);
    directory !== dirname(directory);
    directory = dirname(directory)
  ) {
    try {
      const manifest = readJson(join(directory, 'package.json'));
      if (manifest.name) return manifest;
    } catch {
      // no package.json here
    }
  }
  return undefined;
}

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * Checks the imports of the application's own sources and of the `@kpl-lambda/*` packages it
 * bundles (third-party packages are trusted to declare theirs): each must be a dependency of its
 * importer, and a peer dependency must be one the application installs.
 */
export function declaredDependencies(appManifest) {
  const installed = new Set(Object.keys(appManifest.dependencies ?? {}));
  return {
    name: 'declared-dependencies',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = packageName(args.path);
        if (args.path.startsWith('node:') || builtinModules.includes(name)) return undefined;
        const importer = owningPackage(args.importer);
        if (importer === undefined) return undefined;
        const ownCode = importer.name === appManifest.name;
        if (!ownCode && !importer.name.startsWith('@kpl-lambda/')) return undefined;
        if (importer.name === name) return undefined; // a package's own subpath exports
        const declared = ownCode
          ? installed.has(name)
          : name in (importer.dependencies ?? {}) ||
            (name in (importer.peerDependencies ?? {}) && installed.has(name));
        if (declared) return undefined;
        return {
          errors: [
            {
              text: `${name}, imported by ${importer.name}, would not be installed from ${appManifest.name}'s package.json`,
            },
          ],
        };
      });
    },
  };
}
