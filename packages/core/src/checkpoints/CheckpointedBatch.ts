import type { KinesisStreamRecord } from 'aws-lambda';
import type { KplLogger } from '../logger.js';
import type { CheckpointStore, KinesisStreamUserRecord, ParentRecordId } from '../types.js';
import { SubSequenceSet } from './SubSequenceSet.js';

/**
 * The identity of a parent record in a checkpoint store (the store adds its consumer): what a
 * {@link CheckpointStore}'s `load` keys each parent's progress by.
 *
 * @example
 * ```ts
 * import { parentKey, SubSequenceSet } from '@kpl-lambda/core';
 * const progress = new Map([[parentKey(parent), SubSequenceSet.of([0, 1, 2])]]);
 * ```
 */
export function parentKey({ streamArn, shardId, sequenceNumber }: ParentRecordId): string {
  return `${streamArn}|${shardId}|${sequenceNumber}`;
}

/** The parent a Lambda record (or a user record of it) came from. */
export function parentOf(record: KinesisStreamRecord | KinesisStreamUserRecord): ParentRecordId {
  return {
    streamArn: record.eventSourceARN,
    shardId: record.eventID.split(':', 1)[0]!,
    sequenceNumber: record.kinesis.sequenceNumber,
  };
}

/**
 * One invocation's checkpoints, as both Lambda adapters keep them: which user records of the
 * batch's parents were done before (so that they are not handed to the handler again), and what
 * to record after it. The store failing never loses a record: a failed read hands everything to
 * the handler, a failed write leaves those records to run again on Lambda's retry.
 *
 * @example
 * ```ts
 * import { CheckpointedBatch } from '@kpl-lambda/core/internal';
 * const batch = await CheckpointedBatch.load(store, event.Records, logger);
 * const toHandle = userRecords.filter((record) => !batch.isDone(record));
 * // ... handle them, then:
 * await batch.save(succeeded, failedParentSequenceNumbers);
 * ```
 */
export class CheckpointedBatch {
  readonly #store: CheckpointStore;
  readonly #log: Pick<KplLogger, 'warn'>;
  /** The batch's parents, in batch order (sequence order within a shard). */
  readonly #parents: ParentRecordId[];
  readonly #done: ReadonlyMap<string, SubSequenceSet>;

  private constructor(
    store: CheckpointStore,
    log: Pick<KplLogger, 'warn'>,
    parents: ParentRecordId[],
    done: ReadonlyMap<string, SubSequenceSet>,
  ) {
    this.#store = store;
    this.#log = log;
    this.#parents = parents;
    this.#done = done;
  }

  /**
   * Reads the progress of the batch's parents: one read for the whole batch. Never rejects: a
   * store that fails, or answers anything but a map of sub-sequence numbers, has read nothing.
   */
  public static async load(
    store: CheckpointStore,
    records: readonly KinesisStreamRecord[],
    log: Pick<KplLogger, 'warn'>,
  ): Promise<CheckpointedBatch> {
    const parents = records.map(parentOf);
    let done: ReadonlyMap<string, SubSequenceSet> = new Map();
    try {
      done = ownSets(await store.load(parents));
    } catch (error) {
      log.warn('Checkpoints could not be read: every user record of the batch is handled', {
        error,
      });
    }
    return new CheckpointedBatch(store, log, parents, done);
  }

  /** Whether this user record was done in an earlier delivery of its parent. */
  public isDone(userRecord: KinesisStreamUserRecord): boolean {
    return (
      this.#done.get(parentKey(parentOf(userRecord)))?.has(userRecord.kinesis.subSequenceNumber) ===
      true
    );
  }

  /**
   * Records progress where Lambda will deliver again: the parents from the lowest failed one on,
   * each with what was done before and what succeeded now, at most one write per parent. A
   * parent that gained nothing but has progress goes to the store too, as it was: it is still
   * being delivered, and a store whose checkpoints expire keeps it alive. With no failure Lambda
   * moves past the batch: nothing is written. Never rejects.
   */
  public async save(
    succeeded: Iterable<KinesisStreamUserRecord>,
    failedParents: Iterable<string>,
  ): Promise<void> {
    const failed = new Set(failedParents);
    const firstFailed = this.#parents.findIndex((parent) => failed.has(parent.sequenceNumber));
    if (firstFailed === -1) return;
    const succeededByParent = new Map<string, number[]>();
    for (const userRecord of succeeded) {
      const key = parentKey(parentOf(userRecord));
      const list = succeededByParent.get(key) ?? [];
      list.push(userRecord.kinesis.subSequenceNumber);
      succeededByParent.set(key, list);
    }
    const progress: Array<{ parent: ParentRecordId; done: SubSequenceSet }> = [];
    for (const parent of this.#parents.slice(firstFailed)) {
      const key = parentKey(parent);
      const before = this.#done.get(key) ?? SubSequenceSet.empty();
      const now = succeededByParent.get(key);
      const done = now === undefined ? before : before.union(SubSequenceSet.of(now));
      if (done.size > 0) progress.push({ parent, done });
    }
    if (progress.length === 0) return;
    try {
      await this.#store.save(progress);
    } catch (error) {
      this.#log.warn('Checkpoints could not be written: their user records run again on retry', {
        error,
        parents: progress.length,
      });
    }
  }
}

/**
 * What a store loaded, each value a set of this core (a store built on another copy of it
 * answers sets of that copy). Throws on anything that is no map of sub-sequence numbers, which
 * would otherwise throw later, while records are handled or reported.
 */
function ownSets(loaded: ReadonlyMap<string, Iterable<number>>): Map<string, SubSequenceSet> {
  const sets = new Map<string, SubSequenceSet>();
  for (const [key, done] of loaded) {
    sets.set(key, done instanceof SubSequenceSet ? done : SubSequenceSet.of(done));
  }
  return sets;
}
