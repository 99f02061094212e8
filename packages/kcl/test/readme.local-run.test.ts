// The README's local run ("Running locally"), as written: consumer.cjs, the local services in one
// terminal, the producer and the consumer (through kpl-kcl) in another. It runs the packages'
// builds (`npm run build` first, as `npm test` does) and the real daemon: without Java 17 and
// Maven it is skipped, saying so.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  README_PORTS_LOCK,
  readmeBlocks,
  runInTerminal,
  type Terminal,
  whileHolding,
  whyNoJava,
} from '@kpl-lambda/testing-utils';
import { daemonJarsOf, KCL_TEST_CACHE } from './helpers/localKcl.js';

const blocks = readmeBlocks(join(__dirname, '../README.md'));
const noJava = whyNoJava();
if (noJava !== undefined) console.warn(`${noJava}: the README's local run is SKIPPED.`);
const itWithJava = noJava === undefined ? it : it.skip;

/** How many times each order the consumer printed, by order id. */
function ordersSeen(output: string): Map<number, number> {
  const seen = new Map<number, number>();
  for (const [, id] of output.matchAll(/^order (\d+) of c-\d$/gm)) {
    seen.set(Number(id), (seen.get(Number(id)) ?? 0) + 1);
  }
  return seen;
}

/**
 * A user's project after the README's `npm install`: the commands of the packages in its
 * `node_modules/.bin`. Inside the repository, where its node_modules are what `require` finds.
 */
function userProject(): string {
  const target = join(__dirname, 'daemon/target');
  mkdirSync(target, { recursive: true });
  const directory = mkdtempSync(join(target, 'readme-run-'));
  writeFileSync(join(directory, 'package.json'), '{ "private": true }\n');
  mkdirSync(join(directory, 'node_modules/.bin'), { recursive: true });
  for (const name of ['kcl', 'cli']) {
    const manifest = join(__dirname, '../..', name, 'package.json');
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
    for (const [command, path] of Object.entries(bin)) {
      symlinkSync(join(dirname(manifest), path), join(directory, 'node_modules/.bin', command));
    }
  }
  return directory;
}

describe("the README's local run", () => {
  it('has the blocks the test runs', () => {
    expect([...blocks.keys()]).toEqual(['consumer.cjs', 'terminal-1', 'terminal-2']);
  });

  itWithJava(
    'writes 1,000 orders with the producer and consumes each once through kpl-kcl',
    async () => {
      const built = join(__dirname, '../dist/esm/launcher/main.js');
      if (!existsSync(built)) throw new Error(`no ${built}: run npm run build first`);
      // Fetched once, here, rather than inside the run's time limit.
      await daemonJarsOf(3);
      await whileHolding(README_PORTS_LOCK, () => runTheReadme(), 120_000);
    },
    480_000,
  );
});

/** The README's blocks, each in its terminal; resolves once every order was consumed. */
async function runTheReadme(): Promise<void> {
  const directory = userProject();
  writeFileSync(join(directory, 'consumer.cjs'), blocks.get('consumer.cjs')!);
  // The user's shell: nothing of AWS's, the test cache, and npx never asks the registry.
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
    KPL_KCL_CACHE: KCL_TEST_CACHE,
    npm_config_offline: 'true',
  };
  const terminals: Terminal[] = [];
  try {
    const services = runInTerminal(blocks.get('terminal-1')!, directory, env);
    terminals.push(services);
    await services.waitFor((output) => output.includes('Ctrl-C stops it'), 60_000);
    const consumer = runInTerminal(blocks.get('terminal-2')!, directory, env);
    terminals.push(consumer);
    await consumer.waitFor((output) => ordersSeen(output).size === 1_000, 240_000);

    const seen = ordersSeen(consumer.output());
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1_000 }, (_, i) => i + 1),
    );
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    // The child's lines appear once, as written, not as the daemon's errors.
    expect(consumer.output()).not.toContain('Received error line');
    expect(consumer.output()).toContain('Wrote ');
  } finally {
    await Promise.all(terminals.reverse().map((terminal) => terminal.stop()));
    rmSync(directory, { recursive: true, force: true });
  }
}
