import type { KplLogger } from '@kpl-lambda/core';

/**
 * While the protocol runs on process.stdout, anything else written there (a console.log) would
 * corrupt it: such writes go to stderr instead, with one clear error.
 */
export function guardStdout(log: Pick<KplLogger, 'error'>) {
  const original = process.stdout.write;
  let warned = false;
  const guarded = ((chunk: unknown, ...rest: unknown[]) => {
    if (!warned) {
      warned = true;
      log.error(
        'Something wrote to stdout, which the KCL daemon reads: it went to stderr. Log to stderr.',
      );
    }
    return (process.stderr.write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stdout.write = guarded;
  return {
    write: (chunk: string, callback: (error?: Error | null) => void) =>
      original.call(process.stdout, chunk, 'utf8', callback),
    restore: () => {
      process.stdout.write = original;
    },
  };
}
