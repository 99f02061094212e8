import { KeyTable } from '../src/aggregation/KeyTable.js';

/** Enters each key as the aggregator does: the index found, or else a new entry. */
function enter(table: KeyTable, keys: string[]): number[] {
  return keys.map((key) => {
    const found = table.indexOf(key);
    if (found !== undefined) return found;
    table.add(key, Buffer.byteLength(key));
    return table.size - 1;
  });
}

/** Fills and clears aggregates of 1,024 distinct keys each. */
function uniqueAggregates(table: KeyTable, count: number): void {
  for (let aggregate = 0; aggregate < count; aggregate++) {
    enter(
      table,
      Array.from({ length: 1024 }, (_, i) => `${aggregate}-${i}`),
    );
    table.clear(1024);
  }
}

describe('KeyTable', () => {
  it('writes a repeated key once, new keys in first-use order, each with its UTF-8 size', () => {
    const table = new KeyTable();
    expect(enter(table, ['a', 'é', 'a', 'b', 'é'])).toEqual([0, 1, 0, 2, 1]);
    expect(table.keys).toEqual(['a', 'é', 'b']);
    expect([0, 1, 2].map((index) => table.bytesAt(index))).toEqual([1, 2, 1]);
  });

  it('stops looking keys up after an aggregate in which they did not repeat', () => {
    const table = new KeyTable();
    uniqueAggregates(table, 1);

    expect(enter(table, ['a', 'a'])).toEqual([0, 1]);
    expect(table.keys).toEqual(['a', 'a']);
  });

  it('looks keys up again after eight aggregates without, and goes on if they repeat there', () => {
    const table = new KeyTable();
    uniqueAggregates(table, 8);
    expect(enter(table, ['a', 'a'])).toEqual([0, 1]);
    table.clear(2);

    expect(enter(table, ['a', 'a'])).toEqual([0, 0]);
    table.clear(1024); // 1,022 of its 1,024 user records found their key.
    expect(enter(table, ['b', 'b'])).toEqual([0, 0]);
  });

  it('keeps looking up when at least 1 use in 64 finds its key, or the aggregate is small', () => {
    const table = new KeyTable();
    enter(
      table,
      Array.from({ length: 1008 }, (_, i) => String(i)),
    );
    table.clear(1024); // 16 uses found their key.
    enter(
      table,
      Array.from({ length: 1000 }, (_, i) => String(i)),
    );
    table.clear(1000); // None did, but too few uses to tell.

    expect(enter(table, ['a', 'a'])).toEqual([0, 0]);
  });
});
