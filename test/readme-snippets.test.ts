// Every TypeScript block of every README is a file the suite type-checks, as a user would copy it
// into an ES module of their own (strict, NodeNext, against the built packages); every JavaScript
// block is CommonJS, checked as a .cjs file (TypeScript types its require() calls). A fragment that
// needs names from around it declares them in a `<!-- snippet-prelude: ... -->` comment just
// above the block, kept out of sight of the reader but type-checked with the block.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');
const outDir = join(__dirname, '.snippets');

function readmes(): string[] {
  const files = [join(root, 'README.md')];
  for (const parent of ['packages', 'examples']) {
    for (const entry of readdirSync(join(root, parent))) {
      const readme = join(root, parent, entry, 'README.md');
      try {
        readFileSync(readme);
        files.push(readme);
      } catch {
        // no README in this folder
      }
    }
  }
  return files;
}

interface Snippet {
  name: string;
  file: string;
  source: string;
  /** What the reader sees (the source without its prelude). */
  body: string;
}

function snippetsOf(readme: string): Snippet[] {
  const text = readFileSync(readme, 'utf8');
  const snippets: Snippet[] = [];
  const block = /(?:<!-- snippet-prelude:([\s\S]*?)-->\s*\n)?```(ts|js)\n([\s\S]*?)```/g;
  for (const match of text.matchAll(block)) {
    const [, prelude = '', language, body] = match;
    const line =
      text.slice(0, match.index).split('\n').length + (prelude ? prelude.split('\n').length : 0);
    const name = `${relative(root, readme)}:${line}`;
    const extension = language === 'ts' ? 'mts' : 'cjs';
    const file = join(outDir, `${name.replace(/[^a-z0-9]+/gi, '-')}.${extension}`);
    const end = language === 'ts' ? 'export {};\n' : '';
    snippets.push({ name, file, source: `${prelude}\n${body}\n${end}`, body: body! });
  }
  return snippets;
}

const snippets = readmes().flatMap(snippetsOf);
let diagnostics = '';

beforeAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const { file, source } of snippets) writeFileSync(file, source);
  writeFileSync(
    join(outDir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        noEmit: true,
        types: ['node'],
        noUnusedLocals: false,
        allowJs: true,
        checkJs: true,
      },
      include: ['*.mts', '*.cjs'],
    }),
  );
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', outDir], {
      encoding: 'utf8',
    });
  } catch (error) {
    diagnostics = (error as { stdout?: string }).stdout ?? String(error);
  }
}, 120_000);

it('finds the snippets', () => {
  expect(snippets.length).toBeGreaterThan(15);
});

it.each(snippets.map((snippet) => [snippet.name, snippet]))('%s type-checks', (_, snippet) => {
  const own = diagnostics
    .split('\n')
    .filter(
      (line) =>
        line.includes(relative(root, snippet.file).replace(/^test\//, '')) ||
        line.includes(snippet.file),
    );
  expect(own).toEqual([]);
});

// What a reader copies must type-check as it stands: a cast would hide that it does not.
it.each(snippets.map((snippet) => [snippet.name, snippet]))('%s needs no cast', (_, snippet) => {
  expect(snippet.body.match(/\bas (never|any)\b/g) ?? []).toEqual([]);
});

const publishedReadmes = readdirSync(join(root, 'packages'))
  .map((directory) => join(root, 'packages', directory))
  .filter((folder) => !JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).private)
  .map((folder) => [
    relative(root, folder),
    JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).name,
  ]);

it.each(publishedReadmes)('%s/README.md shows CommonJS use of %s', (folder, name) => {
  const commonJs = snippets.filter(
    (snippet) => snippet.name.startsWith(`${folder}/`) && snippet.file.endsWith('.cjs'),
  );
  expect(commonJs.some((snippet) => snippet.source.includes(`require('${name}`))).toBe(true);
});
