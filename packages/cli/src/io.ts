import { Buffer } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { CliIo } from './types.js';

/** The whole input: the file named, or standard input for `-` or no name. */
export async function readInput(file: string | undefined, io: CliIo): Promise<Buffer> {
  if (file !== undefined && file !== '-') return readFile(file);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The input's non-empty lines, one at a time, without reading all of it first. */
export async function* readLines(file: string | undefined, io: CliIo): AsyncGenerator<string> {
  const input =
    file !== undefined && file !== '-'
      ? (await import('node:fs')).createReadStream(file)
      : io.stdin;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() !== '') yield line;
  }
}

/** Writes a line to a stream, waiting when it is full (a pipe to `head`, a slow terminal). */
export function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> | void {
  if (stream.write(`${line}\n`)) return;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}
