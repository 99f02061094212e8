// The root README's local run ("On a local Kinesis and DynamoDB"), as written, in the repository
// root as its reader runs it: `kpl local` in one terminal, `kpl put` and `kpl tail` in another.
// It runs the packages' builds (`npm run build` first, as `npm test` does).
import { join } from 'node:path';
import {
  README_PORTS_LOCK,
  readmeBlocks,
  runInTerminal,
  type Terminal,
  whileHolding,
} from '@kpl-lambda/testing-utils';

const root = join(__dirname, '..');
const blocks = readmeBlocks(join(root, 'README.md'));

it('has the blocks the test runs', () => {
  expect([...blocks.keys()]).toEqual(['local-services', 'local-client']);
});

it('puts an order on the local services of kpl local, and tails it back', async () => {
  // The user's shell: nothing of AWS's, and npx never asks the registry.
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
    npm_config_offline: 'true',
  };
  await whileHolding(
    README_PORTS_LOCK,
    async () => {
      const terminals: Terminal[] = [];
      try {
        const services = runInTerminal(blocks.get('local-services')!, root, env);
        terminals.push(services);
        await services.waitFor((output) => output.includes('Ctrl-C stops it'), 60_000);
        expect(services.output()).toContain('stream orders (2 shards)');
        expect(services.output()).toContain('checkpoint table checkpoints');
        const client = runInTerminal(blocks.get('local-client')!, root, env);
        terminals.push(client);
        await client.waitFor((output) => output.includes('"orderId":"o-1"'), 60_000);
        expect(client.output()).toContain('c-7');
      } finally {
        await Promise.all(terminals.reverse().map((terminal) => terminal.stop()));
      }
    },
    300_000,
  );
}, 420_000);
