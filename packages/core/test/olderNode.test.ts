import * as core from '@kpl-lambda/core';

/**
 * Core loaded afresh as on a Node.js that lacks `member` of `moduleName`: the package supports
 * Node.js 20.0 on, but Jest runs on one Node.js only, and the compat run on the newest Node.js 20.
 */
function coreWithout(moduleName: 'node:crypto' | 'node:zlib', member: string): typeof core {
  let older: typeof core | undefined;
  jest.isolateModules(() => {
    jest.doMock(moduleName, () => ({ ...jest.requireActual(moduleName), [member]: undefined }));
    older = require('@kpl-lambda/core');
  });
  return older!;
}

describe('core on a Node.js without crypto.hash (before 20.12)', () => {
  const older = coreWithout('node:crypto', 'hash');

  it('writes the same aggregates and hash keys, with a Hash object', () => {
    const records = [
      { partitionKey: 'a', data: 'one' },
      { partitionKey: 'b', data: 'two' },
    ];
    const [written] = older.aggregate(records);
    expect(Buffer.from(written!.data)).toEqual(Buffer.from(core.aggregate(records)[0]!.data));
    expect(older.isAggregated(written!.data)).toBe(true);
    // RFC 1321's digest of "abc", read as the 128-bit key Kinesis routes by.
    expect(older.computeHashKeyHex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(older.computeHashKey('abc')).toBe(core.computeHashKey('abc'));
  });
});

describe('core on a Node.js without Zstandard (before 22.15)', () => {
  const older = coreWithout('node:zlib', 'zstdDecompressSync');

  it('refuses zstd, naming the Node.js that lacks it, and takes the other compressions', () => {
    expect(older.canDecompress('zstd')).toBe(false);
    expect(() => new older.PayloadDecoder({ compression: 'zstd' })).toThrow(
      expect.objectContaining({
        option: 'compression',
        message: expect.stringContaining(
          `Node.js ${process.versions.node} lacks: it needs Node.js 22.15 or later`,
        ),
      }),
    );
    expect(new older.PayloadDecoder({ compression: 'gzip' }).compression).toBe('gzip');
  });
});
