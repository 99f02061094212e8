import { PassThrough } from 'node:stream';
import { type RecordProcessor, type StartOptions, start } from '@kpl-lambda/kcl';
import { processRecords } from './fakeDaemon.js';

export const quiet = { info() {}, warn() {}, error() {} };

/** 150 user records of one aggregate, as a shard's first batch. */
export const firstBatch = processRecords(
  Array.from({ length: 150 }, (_, i): [string, number, string] => ['1', i, `r${i}`]),
);

/**
 * Starts `processor` on a daemon whose input already holds a shard's first messages and then
 * ends, so that nothing waits: what `start` settled with, what it wrote back, and how much of the
 * input it left unread.
 */
export async function startOn(
  processor: unknown,
  options: unknown = {},
  messages: object[] = [{ action: 'initialize', shardId: 'shardId-1' }, firstBatch],
): Promise<{ error: unknown; replies: string; unread: number }> {
  const input = new PassThrough();
  const output = new PassThrough();
  input.end(messages.map((message) => `${JSON.stringify(message)}\n`).join(''));
  const error = await start(processor as RecordProcessor, {
    input,
    output,
    logger: quiet,
    ...(options as StartOptions),
  }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  output.end();
  return { error, replies: String(output.read() ?? ''), unread: input.readableLength };
}
