import { PassThrough, Readable } from 'node:stream';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { main } from '@kpl-lambda/cli';

/** What one run of `kpl` printed, and its exit code. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines, parsed. */
  lines: Array<Record<string, unknown>>;
}

/** What a run is given besides its arguments. */
export interface RunOptions {
  /** Standard input: its whole text, or a stream (one that never ends, a terminal's). */
  stdin?: string | Buffer | NodeJS.ReadableStream;
  /** The Kinesis client every command uses; otherwise each makes its own. */
  client?: KinesisClient;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Standard output and error are a terminal's (`isTTY`), `columns` wide when it says. */
  terminal?: { columns?: number };
}

/** Runs `kpl ...args` in this process, on the given standard input, as the binary would. */
export async function kpl(args: string[], options: RunOptions = {}): Promise<Run> {
  const terminal = options.terminal && { isTTY: true, columns: options.terminal.columns };
  const stdout = Object.assign(new PassThrough(), terminal);
  const stderr = Object.assign(new PassThrough(), terminal);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main(args, {
    stdin:
      typeof options.stdin === 'object' && 'on' in options.stdin
        ? options.stdin
        : Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout,
    stderr,
    env: options.env ?? {},
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.client === undefined ? {} : { kinesisClient: () => options.client! }),
  });
  const text = Buffer.concat(out).toString('utf8');
  return {
    code,
    stdout: text,
    stderr: Buffer.concat(err).toString('utf8'),
    lines: text
      .split('\n')
      // JSON lines; a pretty-printed document (kpl event) has none of its own.
      .filter((line) => line.startsWith('{') && line.endsWith('}'))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
