import { createHash } from 'node:crypto';
import {
  deaggregateBytes,
  deaggregateRecords,
  isAggregated,
  KPL_MAGIC,
  KplDecodeError,
  type KplDecodeErrorReason,
} from '@kpl-lambda/core';
import { kinesisStreamEvent } from '@kpl-lambda/core/testing';
import {
  continuation,
  data,
  explicitHashKeyEntry,
  explicitHashKeyIndex,
  frame,
  partitionKeyEntry,
  partitionKeyIndex,
  recordEntry,
} from '@kpl-lambda/testing-utils';

const parent = { partitionKey: 'outer', sequenceNumber: '4959' };
const valid = [...partitionKeyEntry('pk'), ...recordEntry([...partitionKeyIndex(0), ...data('x')])];

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

/** Aggregates whose digest matches but whose body is broken, one rule each. */
const corruptBodies: Array<[string, number[], KplDecodeErrorReason]> = [
  ['truncated in a length', [0x0a, 0x05, 0x61], 'TRUNCATED'],
  ['truncated inside a varint', [...partitionKeyEntry('pk'), 0x1a, 0x03, 0x08, 0x80], 'TRUNCATED'],
  [
    'a user record length past the end',
    [...partitionKeyEntry('pk'), 0x1a, 0x7f, ...partitionKeyIndex(0)],
    'TRUNCATED',
  ],
  [
    'a field running past the end of its user record',
    [...partitionKeyEntry('pk'), 0x1a, 0x04, ...partitionKeyIndex(0), 0x1a, 0x05, 0x61, 0x62, 0x63],
    'TRUNCATED',
  ],
  [
    'a user record without data',
    [...partitionKeyEntry('pk'), ...recordEntry(partitionKeyIndex(0))],
    'MISSING_FIELD',
  ],
  [
    'a user record without partition_key_index',
    [...partitionKeyEntry('pk'), ...recordEntry(data('x'))],
    'MISSING_FIELD',
  ],
  [
    'a partition key index outside its table',
    [...partitionKeyEntry('pk'), ...recordEntry([...partitionKeyIndex(1), ...data('x')])],
    'INDEX_OUT_OF_RANGE',
  ],
  [
    'an explicit hash key index into an empty table',
    [
      ...partitionKeyEntry('pk'),
      ...recordEntry([...partitionKeyIndex(0), ...explicitHashKeyIndex(0), ...data('x')]),
    ],
    'INDEX_OUT_OF_RANGE',
  ],
  [
    // 2^32 would wrap to index 0 if read as 32 bits: a silently wrong partition key.
    'an index of 2^32',
    [
      ...partitionKeyEntry('pk'),
      ...recordEntry([0x08, 0x80, 0x80, 0x80, 0x80, 0x10, ...data('x')]),
    ],
    'INDEX_OUT_OF_RANGE',
  ],
  [
    'an index of 2^63 in a 10-byte varint',
    [...partitionKeyEntry('pk'), ...recordEntry([0x08, ...continuation(9), 0x01, ...data('x')])],
    'INDEX_OUT_OF_RANGE',
  ],
  [
    'an overlong varint (11 bytes)',
    [...partitionKeyEntry('pk'), ...recordEntry([0x08, ...continuation(10), 0x00, ...data('x')])],
    'MALFORMED_VARINT',
  ],
  ['a length of 2^31 or more', [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x61], 'MALFORMED_VARINT'],
  // protobuf-java (the KCL) rejects any varint of more than 10 bytes, wherever it stands.
  [
    'an 11-byte varint in a skipped field',
    [0x28, ...continuation(10), 0x00, ...valid],
    'MALFORMED_VARINT',
  ],
  [
    'an 11-byte varint in a skipped field of a user record',
    [
      ...partitionKeyEntry('pk'),
      ...recordEntry([0x28, ...continuation(10), 0x00, ...partitionKeyIndex(0), ...data('x')]),
    ],
    'MALFORMED_VARINT',
  ],
  ['an 11-byte length', [0x0a, ...continuation(10), 0x00, ...valid], 'MALFORMED_VARINT'],
  ['an 11-byte tag', [0xa8, ...continuation(9), 0x00, ...valid], 'MALFORMED_VARINT'],
  ['a group that is never closed', [0x2b, ...valid], 'TRUNCATED'],
  ['a group closed by another field', [0x2b, 0x34, ...valid], 'MALFORMED_FIELD'],
  ['an end of group where a field starts', [0x2c, ...valid], 'MALFORMED_FIELD'],
  [
    // protobuf-java skips it as unknown: the required field it stood for is then missing.
    'partition_key_index only as a length-delimited field',
    [...partitionKeyEntry('pk'), ...recordEntry([0x0a, 0x01, 0x00, ...data('x')])],
    'MISSING_FIELD',
  ],
  ['field number 0', [0x02, 0x00, ...valid], 'MALFORMED_FIELD'],
  // The low 32 bits decide: 2^32 + 2 is field 0, length-delimited.
  [
    'field number 0 under bits above 32',
    [0x82, 0x80, 0x80, 0x80, 0x10, 0x00, ...valid],
    'MALFORMED_FIELD',
  ],
  ['a reserved wire type', [0x7e, ...valid], 'MALFORMED_FIELD'],
  ['no user record at all', [...partitionKeyEntry('pk')], 'NO_RECORDS'],
];

/** Bodies protobuf-java (the KCL 1.x and 3.x parsers) reads, and so must we. */
const lenientBodies: Array<[string, number[]]> = [
  ['a known field number with another wire type, before the rest', [0x08, 0x01, ...valid]],
  [
    'partition_key_table as a fixed32 and records as a varint, beside the real ones',
    [0x0d, 1, 2, 3, 4, 0x18, 0x07, ...valid],
  ],
  [
    'a user record with its known fields also under other wire types',
    [
      ...partitionKeyEntry('pk'),
      ...recordEntry([0x0a, 0x01, 0x05, ...partitionKeyIndex(0), 0x18, 0x09, ...data('x')]),
    ],
  ],
  [
    'a tag with bits above 32 (partition_key_table, 5 bytes)',
    [
      0x8a,
      0x80,
      0x80,
      0x80,
      0x10,
      0x02,
      0x70,
      0x6b,
      ...recordEntry([...partitionKeyIndex(0), ...data('x')]),
    ],
  ],
  [
    'a tag padded to 10 bytes with its high bits set (data)',
    [
      ...partitionKeyEntry('pk'),
      ...recordEntry([...partitionKeyIndex(0), 0x9a, ...continuation(8), 0x01, 0x01, 0x78]),
    ],
  ],
  [
    'a user record field under a tag with bits above 32 (partition_key_index)',
    [
      ...partitionKeyEntry('pk'),
      ...recordEntry([0x88, 0x80, 0x80, 0x80, 0x70, 0x00, ...data('x')]),
    ],
  ],
];

describe.each(lenientBodies)('an aggregate protobuf-java reads: %s', (_, body) => {
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

describe.each(corruptBodies)('a corrupt aggregate: %s', (_, body, reason) => {
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
    'treats the key %j as an ordinary string',
    (key) => {
      const body = [
        ...partitionKeyEntry(key),
        ...explicitHashKeyEntry(key),
        ...recordEntry([...partitionKeyIndex(0), ...explicitHashKeyIndex(0), ...data('x')]),
      ];

      const [userRecord] = deaggregateBytes(frame(body), parent);

      expect(userRecord!.partitionKey).toBe(key);
      expect(userRecord!.explicitHashKey).toBe(key);
      expect(Object.getPrototypeOf(userRecord)).toBe(Object.prototype);
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
