import type { Readable, Writable } from 'node:stream';
import type { KplLogger } from '@kpl-lambda/core';

/** A user record as the daemon delivers it (the daemon deaggregates KPL records first). */
export interface KclUserRecord {
  data: Uint8Array;
  /** `null` for a record written without one to a service-managed stream (`AUTO`). */
  partitionKey: string | null;
  /** The parent record's sequence number, shared by the user records of one aggregate. */
  sequenceNumber: string;
  /** The user record's position in its aggregate; 0 for a plain record. */
  subSequenceNumber: number;
  /** When Kinesis took the record; the epoch, `new Date(0)`, when the daemon sends none. */
  approximateArrivalTimestamp: Date;
}

/** Checkpoints at a user record; rejects with `KplKclCheckpointError` carrying the daemon's error. */
export interface Checkpointer {
  /**
   * Checkpoints at this user record, or without arguments at the largest one delivered (what
   * the daemon needs on `shardEnded`): from `processRecord`, that is past the records of the
   * batch not run yet, lost if one of them then fails; checkpoint at the record (or return
   * `true`) instead. A sequence number without a sub-sequence number means sub-sequence 0.
   */
  checkpoint(sequenceNumber?: string, subSequenceNumber?: number): Promise<void>;
}

/** What the daemon says when it gives a shard to this process. */
export interface InitializeInput {
  shardId: string;
  /** Where processing resumes: the last checkpoint, when there is one. */
  sequenceNumber?: string;
  subSequenceNumber?: number;
}

/** One batch of user records, with the checkpointer. */
export interface ProcessRecordsInput {
  records: KclUserRecord[];
  millisBehindLatest?: number;
  checkpointer: Checkpointer;
}

/**
 * What runs in the child process: `processRecord` (or `processRecords`, a batch at a time: one of
 * the two, as the type requires) and optional lifecycle hooks, on a plain object or a class
 * instance. `processRecord` may be async; returning `true` checkpoints at this user record now
 * (kclpy's contract). `start` refuses any other key of a plain object, and on a class instance a
 * method named close to one of these (a typo).
 *
 * @example
 * ```ts
 * const processor: RecordProcessor = {
 *   async processRecord(record) {
 *     console.error(record.sequenceNumber, record.subSequenceNumber);
 *   },
 * };
 * ```
 */
export type RecordProcessor = PerRecordProcessor | BatchRecordProcessor;

/**
 * A {@link RecordProcessor} that takes one user record at a time; a class can implement it.
 *
 * @example
 * ```ts
 * class Orders implements PerRecordProcessor {
 *   async processRecord(record: KclUserRecord) {
 *     console.error(record.partitionKey);
 *   }
 * }
 * ```
 */
export interface PerRecordProcessor extends RecordProcessorHooks {
  /** One user record; may be async; `true` checkpoints at it now. A throw is retried. */
  processRecord(record: KclUserRecord, checkpointer: Checkpointer): unknown;
  /** Not with `processRecord`: the records go to one of them only. */
  processRecords?: never;
}

/**
 * A {@link RecordProcessor} that takes a whole batch at a time, checkpointing as it likes.
 *
 * @example
 * ```ts
 * const processor: BatchRecordProcessor = {
 *   async processRecords({ records, checkpointer }) {
 *     console.error(records.length);
 *     await checkpointer.checkpoint();
 *   },
 * };
 * ```
 */
export interface BatchRecordProcessor extends RecordProcessorHooks {
  /** Instead of `processRecord`: a whole batch at a time, checkpointing as it likes. */
  processRecords(input: ProcessRecordsInput): unknown;
  /** Not with `processRecords`: the records go to one of them only. */
  processRecord?: never;
}

/**
 * The lifecycle hooks of a {@link RecordProcessor}, all optional.
 *
 * @example
 * ```ts
 * const hooks: RecordProcessorHooks = { leaseLost: () => console.error('lease lost') };
 * ```
 */
export interface RecordProcessorHooks {
  /** The daemon gave this process a shard: where it resumes. */
  initialize?(input: InitializeInput): unknown;
  /** The lease went to another worker: no checkpoint is possible any more. */
  leaseLost?(): unknown;
  /** The shard was split or merged and read to its end; the process checkpoints after this. */
  shardEnded?(checkpointer: Checkpointer): unknown;
  /** The daemon shuts down; the process checkpoints at the last user record done after this. */
  shutdownRequested?(checkpointer: Checkpointer): unknown;
}

/** What to do with a user record whose processing still throws after its retries. */
export type OnRecordError = 'stop' | 'skip';

/** Options of {@link start}. */
export interface StartOptions {
  /** The daemon's messages. Default `process.stdin`. */
  input?: Readable;
  /** Replies to the daemon. Default `process.stdout`, which then belongs to the protocol. */
  output?: Writable;
  /**
   * Checkpoint after this many user records done: an integer, 1 or more. Default: only as the
   * processor asks, and at the end.
   */
  checkpointEveryRecords?: number;
  /**
   * Checkpoint when this many seconds passed since the last one: more than 0, at most
   * `MAX_TIMER_MS / 1000` (about 24.8 days). Default: as above.
   */
  checkpointEverySeconds?: number;
  /** Tries of a user record that throws, before `onError`: 1 or more. Default 3. `processRecord` only. */
  maxAttempts?: number;
  /**
   * Base of the backoff between tries and of checkpoint throttling retries, in whole milliseconds
   * up to `MAX_TIMER_MS`. Default 100 ms.
   */
  baseDelayMs?: number;
  /**
   * After the last try: `'stop'` (default) rejects `start()` without checkpointing past the
   * record, so the daemon restarts the shard from the last checkpoint and nothing is lost;
   * `'skip'` goes on (the record counts as done). A function decides per record; one that
   * throws, rejects or answers anything else stops, as `'stop'` does.
   * `processRecord` only: `processRecords` handles its failures itself.
   */
  onError?: OnRecordError | ((error: unknown, record: KclUserRecord) => OnRecordError);
  /**
   * Has `info`, `warn` and `error`; a Powertools `Logger` fits. Logs go to stderr: never to
   * stdout, which the daemon reads. Default: warnings and errors as JSON lines on the console's
   * stderr (core's `consoleLogger`); `false` for none.
   */
  logger?: Pick<KplLogger, 'info' | 'warn' | 'error'> | false;
}
