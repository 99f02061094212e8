// Bundles every function of template.yaml with esbuild, as `sam build` does with its
// BuildMethod esbuild: the same entry points, format, target, banner and output extension.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { declaredDependencies } from './declared-dependencies.mjs';
import { readTemplate } from './template.mjs';

const appDirectory = fileURLToPath(new URL('..', import.meta.url));
const appManifest = JSON.parse(readFileSync(join(appDirectory, 'package.json'), 'utf8'));

/**
 * Bundles the functions into `outdir`, one folder per function, and returns for each logical id
 * the bundle's path, the name of the handler export, its template resource and the input files
 * whose code reached the bundle.
 */
export async function bundleFunctions(outdir) {
  const { Resources } = readTemplate();
  const functions = {};
  for (const [logicalId, resource] of Object.entries(Resources)) {
    if (
      resource.Type !== 'AWS::Serverless::Function' ||
      resource.Metadata?.BuildMethod !== 'esbuild'
    )
      continue;
    const properties = resource.Metadata.BuildProperties;
    const extensions = Object.fromEntries(
      (properties.OutExtension ?? []).map((rule) => rule.split('=')),
    );
    const banner = Object.fromEntries(
      (properties.Banner ?? []).map((rule) => [
        rule.slice(0, rule.indexOf('=')),
        rule.slice(rule.indexOf('=') + 1),
      ]),
    );
    const directory = join(outdir, logicalId);
    const { metafile } = await build({
      entryPoints: properties.EntryPoints.map((entry) => join(appDirectory, entry)),
      outdir: directory,
      bundle: true,
      platform: 'node',
      format: properties.Format ?? 'cjs',
      target: properties.Target ?? 'es2020',
      sourcemap: properties.Sourcemap ?? false,
      minify: properties.Minify ?? false,
      outExtension: extensions,
      banner,
      logLevel: 'error',
      metafile: true,
      plugins: [declaredDependencies(appManifest)],
    });
    const [file, exportName] = resource.Properties.Handler.split('.');
    functions[logicalId] = {
      path: join(directory, `${file}${extensions['.js'] ?? '.js'}`),
      handler: exportName,
      resource,
      /** The source files in the bundle, as esbuild read them. */
      // Only what reaches the bundle: an import tree-shaken away makes no call.
      inputs: Object.values(metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
          .map(([input]) => input),
      ),
    };
  }
  return functions;
}
