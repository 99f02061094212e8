import type { KplLogger } from '@kpl-lambda/core';
import type { Failure } from './sending/RetryPolicy.js';
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

/** A user record given up, held until it is handed over (see `HeldRecords`). */
interface GivenUpRecord {
  undeliverable: UndeliverableRecord;
  sequence: number;
  /** What it was held for since its put. */
  bytes: number;
  /** The flushes that are to report it and have not resolved (one for the next, when none waits). */
  reports: number;
}

/** A flush waiting for the user records that were held when it was called. */
interface FlushBarrier {
  /** Put sequence numbers below this were held when the flush was called. */
  upTo: number;
  /** Of those, how many are not yet written or handed over. */
  pending: number;
  undeliverable: GivenUpRecord[];
  resolve: (undeliverable: UndeliverableRecord[]) => void;
}

/** The bounds, and who takes the records given up instead of `flush()`. */
export interface HeldRecordsOptions {
  maxBufferedRecords: number;
  maxBufferedBytes: number;
  onUndeliverable?: ((undeliverable: UndeliverableRecord) => unknown) | undefined;
}

/**
 * The accounting of the user records a producer holds, from `put` until each is written or handed
 * over: the bounds, the flushes waiting, and who is told of each record given up. A flush is a
 * barrier by put order: it waits for every record held when it was called, and is told of each of
 * them that is given up (so two callers that flush at once each learn of their own records);
 * a record given up while no flush waits for it is kept for the next flush.
 *
 * A record given up is held, and counts against the bounds, until it is handed over: to
 * `onUndeliverable` when there is one (once what it returned settles; if it throws or rejects, the
 * record is reported by flush as without it), else to every flush that reports it. So a producer
 * that never flushes holds a bounded number of them, and gives backpressure when they fill it.
 */
export class HeldRecords {
  /** Put and not yet written or handed over: buffered, and given up. */
  #records = 0;
  #bytes = 0;
  /** Of those, the ones given up. */
  #givenUpRecords = 0;
  #givenUpBytes = 0;
  /** Of those, the ones whose `onUndeliverable` has not settled: flushes wait for them. */
  #handingOver = 0;
  readonly #barriers = new Set<FlushBarrier>();
  #unreported: GivenUpRecord[] = [];
  #writableWaiters: Array<() => void> = [];
  readonly #options: HeldRecordsOptions;
  readonly #log: KplLogger;
  #saidHandOverFailed = false;
  #saidFullOfGivenUp = false;

  public constructor(options: HeldRecordsOptions, log: KplLogger) {
    this.#options = options;
    this.#log = log;
  }

  /** User records held, the given up ones included. */
  public get records(): number {
    return this.#records;
  }

  public get bytes(): number {
    return this.#bytes;
  }

  /** User records given up and not yet handed over. */
  public get givenUpRecords(): number {
    return this.#givenUpRecords;
  }

  public get givenUpBytes(): number {
    return this.#givenUpBytes;
  }

  /** Under both bounds: `put` takes another record. */
  public get writable(): boolean {
    return (
      this.#records < this.#options.maxBufferedRecords &&
      this.#bytes < this.#options.maxBufferedBytes
    );
  }

  /** A flush waits: everything buffered, open aggregates included, should go now. */
  public get flushing(): boolean {
    return this.#barriers.size > 0;
  }

  /** Someone waits (a flush, or for room): what is queued should go now, without its linger. */
  public get urgent(): boolean {
    return this.#barriers.size > 0 || this.#writableWaiters.length > 0 || !this.writable;
  }

  public hold(userRecord: BufferedUserRecord): void {
    this.#records++;
    this.#bytes += userRecord.bytes;
  }

  /**
   * User records were written: they are no longer held. Taken together (those of one Kinesis
   * record) so that each flush waiting is visited once, not once per record.
   */
  public written(settled: UserRecordsTally): void {
    const { sources, sequences, heldBytes, lastSequence } = settled;
    this.#records -= sources.length;
    this.#bytes -= heldBytes;
    for (const barrier of this.#barriers) {
      let covered = sources.length;
      // Unless all were held when the flush was called, they are counted one by one.
      if (lastSequence >= barrier.upTo) {
        covered = 0;
        for (const sequence of sequences) if (sequence < barrier.upTo) covered++;
      }
      this.#settledFor(barrier, covered);
    }
    this.#wakeWritableWaiters();
  }

  /**
   * User records were given up (`bytesOfEach`: what each was held for): each is handed to
   * `onUndeliverable`, or else reported by the flushes that wait for it, or by the next one.
   */
  public givenUp(settled: UserRecordsTally, failure: Failure, bytesOfEach: number[]): void {
    const givenUp = settled.sources.map(
      (record, i): GivenUpRecord => ({
        undeliverable: { record, errorCode: failure.code, errorMessage: failure.message },
        sequence: settled.sequences[i]!,
        bytes: bytesOfEach[i]!,
        reports: 0,
      }),
    );
    this.#givenUpRecords += givenUp.length;
    for (const { bytes } of givenUp) this.#givenUpBytes += bytes;
    const handler = this.#options.onUndeliverable;
    if (handler === undefined) {
      for (const record of givenUp) this.#report(record);
      this.#sayIfFullOfGivenUp();
      return;
    }
    // Counted before the first is handed over: a flush called from the handler waits for all.
    this.#handingOver += givenUp.length;
    for (const record of givenUp) {
      let taking: Promise<unknown>;
      try {
        taking = Promise.resolve(handler(record.undeliverable));
      } catch (error) {
        taking = Promise.reject(error);
      }
      taking.then(
        () => this.#handedOver(record),
        (error: unknown) => this.#handOverFailed(record, error),
      );
    }
  }

  /**
   * Resolves with the records given up among those held now (`upTo` is the next put sequence
   * number), and those given up earlier that no flush reported, once every one is settled.
   */
  public flush(upTo: number): Promise<UndeliverableRecord[]> {
    return new Promise((resolve) => {
      const barrier: FlushBarrier = {
        upTo,
        pending: this.#records - this.#givenUpRecords + this.#handingOver,
        undeliverable: this.#unreported,
        resolve,
      };
      this.#unreported = [];
      if (barrier.pending === 0) this.#resolve(barrier);
      else this.#barriers.add(barrier);
    });
  }

  /** Resolves once a record can be put again. */
  public whenWritable(): Promise<void> {
    if (this.writable) return Promise.resolve();
    return new Promise((resolve) => this.#writableWaiters.push(resolve));
  }

  #handedOver(record: GivenUpRecord): void {
    this.#handingOver--;
    this.#release(record);
    for (const barrier of this.#barriers) {
      if (record.sequence < barrier.upTo) this.#settledFor(barrier, 1);
    }
  }

  #handOverFailed(record: GivenUpRecord, error: unknown): void {
    this.#handingOver--;
    if (!this.#saidHandOverFailed) {
      this.#saidHandOverFailed = true;
      this.#log.warn(
        'onUndeliverable threw or rejected: the records it did not take are held for flush() to report (said once)',
        { error },
      );
    }
    this.#report(record);
  }

  /** Tells every flush that waits for the record, or keeps it for the next one. */
  #report(record: GivenUpRecord): void {
    const done: FlushBarrier[] = [];
    for (const barrier of this.#barriers) {
      if (record.sequence >= barrier.upTo) continue;
      barrier.undeliverable.push(record);
      record.reports++;
      if (--barrier.pending === 0) done.push(barrier);
    }
    if (record.reports === 0) {
      record.reports = 1;
      this.#unreported.push(record);
    }
    // Only now: a flush that resolves lets go of its records, this one among them.
    for (const barrier of done) this.#resolve(barrier);
  }

  #settledFor(barrier: FlushBarrier, count: number): void {
    barrier.pending -= count;
    if (count > 0 && barrier.pending === 0) this.#resolve(barrier);
  }

  #resolve(barrier: FlushBarrier): void {
    this.#barriers.delete(barrier);
    for (const record of barrier.undeliverable) {
      if (--record.reports === 0) this.#release(record);
    }
    barrier.resolve(barrier.undeliverable.map(({ undeliverable }) => undeliverable));
  }

  /** A record given up is handed over: it is no longer held. */
  #release({ bytes }: GivenUpRecord): void {
    this.#records--;
    this.#bytes -= bytes;
    this.#givenUpRecords--;
    this.#givenUpBytes -= bytes;
    this.#wakeWritableWaiters();
  }

  #wakeWritableWaiters(): void {
    if (this.#writableWaiters.length === 0 || !this.writable) return;
    const waiters = this.#writableWaiters;
    this.#writableWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Said once, when records given up that no flush waits for are part of what fills the producer:
   * one that never flushes would otherwise wait for room without a word.
   */
  #sayIfFullOfGivenUp(): void {
    if (this.writable || this.#saidFullOfGivenUp || this.#unreported.length === 0) return;
    this.#saidFullOfGivenUp = true;
    this.#log.warn(
      'The producer is full, and records given up are part of what it holds: they are held until flush() reports them. Call flush(), or give the producer onUndeliverable to take each record as it is given up (said once)',
      { givenUpRecords: this.#givenUpRecords, givenUpBytes: this.#givenUpBytes },
    );
  }
}
