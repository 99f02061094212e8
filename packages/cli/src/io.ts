import { Buffer } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { KplCliStoppedError } from './errors.js';
import type { CliIo } from './types.js';

/** The whole input: the file named, or standard input for `-` or no name. */
export async function readInput(file: string | undefined, io: CliIo): Promise<Buffer> {
  if (file !== undefined && file !== '-') return readFile(file);
  const chunks: Buffer[] = [];
  const stdin = standardInput(io);
  const end = () => (stdin as { destroy?: () => void }).destroy?.();
  for await (const chunk of untilStopped(stdin, io.signal, end)) {
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** A line of the input and its number (1 for the first line, blank lines counted). */
export interface NumberedLine {
  number: number;
  text: string;
}

/**
 * The input's non-blank lines after the first `skip`, one at a time, without reading all of it
 * first. Numbers count every line, so that they are the ones an editor or `sed` shows.
 */
export async function* readLines(
  file: string | undefined,
  io: CliIo,
  skip = 0,
): AsyncGenerator<NumberedLine> {
  const fromFile = file !== undefined && file !== '-';
  const input = fromFile ? createReadStream(file) : standardInput(io);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  try {
    for await (const text of untilStopped(lines, io.signal, () => lines.close())) {
      number++;
      if (number > skip && text.trim() !== '') yield { number, text };
    }
  } finally {
    lines.close();
    if (fromFile) (input as ReturnType<typeof createReadStream>).destroy();
  }
}

/** Standard input, with a hint when it is a terminal: a command waiting there looks hung. */
function standardInput(io: CliIo): CliIo['stdin'] {
  if (io.stdin.isTTY === true) {
    io.stderr.write('reading standard input; pass a FILE or pipe one in (Ctrl-D ends it)\n');
  }
  return io.stdin;
}

/**
 * The items of `source` until `signal` aborts, then {@link KplCliStoppedError}: a read from a
 * terminal or a pipe that never ends must not outlive Ctrl-C. `end` ends the source then: an
 * iterator waiting for data finishes that wait before it can be returned.
 */
async function* untilStopped<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal | undefined,
  end: () => void,
): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  // Set at once: a promise runs its executor as it is made.
  let stop!: (error: KplCliStoppedError) => void;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  const onAbort = () => stop(new KplCliStoppedError());
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  // Only raced: it rejects when nothing may be listening any more.
  stopped.catch(() => {});
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), stopped]);
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) end();
    await iterator.return?.();
  }
}

/**
 * Writes a line to a stream, waiting when it is full (a pipe to `head`, a slow terminal); a
 * stream that was closed or broke takes nothing more, and is never waited for.
 */
export function writeLine(stream: CliIo['stdout'], line: string): Promise<void> | void {
  if ((stream as { destroyed?: boolean }).destroyed === true) return;
  if (stream.write(`${line}\n`)) return;
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}
