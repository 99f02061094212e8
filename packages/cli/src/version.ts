import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * This package's version, from its package.json. Resolved by name from the script that runs
 * (the `kpl` binary resolves itself; a program that imports the package finds it in its
 * node_modules), since one source serves both builds and only one of them has `import.meta`.
 */
export function cliVersion(): string {
  try {
    const script = process.argv[1];
    const from = script === undefined ? join(process.cwd(), 'index.js') : realpathSync(script);
    return (createRequire(from)('@kpl-lambda/cli/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
