// Lambda's tumbling windows (TumblingWindowInSeconds), per shard: windows by approximate arrival
// time, state carried from one invocation of a window to the next, a final invocation when the
// window is over, a fresh state for the next window.
import type { _Record } from '@aws-sdk/client-kinesis';
import type { Outcome } from './lambdaRules.js';

/** What Lambda allows a window's state to weigh; past it, the window ends early. */
export const MAX_WINDOW_STATE_BYTES = 1_048_576;

/** A window's bounds, in epoch milliseconds. */
interface Bounds {
  start: number;
  end: number;
}

/** What an invocation inside a window adds to the event. */
export interface WindowEventFields {
  window: { start: string; end: string };
  state: Record<string, unknown>;
  shardId: string;
  eventSourceARN: string;
  isFinalInvokeForWindow: boolean;
  isWindowTerminatedEarly: boolean;
}

/** One shard's open window. */
interface OpenWindow extends Bounds {
  /** The state as the last accepted invocation returned it. */
  state: Record<string, unknown>;
  /** The state outgrew its limit: the next invocation ends the window early. */
  endsEarly: boolean;
}

/** Lambda writes window bounds without milliseconds: `2020-12-09T07:04:00Z`. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The windows of a mapping's shards. The mapping asks, before each batch, whether a final
 * invocation is due, and which records of a read belong to the open window.
 */
export class TumblingWindows {
  readonly #windowMs: number;
  readonly #clock: () => number;
  readonly #open = new Map<string, OpenWindow>();

  public constructor(seconds: number, clock: () => number) {
    this.#windowMs = seconds * 1000;
    this.#clock = clock;
  }

  /**
   * Whether the shard's open window needs its final invocation before `next` (the first record
   * read, or undefined when the shard is caught up or `ended`): its state outgrew the limit, a
   * record of a later window came, the shard ended, or, caught up, its end has passed.
   */
  public finalDue(shardId: string, next: _Record | undefined, ended: boolean): boolean {
    const open = this.#open.get(shardId);
    if (open === undefined) return false;
    if (open.endsEarly || ended) return true;
    if (next === undefined) return this.#clock() >= open.end;
    return this.#startOf(next) > open.start;
  }

  /** The records of `records` that belong to the shard's window, opened if none is. */
  public recordsOfWindow(shardId: string, records: _Record[]): _Record[] {
    let open = this.#open.get(shardId);
    if (open === undefined) {
      const start = this.#startOf(records[0]!);
      open = { start, end: start + this.#windowMs, state: {}, endsEarly: false };
      this.#open.set(shardId, open);
    }
    const end = open.end;
    const later = records.findIndex((record) => this.#startOf(record) >= end);
    return later === -1 ? records : records.slice(0, later);
  }

  /** What an invocation of the shard's open window adds to the event. */
  public eventFields(shardId: string, eventSourceARN: string, final: boolean): WindowEventFields {
    const open = this.#open.get(shardId)!;
    return {
      window: { start: isoSeconds(open.start), end: isoSeconds(open.end) },
      // A copy: a handler that changes the state it was given changes nothing Lambda keeps.
      state: structuredClone(open.state),
      shardId,
      eventSourceARN,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: open.endsEarly,
    };
  }

  /**
   * Keeps the state an accepted invocation returned (success or partial success); a failed
   * invocation keeps the state it was given, which its retry gets again.
   */
  public accept(shardId: string, outcome: Outcome): void {
    const open = this.#open.get(shardId);
    if (open === undefined || outcome.kind === 'error' || outcome.state === undefined) return;
    open.state = outcome.state;
    open.endsEarly = Buffer.byteLength(JSON.stringify(outcome.state)) > MAX_WINDOW_STATE_BYTES;
  }

  /**
   * The final invocation is done with (or given up): the window closes and its state is dropped.
   * A window that ended early goes on as a new one: windows are aligned on the epoch, so the
   * records after it open one with the same bounds, and a fresh state.
   */
  public close(shardId: string): void {
    this.#open.delete(shardId);
  }

  /** Windows are aligned on the epoch, as Lambda's: a record's window is where it arrived. */
  #startOf(record: _Record): number {
    /* v8 ignore next -- Kinesis gives every record its arrival, which the SDK types optional */
    const arrival = record.ApproximateArrivalTimestamp?.getTime() ?? this.#clock();
    return arrival - (arrival % this.#windowMs);
  }
}
