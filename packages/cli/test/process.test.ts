// The kpl binary as a shell runs it: a reader that goes away, Ctrl-C in a terminal, --version.
// It runs the build (`npm run build`).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kpl } from './helpers/run.js';

const bin = join(__dirname, '../bin/kpl.mjs');
const directory = mkdtempSync(join(tmpdir(), 'kpl-process-'));

/** Runs the binary until it exits; `onStdout` sees its output as it comes. */
function runBin(
  args: string[],
  onStdout: (chunk: Buffer, child: ReturnType<typeof spawn>) => void = () => {},
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout!.on('data', (chunk: Buffer) => onStdout(chunk, child));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
}

describe('the kpl binary', () => {
  it('ends quietly when the reader of its output goes away (kpl inspect --json big.json | head -1)', async () => {
    const lines = Array.from({ length: 3000 }, (_, n) =>
      JSON.stringify({ n, pad: 'x'.repeat(100) }),
    );
    writeFileSync(join(directory, 'lines.jsonl'), lines.join('\n'));
    const event = await kpl(['event', '--plain', join(directory, 'lines.jsonl')]);
    const big = join(directory, 'big.json');
    writeFileSync(big, event.stdout);
    let first = '';

    const run = await runBin(['inspect', '--json', big], (chunk, child) => {
      if (first !== '') return;
      first = chunk.toString().split('\n')[0]!;
      // As `head -1` does: the first line read, the pipe closed.
      child.stdout!.destroy();
    });

    expect(JSON.parse(first)).toMatchObject({ type: 'parent', index: 0 });
    expect(run).toEqual({ code: 130, signal: null, stderr: '' });
  });

  it('stops at the first Ctrl-C while it reads a terminal, which it says it does', async () => {
    if (spawnSync('script', ['--version']).error !== undefined) {
      console.warn('SKIPPED: no `script` (util-linux) to run kpl in a terminal');
      return;
    }
    // `script` gives kpl a terminal; the Ctrl-C it is sent becomes a SIGINT there. It waits for
    // its own input to end: the shell's echo says when kpl did, and how. Bash, as a user's shell:
    // it outlives a Ctrl-C its command handled, which dash (/bin/sh on Debian) does not.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} inspect; echo "kpl exited $?"`;
    const child = spawn('script', ['-qc', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SHELL: 'bash' },
    });
    let output = '';
    let interrupted = false;
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        // Once it waits for input, and says so: Ctrl-C, once.
        if (!interrupted && output.includes('reading standard input')) {
          interrupted = true;
          child.stdin!.write('\u0003');
        }
        if (/kpl exited \d+/.test(output)) child.kill();
      });
      child.on('error', reject);
      child.on('close', () => {
        try {
          expect(output).toContain('reading standard input; pass a FILE or pipe one in');
          expect(output).not.toMatch(/Error|at /);
          expect(output).toMatch(/kpl exited 130/);
          resolve();
        } catch (error) {
          reject(error);
        }
      });
    });
  }, 20_000);

  it('says its version', () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8'));
    expect(execFileSync(process.execPath, [bin, '--version']).toString()).toBe(`${version}\n`);
  });
});
