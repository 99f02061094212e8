// Node decides a .js file's module format from the nearest package.json: this marks the CommonJS
// build of a package (whose own package.json says "type": "module") as CommonJS.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const directory = process.argv[2] ?? 'dist/cjs';
writeFileSync(join(directory, 'package.json'), '{ "type": "commonjs" }\n');
