import {
  type _Record,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { lambdaContext } from '@kpl-lambda/core/testing';
import { type BatchDelivery, deliverBatch, type RetryRules } from './batchRetries.js';
import { KplDrainStoppedError } from './errors.js';
import {
  eventRecordOf,
  type Outcome,
  onFailureRecord,
  readResponse,
  withinPayloadLimit,
} from './lambdaRules.js';
import { resolveDrainOptions, resolveMappingOptions } from './options.js';
import { ContiguousProgress, lanesOf } from './parallelization.js';
import { listShards, readAfter } from './shardReading.js';
import { TumblingWindows } from './tumblingWindows.js';
import type {
  DrainOptions,
  EventSourceMappingCounters,
  KinesisEventSourceMappingOptions,
} from './types.js';

/**
 * A local stand-in for Lambda's Kinesis event source mapping, for testing handlers end to end
 * against a Kinesis API (a local one such as kinesalite, or a real stream).
 *
 * Like Lambda, it reads each shard in order, one batch in flight per shard (or up to
 * `parallelizationFactor`, order kept per partition key), parents before their children after
 * resharding; it gives the handler batches of up to `batchSize` records within
 * the 6 MB payload limit, in the exact event shape (`eventID` `shardId-...:sequenceNumber`,
 * `eventSourceARN`, base64 `data`); it honours partial batch responses (checkpoint before the
 * lowest reported sequence number, retry from there), treats an empty or unknown identifier as
 * a failure of the whole batch, bisects a batch on a function error when asked, retries up to
 * `maximumRetryAttempts`, and sends what it gives up to the on-failure destination as Lambda
 * does: batch metadata, not the records. With `tumblingWindowInSeconds` it carries each shard's
 * window state from one invocation to the next and ends each window with a final invocation.
 *
 * @example
 * ```ts
 * import { KinesisEventSourceMapping } from '@kpl-lambda/local-event-source-mapping';
 *
 * const givenUp = [];
 * const mapping = new KinesisEventSourceMapping({
 *   client,
 *   streamName: 'orders',
 *   handler,
 *   batchSize: 100,
 *   functionResponseTypes: ['ReportBatchItemFailures'],
 *   bisectBatchOnFunctionError: true,
 *   maximumRetryAttempts: 2,
 *   onFailure: (record) => givenUp.push(record.KinesisBatchInfo),
 * });
 * await mapping.drain(); // until every shard is read to its end
 * ```
 */
export class KinesisEventSourceMapping {
  /** Counters since the mapping was made, as the producer's `counters`. */
  public readonly counters: EventSourceMappingCounters = {
    invocations: 0,
    recordsDelivered: 0,
    retries: 0,
    bisections: 0,
    batchesGivenUp: 0,
    invalidResponses: 0,
  };

  readonly #client: KinesisClient;
  readonly #streamName: string;
  readonly #options: KinesisEventSourceMappingOptions;
  readonly #batchSize: number;
  readonly #parallelizationFactor: number;
  readonly #retryRules: RetryRules;
  readonly #windows: TumblingWindows | undefined;
  readonly #functionName: string;
  readonly #awsRegion: string;
  /** Last sequence number processed, per shard. */
  readonly #checkpoints = new Map<string, string>();
  readonly #finishedShards = new Set<string>();
  /** Learnt from the stream on the first drain. */
  #streamArn = '';
  /**
   * The reading of the last `drain()`: it goes on after a stopped drain until the handler it
   * waits for settles, and the next drain starts only after it, so that a shard never has two
   * batches in flight.
   */
  #reading: Promise<void> = Promise.resolve();

  public constructor(options: KinesisEventSourceMappingOptions) {
    const resolved = resolveMappingOptions(options);
    this.#client = options.client;
    this.#streamName = options.streamName;
    this.#options = options;
    this.#batchSize = resolved.batchSize;
    this.#parallelizationFactor = resolved.parallelizationFactor;
    this.#retryRules = {
      maximumRetryAttempts: resolved.maximumRetryAttempts,
      bisectBatchOnFunctionError: options.bisectBatchOnFunctionError === true,
      counters: this.counters,
    };
    this.#windows =
      resolved.tumblingWindowInSeconds > 0
        ? new TumblingWindows(resolved.tumblingWindowInSeconds, options.clock ?? Date.now)
        : undefined;
    this.#functionName = options.functionName ?? 'local-function';
    this.#awsRegion = options.awsRegion ?? 'us-east-1';
  }

  /**
   * Delivers every record of the stream not yet delivered, and resolves once each shard is read
   * to its end (a closed shard finished, an open one caught up). Shards are read concurrently, a
   * child only after its parents. Call again to deliver what was written since.
   *
   * It rejects with {@link KplDrainStoppedError} after `timeoutMs` (default 60,000 ms) or when
   * `signal` aborts: with `maximumRetryAttempts: -1`, as in Lambda, a handler that always fails is
   * retried for ever, and a test must still end.
   */
  public async drain(options: DrainOptions = {}): Promise<void> {
    const { timeoutMs, signal } = resolveDrainOptions(options);
    const stop = new AbortController();
    const timer =
      timeoutMs === Number.POSITIVE_INFINITY
        ? undefined
        : setTimeout(
            () => stop.abort(new KplDrainStoppedError(`drain() did not finish in ${timeoutMs} ms`)),
            timeoutMs,
          );
    const onAbort = () =>
      stop.abort(new KplDrainStoppedError('drain() was aborted', { cause: signal?.reason }));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    // Stops the wait even while a handler never settles: its reading ends when it does.
    const stopped = new Promise<never>((_, reject) => {
      const rejectWithReason = () => reject(stop.signal.reason);
      if (stop.signal.aborted) rejectWithReason();
      else stop.signal.addEventListener('abort', rejectWithReason, { once: true });
    });
    const reading = this.#reading.then(() => this.#drainAll(stop.signal));
    this.#reading = reading.catch(() => undefined);
    try {
      await Promise.race([reading, stopped]);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // The reading goes on only until its next step: nothing more is delivered.
      if (!stop.signal.aborted) stop.abort(new KplDrainStoppedError('drain() ended'));
    }
  }

  async #drainAll(stopping: AbortSignal): Promise<void> {
    this.#streamArn ||= (
      await this.#client.send(new DescribeStreamSummaryCommand({ StreamName: this.#streamName }))
    ).StreamDescriptionSummary!.StreamARN!;
    for (;;) {
      const shards = await listShards(this.#client, this.#streamName);
      const known = new Set(shards.map((shard) => shard.ShardId!));
      const ready = shards.filter(
        (shard) =>
          !this.#finishedShards.has(shard.ShardId!) &&
          [shard.ParentShardId, shard.AdjacentParentShardId].every(
            (parent) =>
              parent === undefined || !known.has(parent) || this.#finishedShards.has(parent),
          ),
      );
      const caughtUp = await Promise.all(ready.map((shard) => this.#readShard(shard, stopping)));
      // Open shards caught up and no closed shard newly finished: nothing more to read now.
      if (caughtUp.every((finished) => !finished)) return;
    }
  }

  /** Reads a shard until it has nothing more; true when a closed shard was read to its end. */
  async #readShard(shard: Shard, stopping: AbortSignal): Promise<boolean> {
    const shardId = shard.ShardId!;
    for (;;) {
      stopping.throwIfAborted();
      const page = await readAfter(
        this.#client,
        this.#streamName,
        shardId,
        this.#checkpoints.get(shardId),
        this.#batchSize * this.#parallelizationFactor,
      );
      const ended = page.NextShardIterator === undefined || page.NextShardIterator === null;
      /* v8 ignore next -- GetRecords answers with Records, which the SDK types optional */
      let records = page.Records ?? [];
      if (this.#windows?.finalDue(shardId, records[0], ended && records.length === 0)) {
        await this.#deliver(shardId, [], stopping, true);
        continue;
      }
      if (records.length === 0) {
        if (ended) this.#finishedShards.add(shardId);
        return ended;
      }
      if (this.#parallelizationFactor > 1) {
        await this.#deliverInLanes(shardId, records, stopping);
        continue;
      }
      if (this.#windows) records = this.#windows.recordsOfWindow(shardId, records);
      await this.#deliver(shardId, withinPayloadLimit(records), stopping);
    }
  }

  /**
   * Delivers what one read gave in `parallelizationFactor` lanes at once, each lane its batches
   * in order; the checkpoint passes only what every lane is done with. The next read waits for
   * every lane, so that a key is never in two lanes at once.
   */
  async #deliverInLanes(shardId: string, records: _Record[], stopping: AbortSignal) {
    const progress = new ContiguousProgress(records);
    const lanes = lanesOf(records, this.#parallelizationFactor).map(async (lane) => {
      for (let next = 0; next < lane.length; ) {
        const batch = withinPayloadLimit(lane.slice(next, next + this.#batchSize));
        next += batch.length;
        await this.#deliver(shardId, batch, stopping, false, (done) => progress.done(done));
      }
    });
    // Every lane settles before the reading goes on: a stopped drain leaves none in flight.
    const failed = (await Promise.allSettled(lanes)).find((lane) => lane.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Takes a batch to its end as Lambda does (see `deliverBatch`); `final` is the final invocation
   * of the shard's tumbling window, which has no records. `checkpointOf` says where the records
   * done move the checkpoint (in lanes, only past what all lanes are done with).
   */
  async #deliver(
    shardId: string,
    records: _Record[],
    stopping: AbortSignal,
    final = false,
    checkpointOf: (done: _Record[]) => string | undefined = (done) => done.at(-1)?.SequenceNumber,
  ): Promise<void> {
    const delivery: BatchDelivery = {
      invoke: (batch, attempt) => this.#invoke(shardId, batch, attempt, final),
      done: (done) => {
        const checkpoint = checkpointOf(done);
        if (checkpoint !== undefined) this.#checkpoints.set(shardId, checkpoint);
        if (final) this.#windows!.close(shardId);
      },
      giveUp: async (batch, attempt, outcome) => {
        // A window's final invocation has no records: no batch to send anywhere.
        if (batch.length === 0) return;
        await this.#options.onFailure?.(
          onFailureRecord({
            shardId,
            batch,
            invokeCount: attempt + 1,
            functionError: outcome.kind === 'error',
            functionArn: this.#functionArn(),
            streamArn: this.#streamArn,
          }),
        );
      },
    };
    await deliverBatch(records, delivery, this.#retryRules, stopping);
  }

  async #invoke(shardId: string, batch: _Record[], attempt: number, final: boolean) {
    const event = {
      Records: batch.map((record) =>
        eventRecordOf(record, shardId, this.#streamArn, this.#awsRegion, this.#functionName),
      ),
      ...this.#windows?.eventFields(shardId, this.#streamArn, final),
    };
    this.counters.invocations++;
    this.counters.recordsDelivered += batch.length;
    if (attempt > 0) this.counters.retries++;
    let outcome: Outcome;
    try {
      const response = await this.#options.handler(
        event,
        lambdaContext({ functionName: this.#functionName, awsRegion: this.#awsRegion }),
      );
      const { functionResponseTypes } = this.#options;
      outcome = readResponse(batch, response, functionResponseTypes, this.#windows !== undefined);
      if (outcome.kind === 'error') this.counters.invalidResponses++;
    } catch (error) {
      outcome = { kind: 'error', error };
    }
    this.#windows?.accept(shardId, outcome);
    try {
      this.#options.onInvoke?.({ shardId, records: batch.length, outcome: outcome.kind, attempt });
    } catch {
      // A progress report that throws must not change what is delivered or checkpointed.
    }
    return outcome;
  }

  #functionArn(): string {
    return `arn:aws:lambda:${this.#awsRegion}:000000000000:function:${this.#functionName}`;
  }
}
