import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import type { KplLogger } from '@kpl-lambda/core';
import { PUT_PAYLOAD_UNIT_BYTES } from '../constants.js';
import type { ResolvedProducerOptions } from '../options.js';
import type { ProducerCounters } from '../types.js';
import { heldBytesOfEach, type MeasureOptions } from '../userRecords.js';
import type { KinesisRecordQueues, QueuedKinesisRecord } from './KinesisRecordQueues.js';
import type { RecordResults } from './RecordResults.js';
import { callFailure, entryFailure, type Failure, RetryPolicy, THROTTLED } from './RetryPolicy.js';

/** What a sender settles records into, and whom it tells of an aggregate on another shard. */
export interface PutRecordsSenderContext {
  options: ResolvedProducerOptions;
  /** How records are measured now (read back from an aggregate given up). */
  measure: MeasureOptions;
  queues: KinesisRecordQueues;
  results: RecordResults;
  counters: ProducerCounters;
  log: KplLogger;
  /** An aggregate landed on another shard than its map said: the map is stale. */
  onMisrouted: () => void;
}

/**
 * Makes PutRecords calls and settles what each says of every Kinesis record in it: written,
 * back at the head of its queue for a retry, or given up.
 */
export class PutRecordsSender {
  readonly #client: KinesisClient;
  readonly #stream: ResolvedProducerOptions['stream'];
  readonly #retryPolicy: RetryPolicy;
  readonly #context: PutRecordsSenderContext;
  /** Error codes of refused calls already logged at error level (until a call succeeds). */
  readonly #refusalsLogged = new Set<string>();

  public constructor(context: PutRecordsSenderContext) {
    this.#client = context.options.client;
    this.#stream = context.options.stream;
    this.#retryPolicy = new RetryPolicy(context.options);
    this.#context = context;
  }

  /** One PutRecords call; settles or releases every record of it. Never rejects. */
  public async send(request: QueuedKinesisRecord[]): Promise<void> {
    for (const kinesisRecord of request) kinesisRecord.attempts++;
    this.#context.counters.putRecordsRequests++;
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
    const refusal = results === undefined ? callFailure(callError) : undefined;
    if (refusal === undefined) this.#refusalsLogged.clear();
    for (const [i, kinesisRecord] of request.entries()) {
      const result = results?.[i];
      if (result !== undefined && result.ErrorCode === undefined) {
        this.#written(kinesisRecord, result.ShardId, result.SequenceNumber);
      } else {
        const failure =
          result === undefined
            ? (refusal ?? callFailure(undefined))
            : entryFailure(result.ErrorCode!, result.ErrorMessage);
        this.#failed(kinesisRecord, failure, now);
      }
    }
  }

  #written(
    kinesisRecord: QueuedKinesisRecord,
    shardId: string | undefined,
    sequenceNumber: string | undefined,
  ): void {
    const { queues, results, counters, log, onMisrouted } = this.#context;
    queues.remove(kinesisRecord);
    counters.kinesisRecordsWritten++;
    counters.userRecordsWritten += kinesisRecord.sources.length;
    counters.bytesWritten += kinesisRecord.bytes;
    counters.putPayloadUnits += Math.ceil(kinesisRecord.bytes / PUT_PAYLOAD_UNIT_BYTES);
    results.written(kinesisRecord, shardId, sequenceNumber);
    const expected = kinesisRecord.expectedShardId;
    if (expected !== undefined && shardId !== undefined && shardId !== expected) {
      counters.misroutedKinesisRecords++;
      log.warn('An aggregate landed on an unexpected shard: learning the shards again', {
        expectedShardId: expected,
        shardId,
      });
      onMisrouted();
    }
  }

  #failed(kinesisRecord: QueuedKinesisRecord, failure: Failure, now: number): void {
    const { queues, results, counters, log, measure } = this.#context;
    if (failure.code === THROTTLED) counters.throttledKinesisRecords++;
    kinesisRecord.lastErrorCode = failure.code;
    const retryAt = this.#retryPolicy.nextAttemptAt(kinesisRecord.attempts, failure, now);
    if (retryAt !== undefined) {
      // It stays at the head of its queue: nothing behind it overtakes it.
      kinesisRecord.notBefore = retryAt;
      queues.release(kinesisRecord);
      counters.retries++;
      return;
    }
    queues.remove(kinesisRecord);
    results.givenUp(kinesisRecord, failure, heldBytesOfEach(kinesisRecord, measure));
    const details = {
      userRecords: kinesisRecord.sources.length,
      attempts: kinesisRecord.attempts,
      errorCode: failure.code,
      errorMessage: failure.message,
    };
    if (failure.retryable || !this.#refusalsLogged.has(failure.code)) {
      log.error('Kinesis records given up', details);
      if (!failure.retryable) this.#refusalsLogged.add(failure.code);
    }
  }
}
