// The command sequences READMEs give a user to copy, run as written: each block marked with a
// `<!-- readme-run: NAME -->` comment just above it, in a shell of its own (a terminal), its
// output watched, and the whole process group ended when done.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The blocks of a README marked `<!-- readme-run: NAME -->`, by name, as the reader sees them. */
export function readmeBlocks(readme: string): Map<string, string> {
  const text = readFileSync(readme, 'utf8');
  const marked = /<!-- readme-run: (\S+) -->\s*\n```\w*\n([\s\S]*?)```/g;
  return new Map([...text.matchAll(marked)].map(([, name, body]) => [name!, body!]));
}

/** A shell running a block, as a terminal would. */
export interface Terminal {
  /** Everything it wrote so far, stdout and stderr together. */
  output(): string;
  /** Resolves once `done(output)`, checked as output comes; rejects after `timeoutMs`, or if it exits. */
  waitFor(done: (output: string) => boolean, timeoutMs: number): Promise<void>;
  /** Ctrl-C to its process group (everything it started), then SIGKILL if it lingers. */
  stop(): Promise<void>;
}

/** Runs `script` with bash in `cwd`, in a process group of its own. */
export function runInTerminal(script: string, cwd: string, env: NodeJS.ProcessEnv): Terminal {
  const shell: ChildProcess = spawn('bash', ['-eo', 'pipefail', '-c', script], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  for (const stream of [shell.stdout!, shell.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const listener of listeners) listener();
    });
  }
  let exit: string | undefined;
  const exited = once(shell, 'exit').then(([code, signal]) => {
    exit = `exited (${signal ?? code})`;
    for (const listener of listeners) listener();
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-shell.pid!, signal);
    } catch {
      // already gone
    }
  };
  return {
    output: () => output,
    waitFor: (done, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (done(output)) finish(resolve);
          else if (exit !== undefined) finish(() => reject(new Error(`it ${exit}:\n${output}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`not done in ${timeoutMs} ms:\n${output}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
    async stop() {
      signalGroup('SIGINT');
      const lingering = setTimeout(() => signalGroup('SIGKILL'), 15_000);
      await exited;
      clearTimeout(lingering);
      // What the shell started and outlived it (a daemon's children) goes too.
      signalGroup('SIGKILL');
    },
  };
}

/** The lock of the READMEs' fixed ports (4567, 4568): see {@link whileHolding}. */
export const README_PORTS_LOCK = 'kpl-lambda-readme-ports';

/**
 * Runs `run` while holding a lock of this machine (a folder in the temporary directory): the
 * README runs listen on the README's fixed ports, one at a time, whichever Jest worker or
 * checkout runs them. A lock whose holder died is taken over.
 */
export async function whileHolding<T>(
  name: string,
  run: () => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  const lock = join(tmpdir(), `${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
      if (!holderAlive(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} was held for ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await run();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return true; // just taken: its pid is being written
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code !== 'ESRCH';
  }
}
