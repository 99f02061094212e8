import type { KplLogger } from '@kpl-lambda/core';
import { loggerOf } from '@kpl-lambda/core/internal';
import { KplProducerBufferFullError } from './errors.js';
import { HeldRecords } from './HeldRecords.js';
import { type ResolvedProducerOptions, resolveProducerOptions } from './options.js';
import { producerMetricsAdder, zeroProducerCounters } from './producerMetrics.js';
import { PartitionKeys } from './routing/PartitionKeys.js';
import type { ProducerLimits } from './routing/placement.js';
import { RecordPlacement } from './routing/RecordPlacement.js';
import { BurstClock } from './sending/BurstClock.js';
import { KinesisRecordQueues } from './sending/KinesisRecordQueues.js';
import { PutRecordsSender } from './sending/PutRecordsSender.js';
import { RecordResults } from './sending/RecordResults.js';
import { WakeUpTimer } from './sending/WakeUpTimer.js';
import type {
  FlushResult,
  KinesisProducerOptions,
  ProducerCounters,
  ProducerRecord,
  PutResult,
} from './types.js';
import { blankUserRecord, toBufferedUserRecord } from './userRecords.js';

/**
 * An aggregating, shard-aware, batching producer on the AWS SDK v3 Kinesis client.
 *
 * `put` buffers user records; with aggregation on (the default) they are packed into KPL
 * aggregates, one per shard, using the hash-key ranges `ListShards` gives, so every user record
 * lands on the shard its key belongs to. A full aggregate is sent at once, and nothing waits
 * longer than `maxBufferedMs` (100 ms), as with the KPL; `flush` sends everything and resolves
 * once all of it is written or given up. Failed entries are retried with exponential backoff and
 * full jitter, a bounded number of times; what is finally undeliverable comes back from `flush` as
 * the original records with their error codes, or is handed to `onUndeliverable` as it is given up.
 *
 * Records with the same partition key reach Kinesis in the order they were put, retries and
 * resharding included: each shard (or, without aggregation, each partition key) has one queue, and
 * only its head is ever in flight. What a producer holds is bounded (`maxBufferedRecords`,
 * `maxBufferedBytes`): `put` returns `false` when the bound is reached; await `whenWritable()`.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 * import { KinesisProducer } from '@kpl-lambda/producer';
 *
 * const producer = new KinesisProducer({ client: new KinesisClient({}), streamName: 'orders' });
 *
 * export const handler = async (event: { orders: Array<{ orderId: string }> }) => {
 *   for (const order of event.orders) producer.put({ data: order, partitionKey: order.orderId });
 *   const { undeliverable } = await producer.flush();
 *   if (undeliverable.length > 0) throw new Error(`${undeliverable.length} orders not written`);
 * };
 * ```
 */
export class KinesisProducer {
  /** Counters since the producer was made: read them, or publish them as metrics. */
  public readonly counters: ProducerCounters = zeroProducerCounters();

  /** Adds to the `metrics` option what changed since the last flush. */
  readonly #addMetrics: () => void;
  readonly #options: ResolvedProducerOptions;
  readonly #log: KplLogger;
  readonly #sender: PutRecordsSender;
  readonly #placement: RecordPlacement;
  /** The bounds in force, as the stream set them (the placement's, updated as it learns). */
  readonly #limits: ProducerLimits;
  readonly #queues = new KinesisRecordQueues(this.counters);
  readonly #partitionKeys = new PartitionKeys();
  /**
   * Every record put is measured into this one object: aggregates and plain Kinesis records keep
   * only its source, so nothing per user record outlives its put (one that waits gets its own).
   */
  readonly #putting = blankUserRecord();
  #sequence = 0;
  readonly #held: HeldRecords;
  readonly #results: RecordResults;
  /** How long an aggregate stays open: `maxBufferedMs`, and never past its time to live. */
  readonly #lingerMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  #pumpScheduled = false;
  // Made once, not in #schedulePump: a closure there costs a context allocation at every put.
  readonly #scheduledPump = (): void => {
    this.#pumpScheduled = false;
    this.#pump();
  };
  readonly #timer = new WakeUpTimer(() => this.#pump());
  readonly #clock = new BurstClock();

  public constructor(options: KinesisProducerOptions) {
    this.#options = resolveProducerOptions(options);
    this.#log = loggerOf(this.#options.logger);
    this.#addMetrics = producerMetricsAdder(this.#options.metrics, this.counters, this.#log);
    this.#held = new HeldRecords(this.#options, this.#log);
    this.#results = new RecordResults(this.#held, this.counters);
    this.#lingerMs = Math.min(this.#options.maxBufferedMs, this.#options.recordTtlMs);
    this.#placement = new RecordPlacement({
      options: this.#options,
      queues: this.#queues,
      results: this.#results,
      partitionKeys: this.#partitionKeys,
      log: this.#log,
      inFlight: this.#inFlight,
      schedulePump: () => this.#schedulePump(),
    });
    this.#limits = this.#placement.limits;
    this.#sender = new PutRecordsSender({
      options: this.#options,
      measure: this.#limits,
      queues: this.#queues,
      results: this.#results,
      counters: this.counters,
      log: this.#log,
      onMisrouted: () => this.#placement.markStale(),
    });
  }

  /** User records put and not yet written or given up. */
  public get bufferedRecords(): number {
    return this.#held.records - this.#held.givenUpRecords;
  }

  /** Bytes (data plus partition keys) of the user records put and not yet written or given up. */
  public get bufferedBytes(): number {
    return this.#held.bytes - this.#held.givenUpBytes;
  }

  /**
   * User records given up and still held: until a `flush()` reports them, or, with
   * `onUndeliverable`, until what it returned for them settles (if it throws or rejects, until a
   * `flush()` reports them). They count against `maxBufferedRecords` and `maxBufferedBytes` as
   * `bufferedRecords` do: a producer without `onUndeliverable` that never flushes fills up with
   * them, and gives backpressure.
   */
  public get undeliverableRecords(): number {
    return this.#held.givenUpRecords;
  }

  /** Bytes (data plus partition keys) of the {@link undeliverableRecords}. */
  public get undeliverableBytes(): number {
    return this.#held.givenUpBytes;
  }

  /**
   * Whether `put` takes another record now: what is held (`bufferedRecords` and
   * `undeliverableRecords`, and their bytes) is under both bounds.
   */
  public get writable(): boolean {
    return this.#held.writable;
  }

  /**
   * Resolves once the producer knows its stream (record distribution, record size, shard map),
   * which it asks from the moment it is made. Awaited at module scope, Lambda's init phase pays
   * for it, and the first invocation's records go straight to their shards' aggregates. Never
   * rejects: a stream that cannot be learnt is handled by `put` and `flush` as always.
   *
   * @example
   * ```ts
   * const producer = new KinesisProducer({ client: new KinesisClient({}), streamName: 'orders' });
   * await producer.ready();
   * ```
   */
  public ready(): Promise<void> {
    return this.#placement.whenLearnt();
  }

  /**
   * Buffers a user record, and returns whether the producer takes more (`writable`): after a
   * `false`, await {@link whenWritable} before the next `put`. Throws `KplInvalidRecordError` for
   * keys or data Kinesis would refuse (or data that cannot be serialised),
   * `KplRecordTooLargeError` when its data plus partition key exceed `maxRecordBytes`,
   * `KplProducerBufferFullError` when the producer was full already, and
   * `KplProducerConfigurationError` while the stream turned out to be one the options cannot work
   * on (`aggregate: true` on a service-managed stream): a record is refused here or taken, never
   * dropped later.
   */
  public put(record: ProducerRecord): boolean {
    if (!this.writable) throw this.#bufferFull();
    const putAt = this.#clock.now();
    const waits = this.#placement.mustWait(putAt);
    if (waits) this.#placement.throwIfRefused();
    // One that waits is kept: it gets an object of its own, and is not copied. Its sequence is
    // taken before the user's code runs (partitionKeyFrom, toJSON), which may put a record too.
    const userRecord = toBufferedUserRecord(
      record,
      this.#sequence++,
      putAt,
      waits ? this.#placement.waitingLimits : this.#limits,
      this.#partitionKeys,
      waits ? blankUserRecord() : this.#putting,
    );
    this.#held.hold(userRecord);
    this.counters.userRecordsPut++;
    if (waits) this.#placement.wait(userRecord);
    else this.#placement.place(userRecord);
    this.#schedulePump();
    return this.writable;
  }

  /**
   * Puts a user record, as {@link put} does (and throws what it throws, taking nothing), and
   * returns a promise of where it was written: its shard, sequence number (and position in its
   * aggregate) and the attempts it took. The promise rejects with `KplUndeliverableRecordError`
   * (the record and its last error code) when the record is given up; the record also goes to
   * `onUndeliverable`, or to the `flush()` that waits for it, as every record given up does. Await
   * it or handle its rejection, as any promise. `put` stays the faster way when no answer per
   * record is needed. Check `writable` (or await `whenWritable()`) as with `put`.
   */
  public putWithResult(record: ProducerRecord): Promise<PutResult> {
    const sequence = this.#sequence;
    const result = this.#results.expect(sequence);
    try {
      this.put(record);
    } catch (error) {
      this.#results.forget(sequence);
      throw error;
    }
    return result;
  }

  /** Buffers user records, as {@link put} does for each; returns what the last `put` returned. */
  public putMany(records: Iterable<ProducerRecord>): boolean {
    let writable = this.writable;
    for (const record of records) writable = this.put(record);
    return writable;
  }

  /** Resolves once the producer takes records again (at once when it does), sending meanwhile. */
  public whenWritable(): Promise<void> {
    const writable = this.#held.whenWritable();
    this.#schedulePump();
    return writable;
  }

  /**
   * Sends everything buffered, and resolves when every user record held at the call is written or
   * given up (with `onUndeliverable`: handed to it, and what it returned settled). Reports every
   * one of those given up that `onUndeliverable` did not take (also to concurrent flushes that
   * waited for it), and those given up earlier that no flush has reported yet. Never rejects.
   */
  public async flush(): Promise<FlushResult> {
    const undeliverable = this.#held.flush(this.#sequence);
    this.#schedulePump();
    const result = { undeliverable: await undeliverable };
    this.#addMetrics();
    return result;
  }

  /** Out of line: a put's bytecode is kept small enough for V8 to inline what it calls. */
  #bufferFull(): KplProducerBufferFullError {
    const held = this.#held;
    return new KplProducerBufferFullError(held.records, held.bytes, held.givenUpRecords);
  }

  /** Runs {@link #pump} after the current task: a burst of puts is batched first. */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(this.#scheduledPump);
  }

  /**
   * Sends what may be sent now, gives up what outlived its time to live, and sets the timer for
   * what may be sent later. It never waits and never loops without progress: completions, the
   * timer, puts and flushes call it again.
   */
  #pump(): void {
    if (this.#placement.rerouting) return;
    const now = Date.now();
    const urgent = this.#held.urgent;
    // A flush sends every open aggregate now. A producer waiting for room closes them only when
    // nothing queued or in flight will free it: they would otherwise go out part-full, each time
    // the buffer fills, and cost PUT payload units.
    const closeAll = this.#held.flushing || (urgent && this.#queues.empty);
    this.#placement.closeAggregatesOpenedBy(
      closeAll ? Number.POSITIVE_INFINITY : now - this.#lingerMs,
    );
    this.#results.giveUpExpired(this.#queues, now, this.#options.recordTtlMs, this.#limits);
    while (this.#inFlight.size < this.#options.maxConcurrentRequests) {
      const request = this.#queues.nextRequest(now, urgent, this.#limits);
      if (request === undefined) break;
      const sending: Promise<void> = this.#sender.send(request).finally(() => {
        this.#inFlight.delete(sending);
        this.#schedulePump();
      });
      this.#inFlight.add(sending);
    }
    this.#setTimer(now, urgent);
  }

  #setTimer(now: number, urgent: boolean): void {
    let wakeAt = Number.POSITIVE_INFINITY;
    if (this.#inFlight.size < this.#options.maxConcurrentRequests) {
      const { rateLimiter } = this.#limits;
      wakeAt = this.#queues.nextWakeAt(urgent, rateLimiter, this.#options.recordTtlMs) ?? wakeAt;
    }
    const oldest = this.#placement.oldestOpenedAt;
    if (oldest !== undefined) wakeAt = Math.min(wakeAt, oldest + this.#lingerMs);
    this.#timer.set(wakeAt, now);
  }
}
