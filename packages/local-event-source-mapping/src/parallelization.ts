// Lambda's ParallelizationFactor: several batches of one shard in flight at once, order kept per
// partition key of the Kinesis record (the parent, for KPL aggregates) only.
import type { _Record } from '@aws-sdk/client-kinesis';

/**
 * Deals the records of one read to `factor` lanes by partition key, keeping their order: the
 * records of one key all go to one lane, so they are never in flight at once and arrive in
 * order. Lambda does not say how it spreads keys; here the keys are dealt in turn, in the order
 * they first appear, which puts two keys in two lanes whenever there are two lanes.
 */
export function lanesOf(records: readonly _Record[], factor: number): _Record[][] {
  const lanes: _Record[][] = Array.from({ length: factor }, () => []);
  const laneOfKey = new Map<string | undefined, number>();
  for (const record of records) {
    // A record without a partition key (a service-managed stream) has no order to keep: those
    // share one lane, as if their key were one.
    let lane = laneOfKey.get(record.PartitionKey);
    if (lane === undefined) {
      lane = laneOfKey.size % factor;
      laneOfKey.set(record.PartitionKey, lane);
    }
    lanes[lane]!.push(record);
  }
  return lanes.filter((lane) => lane.length > 0);
}

/**
 * Where a shard's checkpoint may go while its lanes finish batches in any order: past the records
 * that are done, up to the first that is not. A later batch that finished first moves nothing.
 *
 * @example
 * ```ts
 * const progress = new ContiguousProgress(records);
 * progress.done(records.slice(2, 4)); // undefined: records 0 and 1 are not done
 * progress.done(records.slice(0, 2)); // the sequence number of records[3]
 * ```
 */
export class ContiguousProgress {
  readonly #records: readonly _Record[];
  readonly #indexOf: Map<_Record, number>;
  readonly #done: boolean[];
  #next = 0;

  public constructor(records: readonly _Record[]) {
    this.#records = records;
    this.#indexOf = new Map(records.map((record, i) => [record, i]));
    this.#done = records.map(() => false);
  }

  /** Marks records done; returns the sequence number a checkpoint may move to, if it moved. */
  public done(records: readonly _Record[]): string | undefined {
    for (const record of records) this.#done[this.#indexOf.get(record)!] = true;
    const before = this.#next;
    while (this.#next < this.#done.length && this.#done[this.#next]) this.#next++;
    return this.#next > before ? this.#records[this.#next - 1]!.SequenceNumber : undefined;
  }
}
