import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type _Record,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { lambdaContext, lambdaKinesisRecord } from '@kpl-lambda/core/testing';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { KplDrainStoppedError } from './errors.js';
import { type Outcome, onFailureRecord, readResponse, withinPayloadLimit } from './lambdaRules.js';
import { resolveDrainOptions, resolveMappingOptions } from './options.js';
import type {
  DrainOptions,
  EventSourceMappingStats,
  KinesisEventSourceMappingOptions,
} from './types.js';

/**
 * A local stand-in for Lambda's Kinesis event source mapping, for testing handlers end to end
 * against a Kinesis API (a local one such as kinesalite, or a real stream).
 *
 * Like Lambda, it reads each shard in order, one batch in flight per shard, parents before their
 * children after resharding; it gives the handler batches of up to `batchSize` records within
 * the 6 MB payload limit, in the exact event shape (`eventID` `shardId-...:sequenceNumber`,
 * `eventSourceARN`, base64 `data`); it honours partial batch responses (checkpoint before the
 * lowest reported sequence number, retry from there), treats an empty or unknown identifier as
 * a failure of the whole batch, bisects a batch on a function error when asked, retries up to
 * `maximumRetryAttempts`, and sends what it gives up to the on-failure destination as Lambda
 * does: batch metadata, not the records.
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
  /** Counters since the mapping was made (`metrics`, as the producer's). */
  public readonly metrics: EventSourceMappingStats = {
    invocations: 0,
    recordsDelivered: 0,
    retries: 0,
    bisections: 0,
    batchesGivenUp: 0,
    invalidResponses: 0,
  };

  /** @deprecated The same counters as {@link metrics}, the name the producer uses too. */
  public get stats(): EventSourceMappingStats {
    return this.metrics;
  }

  readonly #client: KinesisClient;
  readonly #streamName: string;
  readonly #options: KinesisEventSourceMappingOptions;
  readonly #batchSize: number;
  readonly #maximumRetryAttempts: number;
  readonly #functionName: string;
  readonly #awsRegion: string;
  /** Last sequence number processed, per shard. */
  readonly #checkpoints = new Map<string, string>();
  readonly #finishedShards = new Set<string>();
  #streamArn: string | undefined;
  /**
   * The reading of the last `drain()`: it goes on after a stopped drain until the handler it
   * waits for settles, and the next drain starts only after it, so that a shard never has two
   * batches in flight.
   */
  #reading: Promise<void> = Promise.resolve();

  public constructor(options: KinesisEventSourceMappingOptions) {
    const { batchSize, maximumRetryAttempts } = resolveMappingOptions(options);
    this.#client = options.client;
    this.#streamName = options.streamName;
    this.#options = options;
    this.#batchSize = batchSize;
    this.#maximumRetryAttempts = maximumRetryAttempts;
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
    this.#streamArn ??= (
      await this.#client.send(new DescribeStreamSummaryCommand({ StreamName: this.#streamName }))
    ).StreamDescriptionSummary?.StreamARN;
    for (;;) {
      const shards = await this.#listShards();
      const known = new Set(shards.map((shard) => shard.ShardId!));
      const ready = shards.filter(
        (shard) =>
          !this.#finishedShards.has(shard.ShardId!) &&
          [shard.ParentShardId, shard.AdjacentParentShardId].every(
            (parent) =>
              parent === undefined || !known.has(parent) || this.#finishedShards.has(parent),
          ),
      );
      if (ready.length === 0) return;
      const caughtUp = await Promise.all(ready.map((shard) => this.#readShard(shard, stopping)));
      // Open shards caught up and no closed shard newly finished: nothing more to read now.
      if (caughtUp.every((finished) => !finished)) return;
    }
  }

  async #listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListShardsCommand(
          NextToken === undefined ? { StreamName: this.#streamName } : { NextToken },
        ),
      );
      shards.push(...(page.Shards ?? []));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    return shards;
  }

  /** Reads a shard until it has nothing more; true when a closed shard was read to its end. */
  async #readShard(shard: Shard, stopping: AbortSignal): Promise<boolean> {
    const shardId = shard.ShardId!;
    for (;;) {
      stopping.throwIfAborted();
      const checkpoint = this.#checkpoints.get(shardId);
      const { ShardIterator } = await this.#client.send(
        new GetShardIteratorCommand({
          StreamName: this.#streamName,
          ShardId: shardId,
          ...(checkpoint === undefined
            ? { ShardIteratorType: 'TRIM_HORIZON' }
            : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }),
        }),
      );
      const page = ShardIterator
        ? await this.#client.send(new GetRecordsCommand({ ShardIterator, Limit: this.#batchSize }))
        : { Records: [], NextShardIterator: undefined };
      const records = withinPayloadLimit(page.Records ?? []);
      if (records.length === 0) {
        if (page.NextShardIterator === undefined || page.NextShardIterator === null) {
          this.#finishedShards.add(shardId);
          return true;
        }
        return false;
      }
      await this.#deliver(shardId, records, stopping);
    }
  }

  /** Invokes the handler with a batch until it is done or given up, as Lambda retries it. */
  async #deliver(shardId: string, records: _Record[], stopping: AbortSignal): Promise<void> {
    const pending: Array<{ records: _Record[]; attempt: number }> = [{ records, attempt: 0 }];
    while (pending.length > 0) {
      const { records: batch, attempt } = pending.shift()!;
      // Each invocation yields to the event loop, as Lambda's are apart in time: a handler that
      // fails at once must not starve timers (a test's timeout among them). A drain stopped
      // meanwhile delivers nothing more.
      if (attempt > 0) await yieldToEventLoop();
      stopping.throwIfAborted();
      const outcome = await this.#invoke(shardId, batch, attempt);
      if (outcome.kind === 'success') {
        this.#checkpoints.set(shardId, batch.at(-1)!.SequenceNumber!);
        continue;
      }
      let retry = batch;
      if (outcome.kind === 'partial') {
        // Checkpoint before the lowest failed record; retry from it, later successes included.
        if (outcome.firstFailed > 0) {
          this.#checkpoints.set(shardId, batch[outcome.firstFailed - 1]!.SequenceNumber!);
        }
        retry = batch.slice(outcome.firstFailed);
      }
      if (this.#maximumRetryAttempts !== -1 && attempt >= this.#maximumRetryAttempts) {
        this.metrics.batchesGivenUp++;
        await this.#options.onFailure?.(
          onFailureRecord({
            shardId,
            batch: retry,
            invokeCount: attempt + 1,
            functionError: outcome.kind === 'error',
            functionArn: this.#functionArn(),
            streamArn: this.#streamArn ?? '',
          }),
        );
        this.#checkpoints.set(shardId, retry.at(-1)!.SequenceNumber!);
        continue;
      }
      if (
        outcome.kind === 'error' &&
        this.#options.bisectBatchOnFunctionError &&
        retry.length > 1
      ) {
        const half = Math.ceil(retry.length / 2);
        this.metrics.bisections++;
        pending.unshift(
          { records: retry.slice(0, half), attempt: attempt + 1 },
          { records: retry.slice(half), attempt: attempt + 1 },
        );
      } else {
        pending.unshift({ records: retry, attempt: attempt + 1 });
      }
    }
  }

  async #invoke(shardId: string, batch: _Record[], attempt: number): Promise<Outcome> {
    const event: KinesisStreamEvent = {
      Records: batch.map((record) => this.#eventRecord(shardId, record)),
    };
    this.metrics.invocations++;
    this.metrics.recordsDelivered += batch.length;
    if (attempt > 0) this.metrics.retries++;
    let outcome: Outcome;
    try {
      const response = await this.#options.handler(
        event,
        lambdaContext({ functionName: this.#functionName, awsRegion: this.#awsRegion }),
      );
      outcome = readResponse(batch, response, this.#options.functionResponseTypes);
      if (outcome.kind === 'error') this.metrics.invalidResponses++;
    } catch (error) {
      outcome = { kind: 'error', error };
    }
    try {
      this.#options.onInvoke?.({ shardId, records: batch.length, outcome: outcome.kind, attempt });
    } catch {
      // A progress report that throws must not change what is delivered or checkpointed.
    }
    return outcome;
  }

  #eventRecord(shardId: string, record: _Record): KinesisStreamRecord {
    return lambdaKinesisRecord({
      data: record.Data!,
      // Written without one (a service-managed stream): Lambda says null.
      partitionKey: record.PartitionKey ?? null,
      sequenceNumber: record.SequenceNumber!,
      approximateArrivalTimestamp:
        (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
      shardId,
      eventSourceARN: this.#streamArn ?? '',
      awsRegion: this.#awsRegion,
      invokeIdentityArn: `arn:aws:iam::000000000000:role/${this.#functionName}-role`,
    });
  }

  #functionArn(): string {
    return `arn:aws:lambda:${this.#awsRegion}:000000000000:function:${this.#functionName}`;
  }
}
