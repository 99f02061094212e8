import { KplRecordTooLargeError } from '@kpl-lambda/core';
import { Aggregation } from '../aggregation/Aggregation.js';
import { plainKinesisRecord } from '../aggregation/kinesisRecords.js';
import { ORDERED_GROUPS_ON_AUTO, OrderedGroups } from '../aggregation/OrderedGroups.js';
import { KplProducerConfigurationError } from '../errors.js';
import { tallyOf } from '../HeldRecords.js';
import { AGGREGATION_ON_AUTO } from '../options.js';
import { callFailure, type Failure, failureOf } from '../sending/RetryPolicy.js';
import { ShardRateLimiter } from '../sending/ShardRateLimiter.js';
import { type BufferedUserRecord, givePartitionKey, userRecordsReadBack } from '../userRecords.js';
import {
  type PlacementMode,
  type ProducerLimits,
  placementOf,
  type RecordPlacementContext,
} from './placement.js';
import { ShardRouter } from './ShardRouter.js';
import { StreamFacts } from './StreamFacts.js';

/**
 * Where each user record goes, and what that depends on: the stream's record distribution and
 * record size (`StreamFacts`) and its shards (`ShardRouter`). Both are learnt in one pass, begun
 * as soon as the producer is made and again when they are stale; records put meanwhile wait, in
 * put order, and are placed when the pass ends. When the pass finds the routing changed (the
 * shards, or the stream's distribution), every user record not yet sent is placed again in put
 * order, once no request is in flight: a record sent under the old routing could otherwise be
 * overtaken by a later one of the same key.
 */
export class RecordPlacement {
  /** The bounds and ways of measuring in force, updated as the stream is learnt. */
  public readonly limits: ProducerLimits;
  /**
   * The same for a record that waits: it gets no random key yet (the stream may turn out to take
   * none); `#placeWaited` gives it one if it needs it.
   */
  public readonly waitingLimits: ProducerLimits;
  readonly #context: RecordPlacementContext;
  readonly #facts: StreamFacts;
  readonly #router: ShardRouter;
  readonly #aggregation: Aggregation;
  /** With `orderedGroupsPerShard`: how aggregates are grouped and keyed. */
  readonly #groups: OrderedGroups | undefined;
  #saidGroupsDoNothing = false;
  #mode: PlacementMode = 'aggregate';
  /** Set while the options cannot work on the stream (`aggregate: true` on `AUTO`). */
  #refusal: KplProducerConfigurationError | undefined;
  /** User records waiting for the pass (put order). */
  #unrouted: BufferedUserRecord[] = [];
  /** A pass is under way: `#pass`. */
  #learning = false;
  #pass: Promise<void> = Promise.resolve();
  /** Placing again what was not sent: nothing is sent meanwhile. */
  #rerouting = false;

  public constructor(context: RecordPlacementContext) {
    const { options, log } = context;
    this.#context = context;
    this.#facts = new StreamFacts(options, log);
    const { orderedGroupsPerShard } = options;
    const groups =
      orderedGroupsPerShard === undefined ? undefined : new OrderedGroups(orderedGroupsPerShard);
    this.#groups = groups;
    this.#router = new ShardRouter(options.shardMapMaxAgeMs, groups);
    this.#aggregation = new Aggregation(options, context.queues, groups);
    const { rateLimit } = options;
    this.limits = {
      partitionKeyFrom: options.partitionKeyFrom,
      maxRecordsPerRequest: options.maxRecordsPerRequest,
      ...this.#facts.bounds(),
      rateLimiter:
        rateLimit === Number.POSITIVE_INFINITY ? undefined : new ShardRateLimiter(rateLimit),
    };
    this.waitingLimits = { ...this.limits };
    this.#applyFacts();
    // At once: in Lambda, the init phase pays for it, not the first invocation.
    this.learn();
  }

  /** Placing again what was not sent: nothing may be sent meanwhile. */
  public get rerouting(): boolean {
    return this.#rerouting;
  }

  /** When the oldest open aggregate opened. */
  public get oldestOpenedAt(): number | undefined {
    return this.#aggregation.oldestOpenedAt;
  }

  /**
   * Whether a record put now must wait (or be refused): the stream is being learnt or is due to
   * be, records wait already (they go first), or the options cannot work on the stream.
   */
  public mustWait(now: number): boolean {
    return (
      this.#learning ||
      this.#rerouting ||
      this.#unrouted.length > 0 ||
      this.#refusal !== undefined ||
      this.#facts.needsLearning(now) ||
      (this.#mode === 'aggregate' && this.#router.needsLearning(now))
    );
  }

  /** Keeps a user record (measured into an object of its own) until the stream is learnt. */
  public wait(userRecord: BufferedUserRecord): void {
    this.#unrouted.push(userRecord);
    this.learn();
  }

  /** Throws what a put throws while the options cannot work on the stream (out of a put's line). */
  public throwIfRefused(): void {
    const refusal = this.#refusal;
    if (refusal === undefined) return;
    // The stream is asked again in its time: it may be switched back.
    this.learn();
    throw refusal;
  }

  /** Places a user record now: into its aggregate, or its queue. */
  public place(userRecord: BufferedUserRecord): void {
    const mode = this.#mode;
    const { queues, options } = this.#context;
    if (mode === 'aggregate') {
      const route = this.#router.route(userRecord);
      this.#aggregation.add(route.group, route.shardId, userRecord);
      return;
    }
    // Ordered per partition key; on a service-managed stream, where no order per key can be kept,
    // each record is a queue of its own and none waits for another.
    const group =
      mode === 'plain'
        ? `partition key ${userRecord.partitionKey}`
        : `record ${userRecord.sequence}`;
    const dueAt = userRecord.putAt + options.maxBufferedMs;
    queues.enqueue(plainKinesisRecord(userRecord, group, undefined, dueAt));
  }

  /** Closes the aggregates opened at or before `openedBy` into their queues. */
  public closeAggregatesOpenedBy(openedBy: number): void {
    this.#aggregation.closeOpenedBy(openedBy);
  }

  /** An aggregate landed on another shard than its map said: the stream is learnt again. */
  public markStale(): void {
    this.#facts.markStale();
    this.#router.markStale();
    this.learn();
  }

  /**
   * Starts a pass, unless one runs or records are placed again. Checked before any promise is
   * made: every record put meanwhile comes here.
   */
  public learn(): void {
    if (this.#learning || this.#rerouting) return;
    this.#pass = this.#learnAndPlaceWaiting();
  }

  /** Resolves once no pass is under way: at once when none is. Never rejects. */
  public async whenLearnt(): Promise<void> {
    while (this.#learning) await this.#pass;
  }

  async #learnAndPlaceWaiting(): Promise<void> {
    this.#learning = true;
    try {
      const before = { distribution: this.#facts.distribution, ...this.limits };
      if (this.#facts.needsLearning(Date.now())) {
        const failure = await this.#facts.learn();
        if (failure !== undefined) this.#giveUpWaiting('DescribeStreamSummary', failure);
      }
      this.#applyFacts();
      const { distribution } = this.#facts;
      const streamChanged =
        before.distribution !== undefined &&
        (before.distribution !== distribution ||
          this.limits.maxRecordBytes < before.maxRecordBytes);
      if (streamChanged) {
        this.#context.log.info(
          `The stream changed (record distribution ${distribution}, records up to ${this.limits.maxRecordBytes} bytes): placing again what was not sent`,
        );
        // At once: nothing queued under what the stream was may go while its shards are learnt.
        await this.#placeUnsentAgain();
      }
      if (
        this.#mode === 'aggregate' &&
        this.#router.needsLearning(Date.now()) &&
        (await this.#learnShards())
      ) {
        this.#context.log.info('Kinesis shards changed: aggregating again for the new shards');
        await this.#placeUnsentAgain();
      }
    } finally {
      this.#learning = false;
    }
    const unrouted = this.#unrouted;
    this.#unrouted = [];
    for (const userRecord of unrouted) this.#placeWaited(userRecord);
    this.#context.schedulePump();
  }

  /** Sets what follows from the facts in force: the mode, the bounds, the key of keyless records. */
  #applyFacts(): void {
    const { options, log } = this.#context;
    const groups = this.#groups;
    const { mode, bounds, omitPartitionKeys, refused } = placementOf(
      this.#facts.distribution,
      this.#facts.bounds(),
      options,
      groups,
    );
    Object.assign(this.limits, bounds, { omitPartitionKeys });
    Object.assign(this.waitingLimits, this.limits, { omitPartitionKeys: true });
    if (refused && this.#refusal === undefined) {
      this.#refusal = new KplProducerConfigurationError(AGGREGATION_ON_AUTO, {
        option: 'aggregate',
      });
      log.error(
        `${this.#refusal.message}. The records put so far are given up, and put() throws this error`,
      );
    } else if (!refused) this.#refusal = undefined;
    this.#mode = mode;
    if (groups !== undefined && mode === 'auto' && !this.#saidGroupsDoNothing) {
      this.#saidGroupsDoNothing = true;
      log.warn(ORDERED_GROUPS_ON_AUTO);
    }
  }

  /** Lists the shards; whether the routing changed. */
  async #learnShards(): Promise<boolean> {
    const { options, log } = this.#context;
    const { client, stream, shardMapMaxAgeMs } = options;
    const outcome = await this.#router.learn(client, stream, callFailure, shardMapMaxAgeMs);
    if (outcome.kind !== 'failed') return outcome.kind === 'changed';
    const { failure, withMap, firstFailure } = outcome;
    if (failure.fatal) this.#giveUpWaiting('ListShards', failure);
    else if (firstFailure) {
      const cause = `ListShards failed: ${failure.code}: ${failure.message}`;
      log.warn(
        withMap
          ? `${cause}. Keeping the shard map learnt before, and trying again later`
          : `${cause}. No shard map: aggregating per explicit hash key or partition key until ListShards works`,
      );
    }
    return false;
  }

  /** No retry can fix it (the stream is not there): what waited is given up now. */
  #giveUpWaiting(call: string, failure: Failure): void {
    const unrouted = this.#unrouted;
    this.#unrouted = [];
    this.#context.log.error(
      `${call} failed: ${failure.code}: ${failure.message}. The user records that waited for it are given up`,
      { userRecords: unrouted.length },
    );
    this.#giveUp(unrouted, failure);
  }

  #giveUp(userRecords: BufferedUserRecord[], failure: Failure): void {
    if (userRecords.length === 0) return;
    const bytesOfEach = userRecords.map(({ bytes }) => bytes);
    this.#context.results.givenUp(tallyOf(userRecords), failure, bytesOfEach);
  }

  /** A record that waited: checked against what the stream turned out to be, then placed. */
  #placeWaited(userRecord: BufferedUserRecord): void {
    const refusal = this.#refusal;
    if (refusal !== undefined) {
      this.#giveUp([userRecord], failureOf(refusal));
      return;
    }
    const { maxRecordBytes } = this.limits;
    if (userRecord.bytes > maxRecordBytes) {
      this.#giveUp(
        [userRecord],
        failureOf(new KplRecordTooLargeError(userRecord.bytes, maxRecordBytes)),
      );
      return;
    }
    if (userRecord.partitionKey === undefined && this.#mode !== 'auto')
      givePartitionKey(userRecord);
    this.place(userRecord);
  }

  /** Everything not yet sent, read back and put first among what waits, in put order. */
  async #placeUnsentAgain(): Promise<void> {
    const { queues, inFlight, partitionKeys } = this.#context;
    this.#rerouting = true;
    try {
      while (inFlight.size > 0) await Promise.race(inFlight);
      const unsent = [...queues.takeAll(), ...this.#aggregation.takeAll()].flatMap(
        (kinesisRecord) => userRecordsReadBack(kinesisRecord, this.limits, partitionKeys),
      );
      this.#unrouted = [...unsent, ...this.#unrouted].sort((a, b) => a.sequence - b.sequence);
    } finally {
      this.#rerouting = false;
    }
  }
}
