// Bundles a handler of bench/handlers as `sam build` does with esbuild (platform node, target
// node22, minified), for the bundle benchmark and for test/bundles.test.ts.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const handlers = fileURLToPath(new URL('./handlers/', import.meta.url));
// As the SAM app's template does: CommonJS dependencies in an ESM bundle require() Node's own.
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The package a bundled input file belongs to, or "(handler)". */
function packageOf(input) {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
  if (dependency) return dependency;
  const ours = /(?:^|\/)packages\/([^/]+)\//.exec(input)?.[1];
  return ours ? `@kpl-lambda/${ours}` : '(handler)';
}

/**
 * Bundles `bench/handlers/<name>.mjs` into `outdir` as ESM or CommonJS; returns the bundle's path,
 * its size and gzipped size in bytes, and its bytes by package.
 */
export async function bundleHandler(name, format, outdir) {
  const outfile = join(outdir, `${name}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  const { metafile } = await build({
    entryPoints: [join(handlers, `${name}.mjs`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format,
    minify: true,
    banner: format === 'esm' ? { js: ESM_REQUIRE_BANNER } : {},
    metafile: true,
    logLevel: 'error',
  });
  const byPackage = {};
  for (const [input, { bytesInOutput }] of Object.entries(
    metafile.outputs[Object.keys(metafile.outputs)[0]].inputs,
  )) {
    const owner = packageOf(input);
    byPackage[owner] = (byPackage[owner] ?? 0) + bytesInOutput;
  }
  const bytes = statSync(outfile).size;
  return { outfile, bytes, gzip: gzipSync(readFileSync(outfile)).length, byPackage };
}
