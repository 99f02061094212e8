/** A shard of a stream. */
export interface StreamShard {
  streamName: string;
  shardId: string;
}

/** How long Kinesis (and kinesalite) accepts a shard iterator. */
const ITERATOR_LIFETIME_MS = 5 * 60_000;

/**
 * Which shard each shard iterator given out reads: `GetRecords` names only an iterator, and the
 * front must know the shard to add its children at its end. Kept for as long as an iterator
 * lives, and no longer: a generation of iterators is forgotten one lifetime after the next began.
 */
export class IteratorShards {
  #current = new Map<string, StreamShard>();
  #previous = new Map<string, StreamShard>();
  #since = Date.now();

  public remember(iterator: string, shard: StreamShard): void {
    const now = Date.now();
    if (now - this.#since > ITERATOR_LIFETIME_MS) {
      this.#previous = this.#current;
      this.#current = new Map();
      this.#since = now;
    }
    this.#current.set(iterator, shard);
  }

  public shardOf(iterator: unknown): StreamShard | undefined {
    if (typeof iterator !== 'string') return undefined;
    return this.#current.get(iterator) ?? this.#previous.get(iterator);
  }
}
