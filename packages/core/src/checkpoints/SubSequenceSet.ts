import { KplInvalidRecordError } from '../errors.js';

/** One range of a range list: a number, or two joined by `-`; safe integers only. */
const RANGE = /^(\d{1,15})(?:-(\d{1,15}))?$/;

/**
 * The sub-sequence numbers of one parent's user records that are done, as sorted, disjoint
 * ranges: an aggregate's progress is mostly one or two runs, whatever its size. Serialises to the
 * shorter of a range list (`"0-2,4,6-9"`) and a bitmap, so that any aggregate (up to ~200,000
 * user records) fits a DynamoDB item.
 *
 * @example
 * ```ts
 * import { SubSequenceSet } from '@kpl-lambda/core';
 * const done = SubSequenceSet.of([0, 1, 2, 4]);
 * done.has(3); // false
 * done.toString(); // '0-2,4'
 * ```
 */
export class SubSequenceSet {
  /** Start and end (inclusive) of each run, in order, never touching. */
  readonly #ranges: Array<[number, number]>;

  private constructor(ranges: Array<[number, number]>) {
    this.#ranges = ranges;
  }

  /** The set of the given sub-sequence numbers (any order, repeats allowed). */
  public static of(subSequenceNumbers: Iterable<number>): SubSequenceSet {
    const sorted = [...new Set(subSequenceNumbers)].sort((a, b) => a - b);
    const ranges: Array<[number, number]> = [];
    for (const n of sorted) {
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new KplInvalidRecordError(`Not a sub-sequence number: ${n}`);
      }
      const last = ranges.at(-1);
      if (last !== undefined && n === last[1] + 1) last[1] = n;
      else ranges.push([n, n]);
    }
    return new SubSequenceSet(ranges);
  }

  /** The empty set. */
  public static empty(): SubSequenceSet {
    return new SubSequenceSet([]);
  }

  /**
   * Reads what {@link toString} wrote, range by range: a range of any width costs the same, and
   * text that is not a range list throws `KplInvalidRecordError` rather than reading as nothing.
   */
  public static parse(text: string): SubSequenceSet {
    if (text === '') return SubSequenceSet.empty();
    const ranges: Array<[number, number]> = [];
    for (const part of text.split(',')) {
      const match = RANGE.exec(part);
      const start = Number(match?.[1]);
      const end = Number(match?.[2] ?? match?.[1]);
      if (match === null || end < start) {
        throw new KplInvalidRecordError(
          `Not a range list of sub-sequence numbers: ${JSON.stringify(text.slice(0, 100))}`,
        );
      }
      ranges.push([start, end]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [start, end] of ranges) {
      const last = merged.at(-1);
      if (last !== undefined && start <= last[1] + 1) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    return new SubSequenceSet(merged);
  }

  /** Reads what {@link toBitmap} wrote. */
  public static fromBitmap(bitmap: Uint8Array): SubSequenceSet {
    const numbers: number[] = [];
    for (let i = 0; i < bitmap.length * 8; i++) {
      if ((bitmap[i >> 3]! >> (i & 7)) & 1) numbers.push(i);
    }
    return SubSequenceSet.of(numbers);
  }

  /** How many sub-sequence numbers are in the set. */
  public get size(): number {
    let size = 0;
    for (const [start, end] of this.#ranges) size += end - start + 1;
    return size;
  }

  /** Whether the user record at this sub-sequence number is in the set (is done). */
  public has(subSequenceNumber: number): boolean {
    let low = 0;
    let high = this.#ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [start, end] = this.#ranges[middle]!;
      if (subSequenceNumber < start) high = middle - 1;
      else if (subSequenceNumber > end) low = middle + 1;
      else return true;
    }
    return false;
  }

  /** A new set with the members of both: how concurrent progress is merged. */
  public union(other: SubSequenceSet): SubSequenceSet {
    return SubSequenceSet.of([...this, ...other]);
  }

  /** Whether every member of `other` is in this set. */
  public covers(other: SubSequenceSet): boolean {
    for (const n of other) if (!this.has(n)) return false;
    return true;
  }

  /** The members in ascending order. */
  public *[Symbol.iterator](): Iterator<number> {
    for (const [start, end] of this.#ranges) for (let n = start; n <= end; n++) yield n;
  }

  /** The range list: `"0-2,4,6-9"`. */
  public toString(): string {
    return this.#ranges
      .map(([start, end]) => (start === end ? `${start}` : `${start}-${end}`))
      .join(',');
  }

  /** One bit per sub-sequence number up to the largest, least significant bit first. */
  public toBitmap(): Uint8Array {
    const last = this.#ranges.at(-1)?.[1] ?? -1;
    const bitmap = new Uint8Array((last >> 3) + 1);
    for (const n of this) bitmap[n >> 3]! |= 1 << (n & 7);
    return bitmap;
  }
}
