import { PassThrough, Writable } from 'node:stream';
import { groupedLines, lineRanges } from '../src/grouped.js';
import { writeLine } from '../src/io.js';

describe('what a command reports of many errors', () => {
  it('writes line numbers as ranges, the first twenty of them', () => {
    expect(lineRanges([9, 1, 2, 3, 12, 13, 5])).toBe('1-3, 5, 9, 12-13');
    const every = Array.from({ length: 50 }, (_, i) => i * 2);
    expect(lineRanges(every)).toBe(`${every.slice(0, 20).join(', ')}, ... (50 lines)`);
  });

  it('groups identical errors with a count, the most frequent first, ten of them at most', () => {
    const items = [
      ...Array.from({ length: 19_990 }, () => ({ message: 'Region is missing' })),
      ...Array.from({ length: 12 }, (_, i) => ({ message: `error ${i}`, line: i + 1 })),
    ];
    const lines = groupedLines('not written: ', items);
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('not written: 19,990 × Region is missing');
    expect(lines[1]).toBe('not written: 1 × error 0 (line 1)');
    expect(lines[10]).toBe('not written: 10 errors shown, 3 more (3 times)');
  });
});

describe('writeLine', () => {
  it('waits for a full stream to drain, and never for one that closed', async () => {
    let release = () => {};
    const slow = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        release = callback;
      },
    });
    let written = false;
    const waiting = Promise.resolve(writeLine(slow, 'a line')).then(() => {
      written = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toBe(false);
    release();
    await waiting;

    const closing = new PassThrough({ highWaterMark: 1 });
    const pending = writeLine(closing, 'nobody reads this');
    closing.destroy();
    await pending;
    expect(writeLine(closing, 'after')).toBeUndefined();
  });
});
