// The producer checks and measures a partition key once while it remembers it; these check that
// what it remembers is what checking again would say, whether it remembers or has stopped.
import { Buffer } from 'node:buffer';
import { KplInvalidRecordError } from '@kpl-lambda/core';
import { assertValidKeys } from '@kpl-lambda/core/internal';
import fc from 'fast-check';
import { PartitionKeys } from '../src/routing/PartitionKeys.js';

/** What checking a key from scratch says: its UTF-8 size, or the error Kinesis's rules give. */
function checkedAfresh(partitionKey: string): number | Error {
  try {
    assertValidKeys(partitionKey, undefined);
    return Buffer.byteLength(partitionKey, 'utf8');
  } catch (error) {
    return error as Error;
  }
}

function knownBy(partitionKeys: PartitionKeys, partitionKey: string): number | Error {
  try {
    return partitionKeys.know(partitionKey)!.bytes;
  } catch (error) {
    return error as Error;
  }
}

test('a key is known as checking it afresh would judge it, the first time and every time after', () => {
  fc.assert(
    fc.property(
      // Empty, too long, lone surrogates and multi-byte characters, each put more than once.
      fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 20 }),
      (keys) => {
        const partitionKeys = new PartitionKeys();
        for (const partitionKey of [...keys, ...keys]) {
          const known = knownBy(partitionKeys, partitionKey);
          const afresh = checkedAfresh(partitionKey);
          if (afresh instanceof Error) expect(known).toEqual(afresh);
          else expect(known).toBe(afresh);
        }
      },
    ),
  );
});

test('a key put again is the one remembered, never an invalid one', () => {
  const partitionKeys = new PartitionKeys();
  const first = partitionKeys.know(`order-${42}`);
  expect(partitionKeys.know('order-42')).toBe(first);
  expect(first).toMatchObject({ partitionKey: 'order-42', bytes: 8 });
  for (let attempt = 0; attempt < 2; attempt++) {
    expect(() => partitionKeys.know('')).toThrow(KplInvalidRecordError);
    expect(() => partitionKeys.know('\uD800')).toThrow(KplInvalidRecordError);
  }
});

test('keys that never come back stop being remembered for a while, then are remembered again', () => {
  const partitionKeys = new PartitionKeys();
  // More new keys than it remembers at once: it stops remembering.
  for (let i = 0; i <= 10_000; i++) partitionKeys.know(`order-${i}`);
  const unremembered = partitionKeys.know('customer-1');
  expect(unremembered).toBeUndefined();
  // While it does not remember, keys are still checked.
  expect(() => partitionKeys.know('')).toThrow(KplInvalidRecordError);
  expect(() => partitionKeys.know('\uD800')).toThrow(KplInvalidRecordError);
  // A while is 100,000 keys; then it remembers again.
  for (let i = 0; i < 100_000; i++) partitionKeys.know(`order-${i}`);
  const remembered = partitionKeys.know('customer-1');
  expect(partitionKeys.know('customer-1')).toBe(remembered);
});

test('keys that keep coming back stay remembered past a full memory', () => {
  const partitionKeys = new PartitionKeys();
  const keys = Array.from({ length: 10_000 }, (_, i) => `customer-${i}`);
  for (const key of [...keys, ...keys]) partitionKeys.know(key);
  // Full, but every key was asked for again: it starts afresh and keeps remembering.
  const fresh = partitionKeys.know('customer-new');
  expect(partitionKeys.know('customer-new')).toBe(fresh);
});
