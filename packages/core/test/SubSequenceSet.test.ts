import { KplInvalidRecordError, SubSequenceSet } from '@kpl-lambda/core';
import fc from 'fast-check';

describe('SubSequenceSet', () => {
  it('keeps runs as ranges', () => {
    const done = SubSequenceSet.of([4, 0, 2, 1, 1, 9, 8, 7]);

    expect(done.toString()).toBe('0-2,4,7-9');
    expect([...done]).toEqual([0, 1, 2, 4, 7, 8, 9]);
    expect(done.size).toBe(7);
    expect([3, 4, 5].map((n) => done.has(n))).toEqual([false, true, false]);
  });

  it('merges as a union, and knows when it covers another', () => {
    const a = SubSequenceSet.of([0, 1]);
    const b = SubSequenceSet.of([1, 2, 5]);

    expect(a.union(b).toString()).toBe('0-2,5');
    expect(a.union(b).covers(b)).toBe(true);
    expect(a.covers(b)).toBe(false);
    expect(SubSequenceSet.empty().toString()).toBe('');
  });

  it('refuses what is no sub-sequence number', () => {
    expect(() => SubSequenceSet.of([-1])).toThrow(KplInvalidRecordError);
    expect(() => SubSequenceSet.of([1.5])).toThrow(KplInvalidRecordError);
  });

  it('reads a range of any width as one range, without enumerating it', () => {
    const wide = SubSequenceSet.parse('0-999999999999999,5');

    expect(wide.size).toBe(1_000_000_000_000_000);
    expect(wide.has(123_456_789_012)).toBe(true);
    expect(wide.toString()).toBe('0-999999999999999');
    expect(SubSequenceSet.parse('7-9,0-2,3').toString()).toBe('0-3,7-9');
  });

  it.each(['x', '1-', '-1', '1e9', '3-1', '1,,2', ' 1', '1-2-3', '9999999999999999'])(
    'refuses the stored text %j rather than reading it as nothing done',
    (text) => {
      expect(() => SubSequenceSet.parse(text)).toThrow(KplInvalidRecordError);
    },
  );

  it('reads back what it writes, as ranges and as a bitmap (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 2_000 }), { maxLength: 300 }), (numbers) => {
        const done = SubSequenceSet.of(numbers);
        const expected = [...new Set(numbers)].sort((x, y) => x - y);

        expect([...SubSequenceSet.parse(done.toString())]).toEqual(expected);
        expect([...SubSequenceSet.fromBitmap(done.toBitmap())]).toEqual(expected);
      }),
    );
  });

  it('fits the worst aggregate, every other one of 200,000 user records, in 25 KB as a bitmap', () => {
    const done = SubSequenceSet.of(Array.from({ length: 100_000 }, (_, i) => 2 * i));

    expect(done.toBitmap().length).toBe(25_000);
    expect(done.toString().length).toBeGreaterThan(500_000);
  });
});
