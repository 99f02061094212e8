import { Buffer } from 'node:buffer';
import { assertValidKeys } from '@kpl-lambda/core';
import type { ShardMap } from './ShardMap.js';
import type { Route } from './ShardRouter.js';

/** What the producer learnt of a partition key when it first checked it. */
export interface KnownPartitionKey {
  /**
   * The first string put with this text. Later records carry it instead of their own, so that
   * an aggregate's key table finds it by identity rather than by comparing characters.
   */
  readonly partitionKey: string;
  /** Its size in UTF-8. */
  readonly bytes: number;
  /** Its route under the shard map `routedBy`, kept by the router. */
  route: Route | undefined;
  routedBy: ShardMap | undefined;
}

/** Partition keys remembered at once; past that the memory starts afresh. */
const REMEMBERED_KEYS = 10_000;

/**
 * Checks each partition key, remembering the checked ones, so that a key put again is not checked,
 * measured or routed again. Keys that rarely come back (unique or random ones) cost more to
 * remember than to check, so when most of a full memory was never asked for again, it stops
 * remembering for a while.
 */
export class PartitionKeys {
  #known = new Map<string, KnownPartitionKey>();
  #hits = 0;
  #unremembered = 0;

  /** The facts of a partition key; throws `KplInvalidRecordError` for one Kinesis refuses. */
  public know(partitionKey: string): KnownPartitionKey {
    if (this.#unremembered > 0) {
      this.#unremembered--;
      return checked(partitionKey);
    }
    const remembered = this.#known.get(partitionKey);
    if (remembered !== undefined) {
      this.#hits++;
      return remembered;
    }
    const known = checked(partitionKey);
    if (this.#known.size >= REMEMBERED_KEYS) {
      if (this.#hits < this.#known.size) this.#unremembered = 10 * REMEMBERED_KEYS;
      this.#known = new Map();
      this.#hits = 0;
    }
    this.#known.set(partitionKey, known);
    return known;
  }
}

function checked(partitionKey: string): KnownPartitionKey {
  assertValidKeys(partitionKey, undefined);
  return {
    partitionKey,
    bytes: Buffer.byteLength(partitionKey, 'utf8'),
    route: undefined,
    routedBy: undefined,
  };
}
