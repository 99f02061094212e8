import type { KinesisStreamRecord, KinesisStreamRecordPayload } from 'aws-lambda';
import type { ListedShard, ShardHashKeyRange, ShardMap } from './aggregation/ShardMap.js';
import type { SubSequenceSet } from './checkpoints/SubSequenceSet.js';
import type { CheckedPartitionKey } from './format/CheckedPartitionKey.js';
import type { CloudWatchLogsEvent } from './payload/payloadTypes.js';

/**
 * What to do with a corrupt aggregate: one whose MD5 digest matches but whose body cannot be
 * decoded.
 * - `'passthrough'` (default): hand it on unchanged as one record with a `deaggregationError`,
 *   so that nothing is lost and the caller decides.
 * - `'throw'`: throw a {@link KplDecodeError}.
 */
export type OnCorrupt = 'passthrough' | 'throw';

/**
 * What a Lambda consumer (`kplDeagg()` of `@kpl-lambda/middy`, `KplBatchProcessor` of
 * `@kpl-lambda/powertools`) does with a corrupt aggregate:
 * - `'passthrough'` (default): hand it to the handler unchanged, with `kinesis.deaggregationError`
 *   and `kinesis.deaggregationErrorReason`.
 * - `'throw'`: fail the invocation with `KplDecodeError`; Lambda retries the batch.
 * - `'fail'`: keep it from the handler and report its parent as failed, so that Lambda's retries
 *   and on-failure destination deal with it while the rest goes on (needs
 *   `ReportBatchItemFailures`).
 */
export type BatchOnCorrupt = OnCorrupt | 'fail';

/** Options of every deaggregation function. */
export interface DeaggregateOptions {
  /** What to do with a corrupt aggregate. Default `'passthrough'`. */
  onCorrupt?: OnCorrupt;
}

/** Stable codes for what is wrong with a corrupt aggregate. */
export type KplDecodeErrorReason =
  /** A field or length runs past the end of the message. */
  | 'TRUNCATED'
  /** A varint longer than 10 bytes, or a value too large for its field. */
  | 'MALFORMED_VARINT'
  /** A reserved wire type, an end-group tag where a field starts, or field number 0. */
  | 'MALFORMED_FIELD'
  /** A user record without `partition_key_index` or `data`. */
  | 'MISSING_FIELD'
  /** A partition key or explicit hash key index outside its table. */
  | 'INDEX_OUT_OF_RANGE'
  /** An explicit hash key that is not a decimal in 0 .. 2^128-1 (the KCL cannot route by it). */
  | 'INVALID_EXPLICIT_HASH_KEY'
  /** A well-formed aggregate that holds no user record. */
  | 'NO_RECORDS';

/**
 * The `kinesis` payload of a user record delivered to a Lambda handler: the parent's payload
 * with the user record's own partition key and data, plus what aggregation adds.
 */
export interface KinesisStreamUserRecordPayload
  extends Omit<KinesisStreamRecordPayload, 'partitionKey'> {
  /**
   * The user record's partition key: an aggregated user record's own (always a string), a plain
   * record's as Lambda delivered it. A record written without one to a service-managed stream
   * (`RecordDistributionStrategy: AUTO`) has none: Lambda sends `null` (or leaves the field
   * out), and so does the user record. `@types/aws-lambda` types Lambda's own field as `string`.
   */
  partitionKey?: string | null;
  /** The user record's data, base64-encoded as Lambda delivers it. */
  data: string;
  /** The parent (Kinesis) record's sequence number, shared by every user record of an aggregate. */
  sequenceNumber: string;
  /** 0-based position of the user record in its aggregate; 0 for a plain record. */
  subSequenceNumber: number;
  /** Whether this user record was unpacked from a KPL aggregate. */
  aggregated: boolean;
  /** The user record's explicit hash key, present only when the aggregate gives it one. */
  explicitHashKey?: string;
  /**
   * Present only on a corrupt aggregate passed through unchanged (`onCorrupt: 'passthrough'`):
   * why it could not be decoded. `data` is then the whole original aggregate.
   */
  deaggregationError?: string;
  /** Beside `deaggregationError`: its stable code, the {@link KplDecodeError} `reason`. */
  deaggregationErrorReason?: KplDecodeErrorReason;
  /**
   * On a record the `decode` option split out of an envelope: its 0-based position among the
   * envelope's records. With `sequenceNumber` and `subSequenceNumber` (its user record's), the
   * record's identity, for a handler's own idempotency; stable across deliveries.
   */
  innerIndex?: number;
  /** On a record decoded from a CloudWatch Logs envelope: the log event's fields. */
  cloudWatchLogs?: CloudWatchLogsEvent;
}

/**
 * A user record in the shape of a Lambda `KinesisStreamRecord`: every envelope field of its
 * parent (`eventID`, `eventSourceARN`, `awsRegion`, ...) and a {@link KinesisStreamUserRecordPayload}.
 */
export interface KinesisStreamUserRecord extends Omit<KinesisStreamRecord, 'kinesis'> {
  kinesis: KinesisStreamUserRecordPayload;
}

/** A Kinesis Data Streams Lambda event whose records are user records. */
export interface KinesisStreamUserEvent {
  Records: KinesisStreamUserRecord[];
}

/**
 * What Lambda adds to a Kinesis event when its event source mapping has tumbling windows
 * (`TumblingWindowInSeconds`), `shardId` and `eventSourceARN` included (which
 * `KinesisStreamTumblingWindowEvent` of `@types/aws-lambda` leaves out). The response must carry
 * `state` back, beside `batchItemFailures`.
 *
 * @example
 * ```ts
 * import type { KinesisTumblingWindow } from '@kpl-lambda/core';
 * import type { KinesisStreamEvent } from 'aws-lambda';
 * type Totals = Record<string, number>;
 * export const handler = async (event: KinesisStreamEvent & KinesisTumblingWindow<Totals>) => {
 *   if (event.isFinalInvokeForWindow) console.log(event.window, event.state);
 *   return { state: event.state ?? {}, batchItemFailures: [] };
 * };
 * ```
 */
export interface KinesisTumblingWindow<State extends object = Record<string, unknown>> {
  /** ISO 8601 bounds, `2020-12-09T07:04:00Z`: records belong by their approximate arrival. */
  window: { start: string; end: string };
  /** What the window's last accepted invocation returned; `{}` when the window opens. */
  state?: State;
  shardId: string;
  eventSourceARN: string;
  /** The window is over: the state is final, and dropped once this invocation succeeds. */
  isFinalInvokeForWindow: boolean;
  /** The state outgrew 1 MB: the window goes on after this with a fresh state. */
  isWindowTerminatedEarly: boolean;
}

/** The keys of the Kinesis record that carried some bytes, for {@link deaggregateBytes}. */
export interface ParentRecordKeys {
  /**
   * The Kinesis record's partition key: a plain record's user record keeps it. None (absent or
   * `null`) for a record written without one to a service-managed stream: its user record then
   * has none either, and an aggregate's user records have their own.
   */
  partitionKey?: string | null;
  /** The Kinesis record's explicit hash key, if the caller knows it. */
  explicitHashKey?: string;
  /** The Kinesis record's sequence number, used only in error messages. */
  sequenceNumber?: string;
}

/** A user record decoded from bytes: `data` is a zero-copy view into the parent's bytes. */
export interface UserRecord {
  /**
   * An aggregated user record's own partition key, or a plain record's parent's. Absent for a
   * plain record written without one to a service-managed stream (`RecordDistributionStrategy:
   * AUTO`): GetRecords gives it no `PartitionKey`.
   */
  partitionKey?: string;
  /** Present only when the user record has an explicit hash key. */
  explicitHashKey?: string;
  data: Uint8Array;
  /** 0-based position in the aggregate; 0 for a plain record. */
  subSequenceNumber: number;
  /** Whether it was unpacked from a KPL aggregate. */
  aggregated: boolean;
  /** Present only on a corrupt aggregate passed through unchanged: why it could not be decoded. */
  deaggregationError?: string;
  /** Beside `deaggregationError`: its stable code, the {@link KplDecodeError} `reason`. */
  deaggregationErrorReason?: KplDecodeErrorReason;
}

/**
 * The fields of an AWS SDK v3 Kinesis `_Record` (from `GetRecords` or `SubscribeToShard`) that
 * deaggregation reads. SDK records fit it as they are.
 */
export interface SdkKinesisRecord {
  Data?: Uint8Array;
  /** Absent for a record written without one to a service-managed stream. */
  PartitionKey?: string;
  /** Kinesis always sends it; without one, the user records have an empty `sequenceNumber`. */
  SequenceNumber?: string;
  ApproximateArrivalTimestamp?: Date;
}

/** A user record decoded from an SDK record, with its parent's sequence number and arrival time. */
export interface SdkUserRecord extends UserRecord {
  sequenceNumber: string;
  approximateArrivalTimestamp?: Date;
}

/** A user record to aggregate. A string `data` is encoded as UTF-8. */
export interface UserRecordInput {
  partitionKey: string;
  data: Uint8Array | string;
  /** Decimal string in 0 .. 2^128-1; routes the user record instead of its partition key. */
  explicitHashKey?: string;
  /**
   * `partitionKey` checked once, shared by the records with that key: the aggregator then skips
   * checking, measuring and looking it up (see {@link CheckedPartitionKey}).
   */
  checkedPartitionKey?: CheckedPartitionKey;
}

/** Options of {@link aggregate} and {@link RecordAggregator}. */
export interface AggregatorOptions {
  /**
   * Bound on each output record's data bytes plus the UTF-8 bytes of its partition key, as
   * Kinesis counts a record. Default 1 MiB (1048576); at most 10 MiB for streams configured
   * with a larger `MaxRecordSizeInKiB`. Named as the KPL's `AggregationMaxSize` and the
   * producer's option; the producer's default is the KPL's (51,200 bytes, less redelivered when a
   * user record fails), this one Kinesis's record limit, to pack a batch into as few records as fit.
   */
  aggregationMaxBytes?: number;
  /**
   * Bound on the number of user records in one aggregate, as the KPL's `AggregationMaxCount`.
   * Default: no bound.
   */
  aggregationMaxCount?: number;
  /**
   * Emit a KPL aggregate even for a single user record. Default `false`: like the KPL, a lone
   * user record is sent plain, which saves 20+ bytes and lets consumers without
   * deaggregation read it.
   */
  aggregateSingleRecord?: boolean;
  /**
   * The stream's shards (the `Shards` of `ListShards`, or a {@link ShardMap}): each aggregate
   * then holds the user records of one shard only, and says which (`shardId`), as the KPL
   * aggregates. Needed wherever a KCL consumer reads a stream of more than one shard: the KCL
   * drops a whole aggregate when one of its user records hashes outside the shard it was read
   * from. Default: none, records of any keys share an aggregate.
   */
  shards?: ShardMap | Iterable<ShardHashKeyRange | ListedShard>;
}

/**
 * A record ready for `PutRecords`. When it holds one user record it is that record, plain
 * (as the KPL sends it); otherwise a KPL aggregate whose partition key and explicit hash key
 * are those of its first user record, so it is routed where that record belongs.
 */
export interface AggregatedRecord<T = UserRecordInput> {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
  /** With the `shards` option: the shard every user record of it belongs to. */
  shardId?: string;
  /**
   * The input records it holds, in order (their position is their sub-sequence number), or what
   * was given for each as `source` to {@link RecordAggregator.add}.
   */
  userRecords: T[];
}

/** A parent (Kinesis) record, as a checkpoint store knows it. */
export interface ParentRecordId {
  /** The stream's ARN (Lambda's `eventSourceARN`). */
  streamArn: string;
  /** The shard the record was read from. */
  shardId: string;
  /** The parent's sequence number, shared by all its user records. */
  sequenceNumber: string;
}

/** What a checkpoint store records of one parent: the sub-sequence numbers done. */
export interface ParentProgress {
  /** The parent. */
  parent: ParentRecordId;
  /** Its user records done so far. */
  done: SubSequenceSet;
}

/**
 * Where the Lambda adapters keep which user records of a parent are done, so that a retry of the
 * parent runs only the rest (`@kpl-lambda/checkpoints` has one on DynamoDB and one in memory).
 * A parent's identity is its consumer (the store's), stream, shard and sequence number.
 */
export interface CheckpointStore {
  /** The progress of these parents, keyed by `parentKey(parent)`; parents with none are absent. */
  load(parents: readonly ParentRecordId[]): Promise<ReadonlyMap<string, SubSequenceSet>>;
  /**
   * Adds progress: each parent's done set becomes the union of what it was and `done`. A parent
   * whose `done` adds nothing is still being delivered: a store whose checkpoints expire keeps
   * it alive; any other store may skip it.
   */
  save(progress: readonly ParentProgress[]): Promise<void>;
}
