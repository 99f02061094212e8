import { type KplLogger, safeLogger } from '@kpl-lambda/core';
import { BurstClock } from './BurstClock.js';
import { KplProducerBufferFullError } from './errors.js';
import { HeldRecords, tallyOf } from './HeldRecords.js';
import { KinesisRecordQueues } from './KinesisRecordQueues.js';
import { type ClosedAggregate, OpenAggregates } from './OpenAggregates.js';
import { type ResolvedProducerOptions, resolveProducerOptions } from './options.js';
import { PartitionKeys } from './PartitionKeys.js';
import { PutRecordsSender } from './PutRecordsSender.js';
import { addProducerMetrics, zeroProducerMetrics } from './producerMetrics.js';
import { callFailure, type Failure } from './RetryPolicy.js';
import { ShardRouter } from './ShardRouter.js';
import type {
  FlushResult,
  KinesisProducerOptions,
  ProducerMetrics,
  ProducerRecord,
} from './types.js';
import {
  aggregatedKinesisRecord,
  type BufferedUserRecord,
  blankUserRecord,
  plainKinesisRecord,
  toBufferedUserRecord,
  userRecordsReadBack,
} from './userRecords.js';
import { WakeUpTimer } from './WakeUpTimer.js';

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
  public readonly metrics: ProducerMetrics = zeroProducerMetrics();

  /** What the `metrics` option was given so far. */
  #metricsAdded: ProducerMetrics = { ...this.metrics };
  readonly #options: ResolvedProducerOptions;
  readonly #log: KplLogger;
  readonly #sender: PutRecordsSender;
  readonly #router: ShardRouter;
  readonly #aggregates: OpenAggregates;
  readonly #queues = new KinesisRecordQueues();
  readonly #partitionKeys = new PartitionKeys();
  /** User records waiting for the shard map (put order). */
  #unrouted: BufferedUserRecord[] = [];
  /**
   * Every record put is measured into this one object: aggregates and plain Kinesis records keep
   * none of it but its source, so nothing per user record outlives its put (a quarter less memory
   * allocated for 100-byte records). A record that waits for the shard map is copied.
   */
  readonly #putting = blankUserRecord();
  /** Aggregating again for new shards: nothing is sent meanwhile. */
  #rerouting = false;
  #sequence = 0;
  readonly #held: HeldRecords;
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
    this.#log = safeLogger(this.#options.logger);
    this.#held = new HeldRecords(this.#options, this.#log);
    this.#sender = new PutRecordsSender({
      options: this.#options,
      queues: this.#queues,
      held: this.#held,
      metrics: this.metrics,
      log: this.#log,
      onMisrouted: () => {
        this.#router.markStale();
        this.#learnShardMap();
      },
    });
    this.#router = new ShardRouter(this.#options.shardMapMaxAgeMs);
    this.#aggregates = new OpenAggregates({
      maxBytes: this.#options.aggregationMaxBytes,
      maxRecords: this.#options.aggregationMaxCount,
      idleBytes: this.#options.maxBufferedBytes,
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
   * Buffers a user record, and returns whether the producer takes more (`writable`): after a
   * `false`, await {@link whenWritable} before the next `put`. Throws `KplInvalidRecordError` for
   * keys or data Kinesis would refuse (or data that cannot be serialised),
   * `KplRecordTooLargeError` when its data plus partition key exceed `maxRecordBytes`, and
   * `KplProducerBufferFullError` when the producer was full already: a record is refused here or
   * taken, never dropped later.
   */
  public put(record: ProducerRecord): boolean {
    if (!this.writable) throw this.#bufferFull();
    const userRecord = toBufferedUserRecord(
      record,
      this.#sequence,
      this.#clock.now(),
      this.#options,
      this.#partitionKeys,
      this.#putting,
    );
    this.#sequence++;
    this.#held.hold(userRecord);
    this.metrics.userRecordsPut++;
    if (this.#options.aggregate) this.#route(userRecord);
    else {
      // Without aggregation each user record is a Kinesis record, ordered per partition key.
      const group = `partition key ${userRecord.partitionKey}`;
      const dueAt = userRecord.putAt + this.#options.maxBufferedMs;
      this.#queues.enqueue(plainKinesisRecord(userRecord, group, undefined, dueAt));
    }
    this.#schedulePump();
    return this.writable;
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
    const { metrics } = this.#options;
    if (metrics !== undefined) {
      this.#metricsAdded = addProducerMetrics(metrics, this.metrics, this.#metricsAdded, (error) =>
        this.#log.warn('The metrics instance refused the producer metrics', { error }),
      );
    }
    return result;
  }

  /** Out of line: a put's bytecode is kept small enough for V8 to inline what it calls. */
  #bufferFull(): KplProducerBufferFullError {
    const held = this.#held;
    return new KplProducerBufferFullError(held.records, held.bytes, held.givenUpRecords);
  }

  /** Routes a user record; `mayLearn` is false for the records that just waited for a map. */
  #route(userRecord: BufferedUserRecord, mayLearn = true): void {
    // Behind records that wait, so that a key's records keep their order.
    if (
      this.#rerouting ||
      this.#unrouted.length > 0 ||
      // putAt is now for a record just put (the only kind that may learn).
      (mayLearn && this.#router.needsLearning(userRecord.putAt))
    ) {
      this.#waitForShardMap(userRecord);
      this.#learnShardMap();
      return;
    }
    const route = this.#router.route(userRecord);
    if (route === undefined) this.#waitForShardMap(userRecord);
    else this.#aggregateInto(route.group, route.shardId, userRecord);
  }

  /** Keeps a copy: the record put is measured into the one `#putting` object. */
  #waitForShardMap(userRecord: BufferedUserRecord): void {
    this.#unrouted.push({ ...userRecord });
  }

  #aggregateInto(group: string, shardId: string | undefined, userRecord: BufferedUserRecord): void {
    if (userRecord.bytes > this.#options.aggregationMaxBytes) {
      // Larger than an aggregate may be: sent alone, after what its group already holds.
      this.#enqueueAggregate(this.#aggregates.close(group));
      this.#queues.enqueue(plainKinesisRecord(userRecord, group, shardId, userRecord.putAt));
      return;
    }
    this.#enqueueAggregate(this.#aggregates.add(group, shardId, userRecord));
  }

  #enqueueAggregate(closed: ClosedAggregate | undefined): void {
    if (closed === undefined) return;
    this.#queues.enqueue(aggregatedKinesisRecord(closed));
  }

  /**
   * Starts learning the shard map, unless it is being learnt or records are aggregated again.
   * Checked before any promise is made: every record put meanwhile comes here.
   */
  #learnShardMap(): void {
    if (this.#router.learning || this.#rerouting) return;
    void this.#learnAndRouteWaiting();
  }

  /**
   * Learns the shard map, then routes the records that waited for it. When the routing changed
   * (resharding, or a first map after routing without one), every user record not yet sent is
   * aggregated again in put order, once no request is in flight: a record sent under the old
   * routing could otherwise be overtaken by a later one of the same key.
   */
  async #learnAndRouteWaiting(): Promise<void> {
    const { client, stream, shardMapMaxAgeMs } = this.#options;
    const outcome = await this.#router.learn(client, stream, callFailure, shardMapMaxAgeMs);
    if (outcome.kind === 'changed') {
      this.#log.info('Kinesis shards changed: aggregating again for the new shards');
      await this.#reaggregateUnsent();
    } else if (outcome.kind === 'failed') {
      this.#learningFailed(outcome.failure, outcome.withMap, outcome.firstFailure);
    }
    const unrouted = this.#unrouted;
    this.#unrouted = [];
    for (const userRecord of unrouted) this.#route(userRecord, false);
    this.#schedulePump();
  }

  #learningFailed(failure: Failure, withMap: boolean, firstFailure: boolean): void {
    const cause = `ListShards failed: ${failure.code}: ${failure.message}`;
    if (failure.fatal) {
      // No retry can fix it (the stream is not there): what waited for the map is given up now.
      this.#log.error(`${cause}. The user records that waited for the shard map are given up`, {
        userRecords: this.#unrouted.length,
      });
      const unrouted = this.#unrouted;
      this.#unrouted = [];
      const bytesOfEach = unrouted.map(({ bytes }) => bytes);
      this.#held.givenUp(tallyOf(unrouted), failure, bytesOfEach);
    } else if (firstFailure) {
      this.#log.warn(
        withMap
          ? `${cause}. Keeping the shard map learnt before, and trying again later`
          : `${cause}. No shard map: aggregating per explicit hash key or partition key until ListShards works`,
      );
    }
  }

  async #reaggregateUnsent(): Promise<void> {
    this.#rerouting = true;
    try {
      while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
      const unsent = [
        ...this.#queues.takeAll(),
        ...this.#aggregates.closeOpenedBy(Number.POSITIVE_INFINITY).map(aggregatedKinesisRecord),
      ].flatMap((kinesisRecord) =>
        userRecordsReadBack(kinesisRecord, this.#options, this.#partitionKeys),
      );
      this.#unrouted = [...unsent, ...this.#unrouted].sort((a, b) => a.sequence - b.sequence);
    } finally {
      this.#rerouting = false;
    }
  }

  /** Runs {@link #pump} after the current task: a burst of puts is batched first. */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(this.#scheduledPump);
  }

  /**
   * Sends what may be sent now, and sets the timer for what may be sent later. It never waits and
   * never loops without progress: completions, the timer, puts and flushes call it again.
   */
  #pump(): void {
    if (this.#rerouting) return;
    const now = Date.now();
    const urgent = this.#held.urgent;
    const openedBy = urgent ? Number.POSITIVE_INFINITY : now - this.#options.maxBufferedMs;
    for (const closed of this.#aggregates.closeOpenedBy(openedBy)) this.#enqueueAggregate(closed);
    while (this.#inFlight.size < this.#options.maxConcurrentRequests) {
      const request = this.#queues.nextRequest(now, urgent, this.#options);
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
      wakeAt = this.#queues.nextWakeAt(urgent) ?? wakeAt;
    }
    const oldest = this.#aggregates.oldestOpenedAt;
    if (oldest !== undefined) wakeAt = Math.min(wakeAt, oldest + this.#options.maxBufferedMs);
    this.#timer.set(wakeAt, now);
  }
}
