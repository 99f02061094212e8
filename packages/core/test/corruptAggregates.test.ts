import { createHash } from 'node:crypto';
import {
  deaggregateBytes,
  deaggregateRecords,
  isAggregated,
  KPL_MAGIC,
  KplDecodeError,
} from '@kpl-lambda/core';
import { kinesisStreamEvent } from '@kpl-lambda/core/testing';
import {
  CORRUPT_AGGREGATE_BODIES,
  continuation,
  data,
  explicitHashKeyEntry,
  explicitHashKeyIndex,
  frame,
  LENIENT_AGGREGATE_BODIES,
  partitionKeyEntry,
  partitionKeyIndex,
  recordEntry,
  VALID_AGGREGATE_BODY,
} from '@kpl-lambda/testing-utils';

const parent = { partitionKey: 'outer', sequenceNumber: '4959' };
const valid = VALID_AGGREGATE_BODY;

describe('what counts as an aggregate (the KCL rule)', () => {
  it('takes a well-formed aggregate', () => {
    expect(isAggregated(frame(valid))).toBe(true);
  });

  it('passes through a record of 20 bytes or less, even magic plus a valid digest of nothing', () => {
    const emptyBody = Buffer.concat([
      KPL_MAGIC,
      createHash('md5').update(Buffer.alloc(0)).digest(),
    ]);
    expect(emptyBody).toHaveLength(20);

    expect(deaggregateBytes(emptyBody, parent)).toEqual([
      { partitionKey: 'outer', data: emptyBody, subSequenceNumber: 0, aggregated: false },
    ]);
  });

  it('passes through a record with the magic but a digest that does not match', () => {
    const tampered = frame(valid);
    tampered[tampered.length - 1]! ^= 0xff;

    const [userRecord] = deaggregateBytes(tampered, parent);

    expect(userRecord).toMatchObject({ aggregated: false, data: tampered });
    expect(userRecord!.deaggregationError).toBeUndefined();
  });

  it('passes through a record without the magic', () => {
    const withoutMagic = frame(valid).subarray(1);
    expect(deaggregateBytes(withoutMagic, parent)[0]!.aggregated).toBe(false);
  });
});

describe.each(LENIENT_AGGREGATE_BODIES)('an aggregate protobuf-java reads: %s', (_, body) => {
  it('decodes to its one user record, as the KCL does', () => {
    expect(deaggregateBytes(frame(body), parent, { onCorrupt: 'throw' })).toEqual([
      {
        partitionKey: 'pk',
        data: Buffer.from('x'),
        subSequenceNumber: 0,
        aggregated: true,
      },
    ]);
  });
});

describe.each(CORRUPT_AGGREGATE_BODIES)('a corrupt aggregate: %s', (_, body, reason) => {
  const corrupt = frame(body);

  it('is recognised as an aggregate (its digest matches)', () => {
    expect(isAggregated(corrupt)).toBe(true);
  });

  it('passes through unchanged as one record with a deaggregationError by default', () => {
    const userRecords = deaggregateBytes(corrupt, parent);

    expect(userRecords).toEqual([
      {
        partitionKey: 'outer',
        data: corrupt,
        subSequenceNumber: 0,
        aggregated: false,
        deaggregationError: expect.stringContaining(`(${reason})`),
        deaggregationErrorReason: reason,
      },
    ]);
    expect(userRecords[0]!.deaggregationError).toContain('4959');
  });

  it(`throws KplDecodeError with reason ${reason} with onCorrupt: 'throw'`, () => {
    let thrown: unknown;
    try {
      deaggregateBytes(corrupt, parent, { onCorrupt: 'throw' });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(KplDecodeError);
    expect(thrown).toMatchObject({ name: 'KplDecodeError', reason, sequenceNumber: '4959' });
  });
});

describe('where a corrupt aggregate breaks', () => {
  const reasonOf = (body: number[]) => {
    try {
      deaggregateBytes(frame(body), parent, { onCorrupt: 'throw' });
    } catch (error) {
      return (error as KplDecodeError).message;
    }
    return 'decoded';
  };
  const nested = (depth: number) => [...Array(depth).fill(0x2b), ...Array(depth).fill(0x2c)];

  it('skips groups nested as deep as protobuf-java does, and refuses one deeper', () => {
    expect(reasonOf([...nested(100), ...valid])).toBe('decoded');
    expect(reasonOf([...nested(101), ...valid])).toMatch(/nested too deep \(MALFORMED_FIELD\)/);
  });

  it('refuses a varint that starts inside its user record and ends past it', () => {
    // The user record is one byte long: the partition_key_index tag, its value outside.
    const body = [...partitionKeyEntry('pk'), 0x1a, 0x01, 0x08, 0x00];
    expect(reasonOf(body)).toMatch(/past the end of its user record \(TRUNCATED\)/);
  });
});

describe('a corrupt aggregate in a Lambda batch', () => {
  const corrupt = frame([...partitionKeyEntry('pk'), ...recordEntry(partitionKeyIndex(0))]);
  const event = kinesisStreamEvent([
    { data: corrupt, partitionKey: 'a' },
    { data: frame(valid), partitionKey: 'a' },
  ]);

  it('is kept, with its original data, and the rest of the batch is decoded', () => {
    const [passedThrough, decoded] = deaggregateRecords(event.Records);

    expect(passedThrough!.kinesis).toMatchObject({
      data: event.Records[0]!.kinesis.data,
      aggregated: false,
      subSequenceNumber: 0,
      deaggregationError: expect.stringContaining('MISSING_FIELD'),
    });
    expect(decoded!.kinesis).toMatchObject({ partitionKey: 'pk', aggregated: true });
  });

  it("stops the batch with onCorrupt: 'throw', naming the parent's sequence number", () => {
    expect(() => deaggregateRecords(event.Records, { onCorrupt: 'throw' })).toThrow(
      event.Records[0]!.kinesis.sequenceNumber,
    );
  });
});

describe('fields that are not errors', () => {
  it('takes an absent explicit_hash_key_index as absent, never as index 0', () => {
    const body = [
      ...partitionKeyEntry('pk'),
      ...explicitHashKeyEntry('123'),
      ...recordEntry([...partitionKeyIndex(0), ...data('without')]),
      ...recordEntry([...partitionKeyIndex(0), ...explicitHashKeyIndex(0), ...data('with')]),
    ];

    const [without, withKey] = deaggregateBytes(frame(body), parent);

    expect(without).not.toHaveProperty('explicitHashKey');
    expect(withKey!.explicitHashKey).toBe('123');
  });

  it('skips tags and unknown fields', () => {
    const tag = [0x22, 0x06, ...[0x0a, 0x01, 0x6b], ...[0x12, 0x01, 0x76]];
    const unknownVarint = [0x28, 0x96, 0x01];
    const unknownFixed32 = [0x3d, 1, 2, 3, 4];
    const body = [
      ...unknownVarint,
      ...partitionKeyEntry('pk'),
      ...recordEntry([...tag, ...partitionKeyIndex(0), ...unknownFixed32, ...data('x')]),
    ];

    expect(deaggregateBytes(frame(body), parent)).toEqual([
      { partitionKey: 'pk', data: Buffer.from('x'), subSequenceNumber: 0, aggregated: true },
    ]);
  });

  it('resolves tables that come after the records that use them', () => {
    const body = [
      ...recordEntry([...partitionKeyIndex(0), ...data('x')]),
      ...partitionKeyEntry('late'),
    ];

    expect(deaggregateBytes(frame(body), parent)[0]!.partitionKey).toBe('late');
  });

  // What protobuf-java accepts: padded varints of up to 10 bytes, in lengths as in values.
  it.each([6, 7, 8, 9, 10])('accepts a data length padded to %i bytes', (size) => {
    const paddedLength = [0x81, ...continuation(size - 2), 0x00];
    const body = [
      ...partitionKeyEntry('pk'),
      ...recordEntry([...partitionKeyIndex(0), 0x1a, ...paddedLength, 0x61]),
    ];

    expect(deaggregateBytes(frame(body), parent)).toEqual([
      { partitionKey: 'pk', data: Buffer.from('a'), subSequenceNumber: 0, aggregated: true },
    ]);
  });

  it('accepts a padded table entry length and a 10-byte varint in a skipped field', () => {
    const body = [
      0x28,
      ...continuation(9),
      0x01,
      0x0a,
      0x82,
      ...continuation(5),
      0x00,
      ...Buffer.from('pk'),
      ...recordEntry([...partitionKeyIndex(0), ...data('x')]),
    ];

    expect(deaggregateBytes(frame(body), parent)[0]!.partitionKey).toBe('pk');
  });

  it('skips groups, nested ones included', () => {
    const group = [0x2b, 0x30, 0x01, 0x3b, 0x40, 0x02, 0x3c, 0x2c];

    expect(deaggregateBytes(frame([...group, ...valid]), parent)[0]!.partitionKey).toBe('pk');
  });

  it('accepts a non-canonical (padded) varint of a small index', () => {
    const body = [
      ...partitionKeyEntry('pk'),
      ...recordEntry([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, ...data('x')]),
    ];

    expect(deaggregateBytes(frame(body), parent)[0]!.partitionKey).toBe('pk');
  });

  it.each(['__proto__', 'constructor', '1', '4294967295', 'hasOwnProperty', ''])(
    'treats the partition key %j as an ordinary string',
    (key) => {
      const body = [
        ...partitionKeyEntry(key),
        ...explicitHashKeyEntry('42'),
        ...recordEntry([...partitionKeyIndex(0), ...explicitHashKeyIndex(0), ...data('x')]),
      ];

      const [userRecord] = deaggregateBytes(frame(body), parent);

      expect(userRecord!.partitionKey).toBe(key);
      expect(userRecord!.explicitHashKey).toBe('42');
      expect(Object.getPrototypeOf(userRecord)).toBe(Object.prototype);
    },
  );

  // Java's BigInteger reads a sign and leading zeros: the KCL routes by them, and so do we.
  it.each(['+5', '007', '-0', '340282366920938463463374607431768211455'])(
    'takes the explicit hash key %j as the KCL reads it, unchanged',
    (key) => {
      const body = [
        ...partitionKeyEntry('pk'),
        ...explicitHashKeyEntry(key),
        ...recordEntry([...partitionKeyIndex(0), ...explicitHashKeyIndex(0), ...data('x')]),
      ];

      expect(
        deaggregateBytes(frame(body), parent, { onCorrupt: 'throw' })[0]!.explicitHashKey,
      ).toBe(key);
    },
  );

  it('keeps empty user record data', () => {
    const body = [
      ...partitionKeyEntry('pk'),
      ...recordEntry([...partitionKeyIndex(0), ...data('')]),
    ];

    expect(deaggregateBytes(frame(body), parent)[0]!.data).toHaveLength(0);
  });
});
