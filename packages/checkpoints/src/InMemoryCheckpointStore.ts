import {
  type CheckpointStore,
  type ParentProgress,
  type ParentRecordId,
  parentKey,
  type SubSequenceSet,
} from '@kpl-lambda/core';
import { assertKnownOptions, assertTypeOf } from '@kpl-lambda/core/internal';
import { configurationError as E } from './errors.js';
import { IN_MEMORY_CHECKPOINT_STORE_OPTIONS } from './options.js';
import type { InMemoryCheckpointStoreOptions } from './types.js';

/**
 * A checkpoint store in memory, with the semantics of {@link DynamoDBCheckpointStore} (progress is
 * merged as a union, per consumer): for unit tests of handlers that use checkpoints.
 *
 * @example
 * ```ts
 * import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
 * import kplDeagg from '@kpl-lambda/middy';
 * const checkpoints = new InMemoryCheckpointStore();
 * const middleware = kplDeagg({ checkpoints });
 * ```
 */
export class InMemoryCheckpointStore implements CheckpointStore {
  /** Requests served, as a DynamoDB store would count them (`counters`, as the producer's). */
  public readonly counters = { reads: 0, writes: 0 };
  readonly #consumerName: string;
  readonly #progress = new Map<string, SubSequenceSet>();

  public constructor(options: InMemoryCheckpointStoreOptions = {}) {
    assertKnownOptions(options, IN_MEMORY_CHECKPOINT_STORE_OPTIONS, E);
    assertTypeOf('consumerName', options?.consumerName, 'string', E);
    this.#consumerName = options?.consumerName ?? 'local';
  }

  public async load(
    parents: readonly ParentRecordId[],
  ): Promise<ReadonlyMap<string, SubSequenceSet>> {
    this.counters.reads++;
    const found = new Map<string, SubSequenceSet>();
    for (const parent of parents) {
      const done = this.#progress.get(this.#key(parent));
      if (done !== undefined) found.set(parentKey(parent), done);
    }
    return found;
  }

  public async save(progress: readonly ParentProgress[]): Promise<void> {
    for (const { parent, done } of progress) {
      const key = this.#key(parent);
      const before = this.#progress.get(key);
      // Nothing expires here: a parent whose progress adds nothing needs no write.
      if (before?.covers(done)) continue;
      this.counters.writes++;
      this.#progress.set(key, before === undefined ? done : before.union(done));
    }
  }

  #key(parent: ParentRecordId): string {
    return `${this.#consumerName}|${parentKey(parent)}`;
  }
}
