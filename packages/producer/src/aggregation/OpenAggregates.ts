import { type AggregatedRecord, RecordAggregator, type UserRecordInput } from '@kpl-lambda/core';
import type { ProducerRecord } from '../types.js';
import type { BufferedUserRecord } from '../userRecords.js';

/**
 * An aggregate being filled for one group. Of each user record it keeps only its source (in the
 * aggregator) and its put sequence number: the record was encoded as it joined, and can be read
 * back from the aggregate's bytes, so no object per user record is held until it is sent.
 */
interface OpenAggregate {
  aggregator: RecordAggregator<ProducerRecord>;
  shardId: string | undefined;
  /** When its first user record was put: it is closed `maxBufferedMs` later at the latest. */
  openedAt: number;
  /** Its user records' put sequence numbers, in order. */
  sequences: number[];
  /** Its user records' bytes and last put, tallied as each joins (see `UserRecordsTally`). */
  heldBytes: number;
  lastSequence: number;
}

/** A finished aggregate, for the queue of its group. */
export interface ClosedAggregate {
  aggregated: AggregatedRecord<ProducerRecord>;
  group: string;
  shardId: string | undefined;
  openedAt: number;
  sequences: number[];
  heldBytes: number;
  lastSequence: number;
}

/** Emptied aggregators kept for the groups that open next, at most. */
const MAX_IDLE_AGGREGATORS = 64;

/** What the aggregates may hold, and what emptied ones may keep: `idleBytes` of buffers. */
export interface OpenAggregatesOptions {
  aggregationMaxBytes: number;
  aggregationMaxCount: number;
  idleBytes: number;
  /** Send a lone user record as an aggregate of one (ordered groups: it needs its group's key). */
  aggregateSingleRecord?: boolean;
}

/**
 * The aggregates being filled, one per group. A group holds state only while its aggregate holds
 * user records, and the map keeps groups in the order their aggregates opened, so the ones due
 * to close are always at its front.
 *
 * A closed group's aggregator, emptied, serves the next group to open: a Lambda function that
 * flushes at every invocation then keeps its aggregators' buffers, grown to the aggregate size,
 * and their judgement of whether keys repeat, instead of growing and judging afresh each time.
 * An idle aggregator holds no user record, only a buffer of up to twice `aggregationMaxBytes`: they are kept
 * while those buffers fit `idleBytes`.
 */
export class OpenAggregates {
  readonly #open = new Map<string, OpenAggregate>();
  readonly #idle: RecordAggregator<ProducerRecord>[] = [];
  readonly #maxIdle: number;
  readonly #options: {
    aggregationMaxBytes: number;
    aggregationMaxCount: number;
    aggregateSingleRecord: boolean;
  };

  public constructor({
    aggregationMaxBytes,
    aggregationMaxCount,
    idleBytes,
    aggregateSingleRecord = false,
  }: OpenAggregatesOptions) {
    this.#options = { aggregationMaxBytes, aggregationMaxCount, aggregateSingleRecord };
    this.#maxIdle = Math.min(
      MAX_IDLE_AGGREGATORS,
      Math.floor(idleBytes / (2 * aggregationMaxBytes)),
    );
  }

  /** Adds a user record to its group's aggregate; hands back the aggregate it filled, if any. */
  public add(
    group: string,
    shardId: string | undefined,
    userRecord: BufferedUserRecord,
  ): ClosedAggregate | undefined {
    let open = this.#open.get(group);
    if (open === undefined) {
      open = {
        aggregator: this.#idle.pop() ?? new RecordAggregator(this.#options),
        shardId,
        openedAt: userRecord.putAt,
        sequences: [],
        heldBytes: 0,
        lastSequence: -1,
      };
      this.#open.set(group, open);
    }
    // Only records with a key are aggregated (a stream placed by key gives each one).
    const full = open.aggregator.add(userRecord as UserRecordInput, userRecord.source);
    if (full === undefined) {
      open.sequences.push(userRecord.sequence);
      open.heldBytes += userRecord.bytes;
      open.lastSequence = Math.max(open.lastSequence, userRecord.sequence);
      return undefined;
    }
    const closed = closedAggregate(full, group, open);
    // The record that did not fit opened the group's next aggregate.
    open.openedAt = userRecord.putAt;
    open.sequences = [userRecord.sequence];
    open.heldBytes = userRecord.bytes;
    open.lastSequence = userRecord.sequence;
    this.#open.delete(group);
    this.#open.set(group, open);
    return closed;
  }

  /** Closes the group's aggregate now (a record too large to join it goes next). */
  public close(group: string): ClosedAggregate | undefined {
    const open = this.#open.get(group);
    if (open === undefined) return undefined;
    this.#open.delete(group);
    const closed = closedAggregate(open.aggregator.flush()!, group, open);
    this.#keepIdle(open.aggregator);
    return closed;
  }

  /** Closes every aggregate opened at or before `openedBy` (all of them with `Infinity`). */
  public closeOpenedBy(openedBy: number): ClosedAggregate[] {
    const closed: ClosedAggregate[] = [];
    for (const [group, open] of this.#open) {
      if (open.openedAt > openedBy) break;
      closed.push(this.close(group)!);
    }
    return closed;
  }

  /** When the oldest open aggregate opened. */
  public get oldestOpenedAt(): number | undefined {
    return this.#open.values().next().value?.openedAt;
  }

  #keepIdle(emptied: RecordAggregator<ProducerRecord>): void {
    if (this.#idle.length < this.#maxIdle) this.#idle.push(emptied);
  }
}

function closedAggregate(
  aggregated: AggregatedRecord<ProducerRecord>,
  group: string,
  { shardId, openedAt, sequences, heldBytes, lastSequence }: OpenAggregate,
): ClosedAggregate {
  return { aggregated, group, shardId, openedAt, sequences, heldBytes, lastSequence };
}
