import type { HeldRecords, UserRecordsTally } from './HeldRecords.js';
import type { QueuedKinesisRecord } from './KinesisRecordQueues.js';
import type { Failure } from './RetryPolicy.js';
import type { ProducerMetrics } from './types.js';

/**
 * Settles user records, written or given up, everywhere it must be told: the accounting of what
 * the producer holds (which tells the flushes waiting and `onUndeliverable`), and the failure
 * counts. One place, whichever part of the producer settles them.
 */
export class RecordResults {
  readonly #held: HeldRecords;
  readonly #metrics: ProducerMetrics;

  public constructor(held: HeldRecords, metrics: ProducerMetrics) {
    this.#held = held;
    this.#metrics = metrics;
  }

  /** A Kinesis record was written. */
  public written(kinesisRecord: QueuedKinesisRecord): void {
    this.#held.written(kinesisRecord);
  }

  /** User records were given up (`bytesOfEach`: what each was held for; see `HeldRecords`). */
  public givenUp(settled: UserRecordsTally, failure: Failure, bytesOfEach: number[]): void {
    this.#metrics.failedUserRecords += settled.sources.length;
    this.#held.givenUp(settled, failure, bytesOfEach);
  }
}
