import type { Failure } from './RetryPolicy.js';
import type { ProducerRecord, UndeliverableRecord } from './types.js';
import type { BufferedUserRecord } from './userRecords.js';

/**
 * User records settled together (those of one Kinesis record), as columns, with their bytes and
 * their last put tallied as they were gathered: settling them then reads none of them unless one
 * is given up. Columns, as an aggregate keeps nothing else of a user record until it is sent.
 */
export interface UserRecordsTally {
  /** The records as their user put them, in put order. */
  sources: readonly ProducerRecord[];
  /** Their put sequence numbers, in the same order. */
  sequences: readonly number[];
  /** The sum of their `bytes`. */
  heldBytes: number;
  /** The highest of their put sequence numbers. */
  lastSequence: number;
}

/** The tally of user records gathered some other way. */
export function tallyOf(userRecords: readonly BufferedUserRecord[]): UserRecordsTally {
  let heldBytes = 0;
  let lastSequence = -1;
  const sources: ProducerRecord[] = [];
  const sequences: number[] = [];
  for (const { bytes, sequence, source } of userRecords) {
    heldBytes += bytes;
    lastSequence = Math.max(lastSequence, sequence);
    sources.push(source);
    sequences.push(sequence);
  }
  return { sources, sequences, heldBytes, lastSequence };
}

/** A flush waiting for the user records that were held when it was called. */
interface FlushBarrier {
  /** Put sequence numbers below this were held when the flush was called. */
  upTo: number;
  /** Of those, how many are not yet written or given up. */
  pending: number;
  undeliverable: UndeliverableRecord[];
  resolve: () => void;
}

/**
 * The accounting of the user records a producer holds, from `put` until each is written or given
 * up: the bounds, the flushes waiting, and who is told of each record given up. A flush is a
 * barrier by put order: it waits for every record held when it was called, and is told of each of
 * them that is given up (so two callers that flush at once each learn of their own records);
 * a record given up while no flush waits for it is kept for the next flush.
 */
export class HeldRecords {
  #records = 0;
  #bytes = 0;
  readonly #barriers = new Set<FlushBarrier>();
  #unreported: UndeliverableRecord[] = [];
  #writableWaiters: Array<() => void> = [];
  readonly #bounds: { maxBufferedRecords: number; maxBufferedBytes: number };

  public constructor(bounds: { maxBufferedRecords: number; maxBufferedBytes: number }) {
    this.#bounds = bounds;
  }

  public get records(): number {
    return this.#records;
  }

  public get bytes(): number {
    return this.#bytes;
  }

  /** Under both bounds: `put` takes another record. */
  public get writable(): boolean {
    return (
      this.#records < this.#bounds.maxBufferedRecords && this.#bytes < this.#bounds.maxBufferedBytes
    );
  }

  /** Someone waits (a flush, or for room): everything buffered should go now. */
  public get urgent(): boolean {
    return this.#barriers.size > 0 || this.#writableWaiters.length > 0 || !this.writable;
  }

  public hold(userRecord: BufferedUserRecord): void {
    this.#records++;
    this.#bytes += userRecord.bytes;
  }

  /**
   * User records were written (no failure) or given up: they are no longer held. Taken together
   * (those of one Kinesis record) so that each flush waiting is visited once, not once per record.
   */
  public settle(settled: UserRecordsTally, failure: Failure | undefined): void {
    const { sources, sequences, heldBytes, lastSequence } = settled;
    this.#records -= sources.length;
    this.#bytes -= heldBytes;
    const undeliverable = failure && sources.map((source) => toUndeliverable(source, failure));
    const unreported = new Set(undeliverable);
    for (const barrier of this.#barriers) {
      let covered = 0;
      if (undeliverable === undefined && lastSequence < barrier.upTo) {
        // Written, and all held when the flush was called: nothing to count one by one.
        covered = sources.length;
      } else {
        for (let i = 0; i < sequences.length; i++) {
          if (sequences[i]! >= barrier.upTo) continue;
          covered++;
          if (undeliverable) {
            barrier.undeliverable.push(undeliverable[i]!);
            unreported.delete(undeliverable[i]!);
          }
        }
      }
      barrier.pending -= covered;
      if (covered > 0 && barrier.pending === 0) {
        this.#barriers.delete(barrier);
        barrier.resolve();
      }
    }
    for (const record of unreported) this.#unreported.push(record);
    if (this.#writableWaiters.length > 0 && this.writable) {
      const waiters = this.#writableWaiters;
      this.#writableWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /**
   * Resolves with the records given up among those held now (`upTo` is the next put sequence
   * number), and those given up earlier that no flush reported, once every one is settled.
   */
  public async flush(upTo: number): Promise<UndeliverableRecord[]> {
    const undeliverable = this.#unreported;
    this.#unreported = [];
    if (this.#records > 0) {
      await new Promise<void>((resolve) => {
        this.#barriers.add({ upTo, pending: this.#records, undeliverable, resolve });
      });
    }
    return undeliverable;
  }

  /** Resolves once a record can be put again. */
  public whenWritable(): Promise<void> {
    if (this.writable) return Promise.resolve();
    return new Promise((resolve) => this.#writableWaiters.push(resolve));
  }
}

function toUndeliverable(source: ProducerRecord, failure: Failure): UndeliverableRecord {
  return { record: source, errorCode: failure.code, errorMessage: failure.message };
}
