import {
  aggregate,
  computeHashKey,
  computeHashKeyHex,
  isValidHashKey,
  KplInvalidRecordError,
  MAX_HASH_KEY,
} from '@kpl-lambda/core';
import { assertValidKeys } from '@kpl-lambda/core/internal';

describe('computeHashKey', () => {
  it.each([
    ['abcd', '301716283811389038011477436469853762335'],
    ['', '281949768489412648962353822266799178366'],
    // MD5('a') is 0cc175b9...: a leading zero digit must not shift the value.
    ['a', '16955237001963240173058271559858726497'],
    ['é', '136732923097551493579404309126273812335'],
  ])('gives the MD5 of %j as a 128-bit decimal', (partitionKey, hashKey) => {
    expect(computeHashKey(partitionKey)).toBe(hashKey);
  });

  it('always gives a valid hash key', () => {
    for (const key of ['x', '🦀', 'k'.repeat(256)])
      expect(isValidHashKey(computeHashKey(key))).toBe(true);
  });
});

describe('computeHashKeyHex', () => {
  it('gives the same hash key in 32 hex digits, leading zeros kept', () => {
    for (const key of ['abcd', 'a', 'é', '🦀']) {
      const hex = computeHashKeyHex(key);
      expect(hex).toMatch(/^[0-9a-f]{32}$/);
      expect(BigInt(`0x${hex}`).toString()).toBe(computeHashKey(key));
    }
    expect(computeHashKeyHex('a')).toBe('0cc175b9c0f1b6a831c399e269772661');
  });

  it('orders keys as their hash keys are ordered', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);
    const byHex = [...keys].sort((a, b) => (computeHashKeyHex(a) < computeHashKeyHex(b) ? -1 : 1));
    const byNumber = [...keys].sort((a, b) =>
      BigInt(computeHashKey(a)) < BigInt(computeHashKey(b)) ? -1 : 1,
    );
    expect(byHex).toEqual(byNumber);
  });
});

describe('isValidHashKey', () => {
  it.each(['0', '1', '42', MAX_HASH_KEY.toString()])('accepts %s', (hashKey) => {
    expect(isValidHashKey(hashKey)).toBe(true);
  });

  it.each(['', '-1', '01', '1.5', ' 1', '0x1f', (MAX_HASH_KEY + 1n).toString(), '9'.repeat(40)])(
    'rejects %j',
    (hashKey) => {
      expect(isValidHashKey(hashKey)).toBe(false);
    },
  );
});

describe('assertValidKeys', () => {
  // UTF-8 cannot carry a lone surrogate: it would come back as U+FFFD, hashed differently.
  it.each([
    ['a lone high surrogate', 'key-\uD83E'],
    ['a lone low surrogate', '\uDD80-key'],
    ['a lone surrogate in a key over 40 characters', `${'k'.repeat(45)}\uD800`],
  ])('refuses a partition key with %s', (_, partitionKey) => {
    expect(() => assertValidKeys(partitionKey, undefined)).toThrow(KplInvalidRecordError);
    expect(() => aggregate([{ partitionKey, data: 'x' }])).toThrow(KplInvalidRecordError);
  });

  it('accepts a partition key with a surrogate pair', () => {
    expect(() => assertValidKeys('crab-\uD83E\uDD80', undefined)).not.toThrow();
  });
});
