import { type CheckedPartitionKey, enteredIn, indexIn } from '../format/CheckedPartitionKey.js';
import type { WireWriter } from '../format/WireWriter.js';

/** Only an aggregate of this many keyed user records tells whether its keys repeat. */
const USES_TO_JUDGE = 1024;
/** Fewer than one use in this many found its key already: the keys do not repeat. */
const REUSE_WORTH_LOOKING_UP = 64;
/** Aggregates written without lookups before one looks its keys up again. */
const AGGREGATES_WITHOUT_LOOKUP = 8;

/**
 * One of an aggregate's key tables (partition keys or explicit hash keys): the keys in index
 * order, each with its UTF-8 size, and a map to find a key's index, so that a key that repeats
 * is written once.
 *
 * The map is for keys that repeat. With keys that do not (random or unique ones, as producers
 * spreading their load use), finding and remembering each one saves no byte and costs the
 * aggregator much of its time (see the unique-keys rows of the benchmarks). So once an aggregate of at least
 * 1,024 keyed user records finds fewer than 1 in 64 of their keys in its table, the aggregator's
 * next eight aggregates enter every key as a new entry without a lookup (the format allows a key
 * in its table twice), and the one after looks them up again, to notice keys that came to repeat.
 */
export class KeyTable {
  #keys: string[] = [];
  #bytes: number[] = [];
  /** Each key's index; empty while keys are not looked up. */
  #indexes = new Map<string, number>();
  #looksUp = true;
  #aggregatesWithoutLookup = 0;

  /** The keys, by index. */
  public get keys(): readonly string[] {
    return this.#keys;
  }

  /** The index the next new key takes. */
  public get size(): number {
    return this.#keys.length;
  }

  /**
   * The index of a key in the table, or `undefined`: not there, or not looked up. A checked key
   * this table entered is found without a lookup (each aggregate's table has a map of its own).
   * While keys are not looked up the map is not asked either: asking an empty map still hashes
   * a new key string, every character of it.
   */
  public indexOf(key: string, checked?: CheckedPartitionKey): number | undefined {
    const index = checked && indexIn(checked, this.#indexes);
    if (index !== undefined || !this.#looksUp) return index;
    return this.#indexes.get(key);
  }

  /** The UTF-8 size of the key at `index`. */
  public bytesAt(index: number): number {
    return this.#bytes[index]!;
  }

  /** Enters a new key: it takes the next index. */
  public add(key: string, bytes: number, checked?: CheckedPartitionKey): void {
    if (this.#looksUp) this.#indexes.set(key, this.#keys.length);
    if (checked) enteredIn(checked, this.#indexes, this.#keys.length);
    this.#keys.push(key);
    this.#bytes.push(bytes);
  }

  /** Writes the keys in index order, each as a field of the aggregate tagged `tag`. */
  public writeTo(writer: WireWriter, tag: number): void {
    const keys = this.#keys;
    for (let index = 0; index < keys.length; index++) {
      const bytes = this.#bytes[index]!;
      writer.varint(tag);
      writer.varint(bytes);
      writer.text(keys[index]!, bytes);
    }
  }

  /**
   * Empties the table for the next aggregate, and decides whether that one looks keys up: `uses`
   * is how many user records of the aggregate had a key in this table.
   */
  public clear(uses: number): void {
    const reused = uses - this.#keys.length;
    if (!this.#looksUp) {
      this.#looksUp = ++this.#aggregatesWithoutLookup === AGGREGATES_WITHOUT_LOOKUP;
    } else if (uses >= USES_TO_JUDGE && reused * REUSE_WORTH_LOOKING_UP < uses) {
      this.#looksUp = false;
      this.#aggregatesWithoutLookup = 0;
    }
    this.#keys = [];
    this.#bytes = [];
    this.#indexes = new Map();
  }
}
