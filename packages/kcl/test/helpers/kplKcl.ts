import { PassThrough } from 'node:stream';
import { type LauncherIo, main } from '../../src/launcher/main.js';

/** Runs `kpl-kcl ...args`; `onOutput` sees what it wrote so far, each time it writes. */
export async function kplKcl(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { signal?: AbortSignal; onOutput?: (output: string) => void } = {},
) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    options.onOutput?.(out + err);
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    options.onOutput?.(out + err);
  });
  const io: LauncherIo = { stdout, stderr, env };
  if (options.signal) io.signal = options.signal;
  const code = await main(args, io);
  return { code, stdout: out, stderr: err };
}
