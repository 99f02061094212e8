import { randomUUID } from 'node:crypto';
import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import {
  type AggregatedRecord,
  assertValidKeys,
  DEFAULT_MAX_AGGREGATE_BYTES,
  KplInvalidRecordError,
  KplRecordTooLargeError,
  MAX_KINESIS_RECORD_BYTES,
  RecordAggregator,
} from '@kpl-lambda/core';
import {
  DEFAULT_AGGREGATION_MAX_BYTES,
  DEFAULT_MAX_REQUEST_BYTES,
  MAX_RECORDS_PER_REQUEST,
  MAX_REQUEST_BYTES_LIMIT,
  PUT_PAYLOAD_UNIT_BYTES,
  RETRYABLE_ERROR_CODES,
} from './constants.js';
import { KplProducerConfigurationError } from './errors.js';
import { ShardMap } from './ShardMap.js';
import type {
  FlushResult,
  JsonValue,
  KinesisProducerOptions,
  ProducerLogger,
  ProducerMetrics,
  ProducerRecord,
  UndeliverableRecord,
} from './types.js';

/** A user record ready to aggregate, with what it came from and when it was put. */
interface BufferedUserRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
  source: ProducerRecord;
  /** Data plus partition key, as Kinesis counts a record: measured once, at put. */
  bytes: number;
  /** Put order, to re-aggregate in that order after resharding. */
  sequence: number;
}

/** A Kinesis record (an aggregate or a plain user record) waiting in its group's queue. */
interface QueuedKinesisRecord {
  entry: PutRecordsRequestEntry;
  userRecords: BufferedUserRecord[];
  group: string;
  /** The shard it was built for, when the shard map was known. */
  expectedShardId: string | undefined;
  /** Data plus partition key, as Kinesis counts a record. */
  bytes: number;
  attempts: number;
  /** Not sent again before this time (backoff). */
  notBefore: number;
  inFlight: boolean;
}

/**
 * An aggregating, shard-aware, batching producer on the AWS SDK v3 Kinesis client.
 *
 * `put` buffers user records; with aggregation on (the default) they are packed into KPL
 * aggregates, one per shard, using the hash-key ranges `ListShards` gives, so every user record
 * lands on the shard its key belongs to. Kinesis records go out in `PutRecords` calls within the
 * limits (500 records, 5 MiB per request, 1 MiB per record by default), when a request is full,
 * after `maxBufferedMs`, and on `flush`. Entries that fail with throttling or an internal failure
 * are retried with exponential backoff and full jitter, a bounded number of times; what is
 * finally undeliverable comes back from `flush` as the original records with their error codes.
 *
 * Records with the same partition key reach Kinesis in the order they were put, retries
 * included: each shard (or, without aggregation, each partition key) has one queue, and a
 * request carries at most the head of each queue, which stays there until it is written or
 * given up.
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
  public readonly metrics: ProducerMetrics = {
    userRecordsPut: 0,
    userRecordsWritten: 0,
    kinesisRecordsWritten: 0,
    bytesWritten: 0,
    putPayloadUnits: 0,
    putRecordsRequests: 0,
    retries: 0,
    failedUserRecords: 0,
    misroutedKinesisRecords: 0,
  };

  readonly #client: KinesisClient;
  readonly #stream: { StreamName?: string; StreamARN?: string };
  readonly #aggregate: boolean;
  readonly #partitionKey: KinesisProducerOptions['partitionKey'];
  readonly #maxRecordBytes: number;
  readonly #aggregationMaxBytes: number;
  readonly #aggregationMaxCount: number;
  readonly #maxRequestBytes: number;
  readonly #maxRecordsPerRequest: number;
  readonly #maxBufferedMs: number | undefined;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxConcurrentRequests: number;
  readonly #shardMapMaxAgeMs: number;
  readonly #logger: ProducerLogger | undefined;

  #sequence = 0;
  #shardMap: ShardMap | undefined;
  #shardMapStale = false;
  #shardMapLoading: Promise<void> | undefined;
  /** No shard map to be had: aggregate per explicit hash key, or per partition key. */
  #withoutShardMap = false;
  #rerouting = false;
  /** User records put while the shard map is being learnt. */
  #unrouted: BufferedUserRecord[] = [];
  #aggregators = new Map<
    string,
    { aggregator: RecordAggregator<BufferedUserRecord>; shardId: string | undefined }
  >();
  #queues = new Map<string, QueuedKinesisRecord[]>();
  #inFlight = new Set<Promise<void>>();
  #pumping: Promise<void> | undefined;
  #pumpRequested = false;
  #flushing = 0;
  #linger: ReturnType<typeof setTimeout> | undefined;
  #undeliverable: UndeliverableRecord[] = [];

  public constructor(options: KinesisProducerOptions) {
    const {
      client,
      streamName,
      streamARN,
      aggregate = true,
      partitionKey,
      maxRecordBytes = DEFAULT_MAX_AGGREGATE_BYTES,
      aggregationMaxBytes = DEFAULT_AGGREGATION_MAX_BYTES,
      aggregationMaxCount = Number.POSITIVE_INFINITY,
      maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES,
      maxRecordsPerRequest = MAX_RECORDS_PER_REQUEST,
      maxBufferedMs,
      maxAttempts = 5,
      baseDelayMs = 100,
      maxDelayMs = 5_000,
      maxConcurrentRequests = 4,
      shardMapMaxAgeMs = 60_000,
      logger,
    } = options;
    if (streamName === undefined && streamARN === undefined) {
      throw new KplProducerConfigurationError('Give streamName or streamARN');
    }
    assertIntegerIn('maxRecordBytes', maxRecordBytes, 1, MAX_KINESIS_RECORD_BYTES);
    assertIntegerIn('maxRequestBytes', maxRequestBytes, maxRecordBytes, MAX_REQUEST_BYTES_LIMIT);
    assertIntegerIn('aggregationMaxBytes', aggregationMaxBytes, 1, MAX_KINESIS_RECORD_BYTES);
    if (!(aggregationMaxCount >= 1)) {
      throw new KplProducerConfigurationError('aggregationMaxCount must be at least 1');
    }
    assertIntegerIn('maxRecordsPerRequest', maxRecordsPerRequest, 1, MAX_RECORDS_PER_REQUEST);
    assertIntegerIn('maxAttempts', maxAttempts, 1, Number.MAX_SAFE_INTEGER);
    assertIntegerIn('maxConcurrentRequests', maxConcurrentRequests, 1, Number.MAX_SAFE_INTEGER);
    this.#client = client;
    this.#stream = streamARN === undefined ? { StreamName: streamName } : { StreamARN: streamARN };
    this.#aggregate = aggregate;
    this.#partitionKey = partitionKey;
    this.#maxRecordBytes = maxRecordBytes;
    this.#aggregationMaxBytes = Math.min(aggregationMaxBytes, maxRecordBytes);
    this.#aggregationMaxCount = aggregationMaxCount;
    this.#maxRequestBytes = maxRequestBytes;
    this.#maxRecordsPerRequest = maxRecordsPerRequest;
    this.#maxBufferedMs = maxBufferedMs;
    this.#maxAttempts = maxAttempts;
    this.#baseDelayMs = baseDelayMs;
    this.#maxDelayMs = maxDelayMs;
    this.#maxConcurrentRequests = maxConcurrentRequests;
    this.#shardMapMaxAgeMs = shardMapMaxAgeMs;
    this.#logger = logger;
  }

  /**
   * Buffers a user record. Throws `KplInvalidRecordError` for keys or data Kinesis would
   * refuse, and `KplRecordTooLargeError` when its data plus partition key exceed
   * `maxRecordBytes`: a record is rejected here, never at flush.
   */
  public put(record: ProducerRecord): void {
    const userRecord = this.#toBufferedUserRecord(record);
    this.metrics.userRecordsPut++;
    if (this.#aggregate) this.#route(userRecord);
    // Without aggregation each user record is a Kinesis record, ordered per partition key.
    else
      this.#enqueue(
        plainKinesisRecord(userRecord, `partition key ${userRecord.partitionKey}`, undefined),
      );
    this.#armLinger();
    void this.#pump();
  }

  /** Buffers user records, as {@link put} does for each. */
  public putMany(records: Iterable<ProducerRecord>): void {
    for (const record of records) this.put(record);
  }

  /**
   * Writes everything buffered, and resolves when all of it is written or given up. Returns the
   * user records given up since the previous flush (empty when all were written).
   */
  public async flush(): Promise<FlushResult> {
    await this.#writeBuffered();
    const undeliverable = this.#undeliverable;
    this.#undeliverable = [];
    return { undeliverable };
  }

  async #writeBuffered(): Promise<void> {
    clearTimeout(this.#linger);
    this.#linger = undefined;
    this.#flushing++;
    try {
      do {
        await this.#shardMapLoading;
        for (const [group, { aggregator, shardId }] of this.#aggregators) {
          const last = aggregator.flush();
          if (last) this.#enqueue(this.#aggregatedKinesisRecord(last, group, shardId));
        }
        await this.#pump();
      } while (this.#holdsRecords());
    } finally {
      this.#flushing--;
    }
  }

  /**
   * Whether any user record is still held: queued, unrouted, in an open aggregate, or waiting for
   * the shard map. A shard map learnt during a flush routes records into aggregates the flush had
   * already closed, so open aggregates count too.
   */
  #holdsRecords(): boolean {
    if (this.#queues.size > 0 || this.#unrouted.length > 0 || this.#shardMapLoading) return true;
    for (const { aggregator } of this.#aggregators.values()) if (aggregator.length > 0) return true;
    return false;
  }

  #toBufferedUserRecord(record: ProducerRecord): BufferedUserRecord {
    if (record === null || typeof record !== 'object' || record.data === undefined) {
      throw new KplInvalidRecordError('A record needs data');
    }
    const partitionKey = this.#partitionKeyOf(record);
    assertValidKeys(partitionKey, record.explicitHashKey);
    const data = serialize(record.data);
    const bytes = data.length + Buffer.byteLength(partitionKey, 'utf8');
    if (bytes > this.#maxRecordBytes) throw new KplRecordTooLargeError(bytes, this.#maxRecordBytes);
    const userRecord: BufferedUserRecord = {
      partitionKey,
      data,
      source: record,
      bytes,
      sequence: this.#sequence++,
    };
    if (record.explicitHashKey !== undefined) userRecord.explicitHashKey = record.explicitHashKey;
    return userRecord;
  }

  #partitionKeyOf(record: ProducerRecord): string {
    if (record.partitionKey !== undefined) return record.partitionKey;
    const option = this.#partitionKey;
    if (typeof option === 'function') return option(record);
    if (typeof option === 'string' && isJsonObject(record.data)) {
      const value = record.data[option];
      if (value !== undefined && value !== null && value !== '') return String(value);
    }
    return randomUUID();
  }

  /** Puts a user record into the aggregate of the shard its hash key belongs to. */
  #route(userRecord: BufferedUserRecord): void {
    if (this.#withoutShardMap) {
      // Records with one explicit hash key, or one partition key, go to one shard.
      this.#aggregateInto(aggregateGroup(userRecord), undefined, userRecord);
      return;
    }
    const shardMap = this.#shardMap;
    if (
      shardMap === undefined ||
      this.#shardMapStale ||
      this.#shardMapLoading !== undefined ||
      Date.now() - shardMap.loadedAt > this.#shardMapMaxAgeMs
    ) {
      this.#unrouted.push(userRecord);
      void this.#learnShardMap();
      return;
    }
    const { shardId } =
      userRecord.explicitHashKey === undefined
        ? shardMap.shardForPartitionKey(userRecord.partitionKey)
        : shardMap.shardForExplicitHashKey(userRecord.explicitHashKey);
    this.#aggregateInto(shardId, shardId, userRecord);
  }

  #aggregateInto(group: string, shardId: string | undefined, userRecord: BufferedUserRecord): void {
    let slot = this.#aggregators.get(group);
    if (slot === undefined) {
      slot = {
        aggregator: new RecordAggregator<BufferedUserRecord>({
          maxBytes: this.#aggregationMaxBytes,
          maxRecords: this.#aggregationMaxCount,
        }),
        shardId,
      };
      this.#aggregators.set(group, slot);
    }
    if (userRecord.bytes > this.#aggregationMaxBytes) {
      // Larger than an aggregate may be: sent plain, after what its shard already holds.
      const held = slot.aggregator.flush();
      if (held) this.#enqueue(this.#aggregatedKinesisRecord(held, group, shardId));
      this.#enqueue(plainKinesisRecord(userRecord, group, shardId));
      return;
    }
    const full = slot.aggregator.add(userRecord);
    if (full) this.#enqueue(this.#aggregatedKinesisRecord(full, group, shardId));
  }

  /**
   * Learns the shard map. When it changed (resharding), every user record not yet sent is
   * aggregated again, in put order, once no request is in flight: a record sent while the map is
   * being replaced could otherwise be overtaken by a later one of the same key.
   */
  #learnShardMap(): Promise<void> {
    this.#shardMapLoading ??= (async () => {
      const previous = this.#shardMap;
      try {
        const shardMap = await ShardMap.load(this.#client, this.#stream);
        this.#shardMap = shardMap;
        this.#shardMapStale = false;
        if (previous !== undefined && !previous.sameShardsAs(shardMap)) {
          this.#logger?.info('Kinesis shards changed: aggregating again for the new shards');
          await this.#reaggregateUnsent();
        }
      } catch (error) {
        this.#withoutShardMap = true;
        this.#logger?.warn(
          'No shard map (ListShards failed): aggregating per explicit hash key or partition key instead',
          { error },
        );
      } finally {
        this.#shardMapLoading = undefined;
      }
      const unrouted = this.#unrouted;
      this.#unrouted = [];
      for (const userRecord of unrouted) this.#route(userRecord);
      void this.#pump();
    })();
    return this.#shardMapLoading;
  }

  async #reaggregateUnsent(): Promise<void> {
    this.#rerouting = true;
    try {
      while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
      const unsent: BufferedUserRecord[] = [...this.#unrouted];
      for (const queue of this.#queues.values()) {
        for (const kinesisRecord of queue) unsent.push(...kinesisRecord.userRecords);
      }
      for (const { aggregator } of this.#aggregators.values()) {
        unsent.push(...(aggregator.flush()?.userRecords ?? []));
      }
      this.#queues.clear();
      this.#aggregators.clear();
      this.#unrouted = unsent.sort((a, b) => a.sequence - b.sequence);
    } finally {
      this.#rerouting = false;
    }
  }

  #aggregatedKinesisRecord(
    aggregated: AggregatedRecord<BufferedUserRecord>,
    group: string,
    shardId: string | undefined,
  ): QueuedKinesisRecord {
    const { partitionKey, explicitHashKey, data, userRecords } = aggregated;
    const entry: PutRecordsRequestEntry = { Data: data, PartitionKey: partitionKey };
    // The aggregate goes where its first user record goes: that record's explicit hash key, or
    // else its partition key, which is the aggregate's.
    if (explicitHashKey !== undefined) entry.ExplicitHashKey = explicitHashKey;
    const bytes = data.length + Buffer.byteLength(partitionKey, 'utf8');
    return queued(entry, userRecords, group, shardId, bytes);
  }

  #enqueue(kinesisRecord: QueuedKinesisRecord): void {
    const queue = this.#queues.get(kinesisRecord.group);
    if (queue === undefined) this.#queues.set(kinesisRecord.group, [kinesisRecord]);
    else queue.push(kinesisRecord);
  }

  #armLinger(): void {
    if (this.#maxBufferedMs === undefined || this.#linger !== undefined) return;
    this.#linger = setTimeout(() => {
      this.#linger = undefined;
      void this.#writeBuffered();
    }, this.#maxBufferedMs);
    this.#linger.unref?.();
  }

  /**
   * Sends what may be sent, until nothing more may be: one loop at a time, run again when asked
   * while it runs. It starts after the current task, so a burst of puts is batched first.
   */
  #pump(): Promise<void> {
    this.#pumpRequested = true;
    this.#pumping ??= (async () => {
      try {
        await Promise.resolve();
        while (this.#pumpRequested) {
          this.#pumpRequested = false;
          await this.#sendWhileSendable();
        }
      } finally {
        this.#pumping = undefined;
      }
    })();
    return this.#pumping;
  }

  async #sendWhileSendable(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.#inFlight.size < this.#maxConcurrentRequests) {
        const request = this.#nextRequest(now);
        if (request === undefined) break;
        const sending: Promise<void> = this.#send(request).then(() => {
          this.#inFlight.delete(sending);
        });
        this.#inFlight.add(sending);
      }
      if (this.#inFlight.size > 0) {
        await Promise.race(this.#inFlight);
        continue;
      }
      // Nothing in flight: when flushing, wait out the earliest backoff; otherwise stop.
      const delay =
        this.#flushing > 0 && !this.#rerouting ? this.#earliestRetryDelay(now) : undefined;
      if (delay === undefined) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /**
   * The heads of the queues that may go now, within the request limits. Outside a flush, only a
   * request worth sending: a full one, or one holding at least a record's worth of bytes.
   */
  #nextRequest(now: number): QueuedKinesisRecord[] | undefined {
    if (this.#rerouting) return undefined;
    const request: QueuedKinesisRecord[] = [];
    let bytes = 0;
    let full = false;
    for (const queue of this.#queues.values()) {
      const head = queue[0]!;
      if (head.inFlight || head.notBefore > now) continue;
      if (
        request.length === this.#maxRecordsPerRequest ||
        bytes + head.bytes > this.#maxRequestBytes
      ) {
        full = true;
        break;
      }
      request.push(head);
      bytes += head.bytes;
    }
    if (request.length === 0) return undefined;
    const worthSending =
      full || request.length === this.#maxRecordsPerRequest || bytes >= this.#maxRecordBytes;
    return this.#flushing > 0 || worthSending ? request : undefined;
  }

  #earliestRetryDelay(now: number): number | undefined {
    let earliest: number | undefined;
    for (const queue of this.#queues.values()) {
      const head = queue[0]!;
      if (!head.inFlight && (earliest === undefined || head.notBefore < earliest)) {
        earliest = head.notBefore;
      }
    }
    return earliest === undefined ? undefined : Math.max(0, earliest - now);
  }

  /** One PutRecords call; settles every record of it. Never rejects. */
  async #send(request: QueuedKinesisRecord[]): Promise<void> {
    for (const kinesisRecord of request) {
      kinesisRecord.inFlight = true;
      kinesisRecord.attempts++;
    }
    this.metrics.putRecordsRequests++;
    let results: PutRecordsResultEntry[] | undefined;
    let callError: unknown;
    try {
      const output = await this.#client.send(
        new PutRecordsCommand({ ...this.#stream, Records: request.map((record) => record.entry) }),
      );
      results = output.Records;
    } catch (error) {
      callError = error;
    }
    const now = Date.now();
    for (const [i, kinesisRecord] of request.entries()) {
      kinesisRecord.inFlight = false;
      const result = results?.[i];
      if (result !== undefined && result.ErrorCode === undefined) {
        this.#written(kinesisRecord, result.ShardId);
      } else if (result !== undefined) {
        this.#failed(kinesisRecord, result.ErrorCode!, result.ErrorMessage ?? '', now);
      } else {
        const { code, message } = describeCallError(callError);
        this.#failed(kinesisRecord, code, message, now, isRetryableCallError(callError, code));
      }
    }
  }

  #written(kinesisRecord: QueuedKinesisRecord, shardId: string | undefined): void {
    this.#dequeue(kinesisRecord);
    const { metrics } = this;
    metrics.kinesisRecordsWritten++;
    metrics.userRecordsWritten += kinesisRecord.userRecords.length;
    metrics.bytesWritten += kinesisRecord.bytes;
    metrics.putPayloadUnits += Math.ceil(kinesisRecord.bytes / PUT_PAYLOAD_UNIT_BYTES);
    const expected = kinesisRecord.expectedShardId;
    if (expected !== undefined && shardId !== undefined && shardId !== expected) {
      metrics.misroutedKinesisRecords++;
      this.#logger?.warn('An aggregate landed on an unexpected shard: learning the shards again', {
        expectedShardId: expected,
        shardId,
      });
      this.#shardMapStale = true;
      void this.#learnShardMap();
    }
  }

  #failed(
    kinesisRecord: QueuedKinesisRecord,
    errorCode: string,
    errorMessage: string,
    now: number,
    retryable = true,
  ): void {
    if (retryable && kinesisRecord.attempts < this.#maxAttempts) {
      // Exponential backoff with full jitter; the record stays at the head of its queue.
      const ceiling = Math.min(
        this.#maxDelayMs,
        this.#baseDelayMs * 2 ** (kinesisRecord.attempts - 1),
      );
      kinesisRecord.notBefore = now + Math.random() * ceiling;
      this.metrics.retries++;
      return;
    }
    this.#dequeue(kinesisRecord);
    this.metrics.failedUserRecords += kinesisRecord.userRecords.length;
    for (const userRecord of kinesisRecord.userRecords) {
      this.#undeliverable.push({ record: userRecord.source, errorCode, errorMessage });
    }
    this.#logger?.error('Kinesis records given up', {
      userRecords: kinesisRecord.userRecords.length,
      attempts: kinesisRecord.attempts,
      errorCode,
      errorMessage,
    });
  }

  #dequeue(kinesisRecord: QueuedKinesisRecord): void {
    const queue = this.#queues.get(kinesisRecord.group)!;
    queue.shift();
    if (queue.length === 0) this.#queues.delete(kinesisRecord.group);
  }
}

function queued(
  entry: PutRecordsRequestEntry,
  userRecords: BufferedUserRecord[],
  group: string,
  expectedShardId: string | undefined,
  bytes: number,
): QueuedKinesisRecord {
  return {
    entry,
    userRecords,
    group,
    expectedShardId,
    bytes,
    attempts: 0,
    notBefore: 0,
    inFlight: false,
  };
}

/** Without a shard map, records with one explicit hash key, or one partition key, share a shard. */
function aggregateGroup({ explicitHashKey, partitionKey }: BufferedUserRecord): string {
  return explicitHashKey ?? `partition key ${partitionKey}`;
}

function plainEntry(userRecord: BufferedUserRecord): PutRecordsRequestEntry {
  const entry: PutRecordsRequestEntry = {
    Data: userRecord.data,
    PartitionKey: userRecord.partitionKey,
  };
  if (userRecord.explicitHashKey !== undefined) entry.ExplicitHashKey = userRecord.explicitHashKey;
  return entry;
}

/** A user record sent on its own, plain, in its group's queue. */
function plainKinesisRecord(
  userRecord: BufferedUserRecord,
  group: string,
  shardId: string | undefined,
): QueuedKinesisRecord {
  return queued(plainEntry(userRecord), [userRecord], group, shardId, userRecord.bytes);
}

function serialize(data: ProducerRecord['data']): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.from(JSON.stringify(data), 'utf8');
}

function isJsonObject(
  data: ProducerRecord['data'],
): data is { [key: string]: JsonValue | undefined } {
  return (
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    !(data instanceof Uint8Array)
  );
}

function describeCallError(error: unknown): { code: string; message: string } {
  if (error === undefined) {
    return { code: 'InternalFailure', message: 'PutRecords returned fewer results than records' };
  }
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  return { code: code ?? name ?? 'Error', message: message ?? String(error) };
}

/** Throttling, server errors and network errors are worth another try; the rest (no such
 * stream, access denied, validation) are not. */
function isRetryableCallError(error: unknown, code: string): boolean {
  if (RETRYABLE_ERROR_CODES.has(code)) return true;
  const { $retryable, $metadata } = (error ?? {}) as {
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  return $retryable !== undefined || ($metadata?.httpStatusCode ?? 0) >= 500;
}

function assertIntegerIn(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new KplProducerConfigurationError(`${name} must be an integer from ${min} to ${max}`);
  }
}
