import { assertValidKeys } from '@kpl-lambda/core/internal';
import { KnownPartitionKey } from './KnownPartitionKey.js';

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

  /**
   * The partition key as the producer remembers it, or `undefined` while it remembers none (a key
   * used once needs no memo, and making one per record costs unique keys time). The
   * key is checked either way: `KplInvalidRecordError` for one Kinesis refuses.
   */
  public know(partitionKey: string): KnownPartitionKey | undefined {
    const remembered = this.#unremembered > 0 ? undefined : this.#known.get(partitionKey);
    if (remembered === undefined) return this.#checkAndRemember(partitionKey);
    this.#hits++;
    return remembered;
  }

  /** A key not remembered: out of line, so that `know` is small enough to inline in a put. */
  #checkAndRemember(partitionKey: string): KnownPartitionKey | undefined {
    if (this.#unremembered > 0) {
      this.#unremembered--;
      assertValidKeys(partitionKey, undefined);
      return undefined;
    }
    const known = new KnownPartitionKey(partitionKey);
    if (this.#known.size >= REMEMBERED_KEYS) {
      if (this.#hits < this.#known.size) this.#unremembered = 10 * REMEMBERED_KEYS;
      this.#known = new Map();
      this.#hits = 0;
    }
    this.#known.set(partitionKey, known);
    return known;
  }
}
