import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import {
  DEFAULT_MAX_AGGREGATE_BYTES,
  type KplLogger,
  MAX_KINESIS_RECORD_BYTES,
} from '@kpl-lambda/core';
import { DEFAULT_MAX_REQUEST_BYTES } from '../constants.js';
import type { ResolvedProducerOptions } from '../options.js';
import { callFailure, type Failure, RetryPolicy } from '../sending/RetryPolicy.js';

/** How a stream places records: by their keys, or as the service likes (service-managed). */
export type RecordDistribution = 'USER_PARTITION_KEY' | 'AUTO';

/** The bounds of a record and a request as the stream and the options set them. */
export interface StreamRecordBounds {
  maxRecordBytes: number;
  maxRequestBytes: number;
}

/** The error code of a call refused for want of a permission. */
const DENIED = 'AccessDeniedException';

/**
 * What the producer knows of its stream that `DescribeStreamSummary` tells: whether it places
 * records by partition key or itself (`RecordDistributionStrategy`, `AUTO` for a service-managed
 * stream), and the largest record it takes (`MaxRecordSizeInKiB`). Learnt as soon as the producer
 * is made and again when older than `shardMapMaxAgeMs`, unless the `recordDistribution` option
 * says it. A call that fails for a while is tried again with the producer's backoff, so that a
 * throttled question at a cold start does not pass a service-managed stream for one that takes
 * aggregates. When the call is denied, or keeps failing, the stream is taken as one placed by
 * partition key (what every stream was before), said once, and a denied call is not made again.
 */
export class StreamFacts {
  /** What is in force; undefined until the stream first answered (or the call was given up on). */
  #distribution: RecordDistribution | undefined;
  /** What the stream said of its records' size. */
  #maxRecordBytes: number | undefined;
  #learntAt = 0;
  #learning = false;
  #denied = false;
  #saidFailure = false;
  readonly #fixed: boolean;
  readonly #options: ResolvedProducerOptions;
  readonly #retryPolicy: RetryPolicy;
  readonly #log: KplLogger;

  public constructor(options: ResolvedProducerOptions, log: KplLogger) {
    this.#options = options;
    this.#log = log;
    this.#retryPolicy = new RetryPolicy(options);
    const { recordDistribution } = options;
    this.#fixed = recordDistribution !== 'detect';
    if (recordDistribution !== 'detect') this.#distribution = recordDistribution;
  }

  /** How the stream places records; undefined while the producer waits for it to say. */
  public get distribution(): RecordDistribution | undefined {
    return this.#distribution;
  }

  /** Whether the stream should be asked (again) before records are placed. */
  public needsLearning(now: number): boolean {
    if (this.#fixed || this.#denied || this.#learning) return false;
    return (
      this.#distribution === undefined || now - this.#learntAt > this.#options.shardMapMaxAgeMs
    );
  }

  /**
   * A write landed where the producer did not expect: the stream may have turned
   * service-managed (its aggregates then land anywhere). It is asked again at the next pass.
   */
  public markStale(): void {
    this.#learntAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * The bounds in force: each option given, else the stream's record size (and a request that
   * takes one such record), else the defaults. While the stream is not known yet, records up to
   * the largest any stream takes are accepted: the producer checks them when it knows.
   */
  public bounds(): StreamRecordBounds {
    const { given, maxRecordBytes, maxRequestBytes } = this.#options;
    if (given.has('maxRecordBytes')) return { maxRecordBytes, maxRequestBytes };
    const notKnownYet = this.#distribution === undefined && !this.#fixed;
    let recordBytes =
      this.#maxRecordBytes ??
      (notKnownYet ? MAX_KINESIS_RECORD_BYTES : DEFAULT_MAX_AGGREGATE_BYTES);
    if (given.has('maxRequestBytes')) recordBytes = Math.min(recordBytes, maxRequestBytes);
    return {
      maxRecordBytes: recordBytes,
      maxRequestBytes: given.has('maxRequestBytes')
        ? maxRequestBytes
        : Math.max(DEFAULT_MAX_REQUEST_BYTES, recordBytes),
    };
  }

  /**
   * Asks the stream, trying again with backoff while the call fails for a reason that may pass.
   * Never rejects. Resolves with the failure when no retry can help (the stream is not there):
   * what waited for the answer is to be given up; the facts in force are kept.
   */
  public async learn(): Promise<Failure | undefined> {
    this.#learning = true;
    try {
      for (let attempts = 1; ; attempts++) {
        const failure = await this.#ask();
        if (failure === undefined) return undefined;
        const retryAt = this.#retryPolicy.nextAttemptAt(attempts, failure, Date.now());
        if (retryAt === undefined) return this.#failed(failure);
        await new Promise((resolve) => setTimeout(resolve, retryAt - Date.now()));
      }
    } finally {
      this.#learning = false;
    }
  }

  async #ask(): Promise<Failure | undefined> {
    const { client, stream } = this.#options;
    try {
      const output = await client.send(new DescribeStreamSummaryCommand(stream));
      const summary = output?.StreamDescriptionSummary;
      // A Kinesis that says nothing of them predates them: keys place records, 1 MiB at most.
      this.#distribution =
        summary?.RecordDistributionStrategy === 'AUTO' ? 'AUTO' : 'USER_PARTITION_KEY';
      const kib = summary?.MaxRecordSizeInKiB;
      this.#maxRecordBytes =
        typeof kib === 'number' && kib > 0
          ? Math.min(kib * 1024, MAX_KINESIS_RECORD_BYTES)
          : undefined;
      this.#learntAt = Date.now();
      this.#saidFailure = false;
      return undefined;
    } catch (error) {
      const failure = callFailure(error);
      if (failure.code !== DENIED) return failure;
      this.#denied = true;
      this.#log.warn(
        `DescribeStreamSummary was denied (${failure.code}: ${failure.message}). Grant kinesis:DescribeStreamSummary on the stream, or set the recordDistribution option: without it the producer cannot tell a service-managed stream (RecordDistributionStrategy AUTO), where KCL consumers drop KPL aggregates, nor the stream's MaxRecordSizeInKiB. ${this.#fallBack()}, and does not ask again (said once)`,
      );
      return undefined;
    }
  }

  /** Gave up asking for now: what was in force stays, and is asked again in its time. */
  #failed(failure: Failure): Failure | undefined {
    this.#learntAt = Date.now();
    const fallBack = this.#fallBack();
    if (failure.fatal) return failure;
    if (!this.#saidFailure) {
      this.#saidFailure = true;
      this.#log.warn(
        `DescribeStreamSummary failed: ${failure.code}: ${failure.message}. ${fallBack} until it answers, asking again in shardMapMaxAgeMs`,
      );
    }
    return undefined;
  }

  /**
   * Without an answer: what was learnt before stays in force, or, when nothing was, the stream is
   * taken as one placed by partition key (as every stream was before), with the bounds of the
   * options. Says which.
   */
  #fallBack(): string {
    if (this.#distribution !== undefined) {
      return `It keeps what it learnt of the stream before (record distribution ${this.#distribution})`;
    }
    this.#distribution = 'USER_PARTITION_KEY';
    return 'It works as on a stream placed by partition key, with records up to maxRecordBytes';
  }
}
