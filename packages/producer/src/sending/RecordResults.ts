import { isAggregated } from '@kpl-lambda/core';
import { EXPIRED } from '../constants.js';
import { KplUndeliverableRecordError } from '../errors.js';
import type { HeldRecords, UserRecordsTally } from '../HeldRecords.js';
import type { ProducerCounters, PutResult } from '../types.js';
import { heldBytesOfEach, type MeasureOptions } from '../userRecords.js';
import type { KinesisRecordQueues, QueuedKinesisRecord } from './KinesisRecordQueues.js';
import { expiredFailure, type Failure } from './RetryPolicy.js';

/** The promise of a user record put with `putWithResult`, settled once. */
interface Waiter {
  resolve: (result: PutResult) => void;
  reject: (error: KplUndeliverableRecordError) => void;
}

/**
 * Settles user records, written or given up, everywhere it must be told: the accounting of what
 * the producer holds (which tells the flushes waiting and `onUndeliverable`), the failure counts,
 * and the promises of the records put with `putWithResult`. Records put with `put` have no
 * promise: settling them costs one look at an empty map per Kinesis record.
 */
export class RecordResults {
  readonly #held: HeldRecords;
  readonly #counters: ProducerCounters;
  /** By put sequence number. */
  readonly #waiting = new Map<number, Waiter>();

  public constructor(held: HeldRecords, counters: ProducerCounters) {
    this.#held = held;
    this.#counters = counters;
  }

  /** A promise for the user record to be put with this sequence number. */
  public expect(sequence: number): Promise<PutResult> {
    return new Promise((resolve, reject) => this.#waiting.set(sequence, { resolve, reject }));
  }

  /** Gives up the queued records put `ttlMs` ago or more, and those behind them that were too. */
  public giveUpExpired(
    queues: KinesisRecordQueues,
    now: number,
    ttlMs: number,
    measure: MeasureOptions,
  ): void {
    if (ttlMs === Number.POSITIVE_INFINITY) return;
    for (const expired of queues.takeExpired(now, ttlMs)) {
      const failure = expiredFailure(ttlMs, expired.lastErrorCode);
      this.givenUp(expired, failure, heldBytesOfEach(expired, measure));
    }
  }

  /** The record was refused at put: no promise for it settles. */
  public forget(sequence: number): void {
    this.#waiting.delete(sequence);
  }

  /** A Kinesis record was written, on `shardId` under `sequenceNumber`. */
  public written(
    kinesisRecord: QueuedKinesisRecord,
    shardId: string | undefined,
    sequenceNumber: string | undefined,
  ): void {
    this.#held.written(kinesisRecord);
    if (this.#waiting.size === 0) return;
    const aggregated = isAggregated(kinesisRecord.entry.Data!);
    kinesisRecord.sequences.forEach((sequence, i) => {
      this.#take(sequence)?.resolve({
        /* v8 ignore next 2 -- Kinesis answers a written entry with both, which the SDK types optional */
        shardId: shardId ?? '',
        sequenceNumber: sequenceNumber ?? '',
        subSequenceNumber: aggregated ? i : 0,
        aggregated,
        attempts: kinesisRecord.attempts,
      });
    });
  }

  /** User records were given up (`bytesOfEach`: what each was held for; see `HeldRecords`). */
  public givenUp(settled: UserRecordsTally, failure: Failure, bytesOfEach: number[]): void {
    const count = settled.sources.length;
    this.#counters.failedUserRecords += count;
    if (failure.code === EXPIRED) this.#counters.expiredUserRecords += count;
    if (this.#waiting.size > 0) {
      settled.sequences.forEach((sequence, i) => {
        this.#take(sequence)?.reject(
          new KplUndeliverableRecordError({
            record: settled.sources[i]!,
            errorCode: failure.code,
            errorMessage: failure.message,
          }),
        );
      });
    }
    this.#held.givenUp(settled, failure, bytesOfEach);
  }

  #take(sequence: number): Waiter | undefined {
    const waiter = this.#waiting.get(sequence);
    if (waiter !== undefined) this.#waiting.delete(sequence);
    return waiter;
  }
}
