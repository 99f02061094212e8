// What daemon/child.mjs writes: one JSON line per user record it processed, and one per event.
import { existsSync, readFileSync } from 'node:fs';

/** Where a shard's child starts: its last checkpoint, or the initial position. */
export interface Initialize {
  shardId: string;
  sequenceNumber?: string;
  subSequenceNumber?: number;
}

/** One line of the child's output. */
export interface Line {
  shardId?: string;
  partitionKey?: string;
  sequenceNumber?: string;
  subSequenceNumber?: number;
  /** The user record's own fields, as produced. */
  i?: number;
  key?: string;
  initialize?: Initialize;
  shardEnded?: string;
  leaseLost?: string;
  shutdownRequested?: string;
}

export const linesOf = (out: string): Line[] =>
  existsSync(out)
    ? readFileSync(out, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Line)
    : [];

/** The lines of the user records processed (the others report events). */
export const userRecordLinesOf = (out: string): Line[] =>
  linesOf(out).filter((line) => line.i !== undefined);

/** Resolves once `done()`, checked every 250 ms; rejects after `timeoutMs`. */
export async function until(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not done in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
