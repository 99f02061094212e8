import type { KplLogger } from '@kpl-lambda/core';
import { writeLine } from './io.js';
import { oneLine } from './render.js';
import type { CliIo } from './types.js';

/**
 * The logger of the producer a command writes with (`kpl put`, `kpl redrive --to-stream`): its
 * warnings (a call that failed and is tried again, a permission missing) go where the command
 * says its own messages, `io.stderr`, one line each: `kpl COMMAND: message`. Its errors are the
 * records it gives up, which the command's summary reports, grouped, with their lines; its info
 * lines (a reshard it followed) change nothing the command does.
 */
export function producerLogger(
  command: string,
  io: CliIo,
): Pick<KplLogger, 'info' | 'warn' | 'error'> {
  const leftOut = () => {};
  return {
    info: leftOut,
    warn: (message: string) => {
      // Over the progress line of a terminal, as the summary is.
      const clear = io.stderr.isTTY === true ? '\r\u001b[K' : '';
      void writeLine(io.stderr, `${clear}${oneLine(`kpl ${command}: ${message}`)}`);
    },
    error: leftOut,
  };
}
