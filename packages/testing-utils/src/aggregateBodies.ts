// Hand-made aggregate bodies, one rule each, shared by core's corrupt-aggregate tests and the
// comparison with the real KCL: each decodes to the user record 'x' under key 'pk', or is corrupt
// with the reason given.
import type { KplDecodeErrorReason } from '@kpl-lambda/core';
import {
  continuation,
  data,
  explicitHashKeyEntry,
  explicitHashKeyIndex,
  partitionKeyEntry,
  partitionKeyIndex,
  recordEntry,
} from './protobuf.js';

/** A well-formed body: one user record, data 'x', key 'pk'. */
export const VALID_AGGREGATE_BODY = [
  ...partitionKeyEntry('pk'),
  ...recordEntry([...partitionKeyIndex(0), ...data('x')]),
];
const valid = VALID_AGGREGATE_BODY;

/** Aggregates whose digest matches but whose body is broken, one rule each. */
export const CORRUPT_AGGREGATE_BODIES: ReadonlyArray<[string, number[], KplDecodeErrorReason]> = [
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
  ...['12a', '', ' 5', '340282366920938463463374607431768211456', '-1'].map(
    (key): [string, number[], KplDecodeErrorReason] => [
      `an explicit hash key ${JSON.stringify(key)}`,
      [
        ...partitionKeyEntry('pk'),
        ...explicitHashKeyEntry(key),
        ...recordEntry([...partitionKeyIndex(0), ...explicitHashKeyIndex(0), ...data('x')]),
      ],
      'INVALID_EXPLICIT_HASH_KEY',
    ],
  ),
  // protobuf-java parses tags though no consumer reads them: a tag without its key fails it.
  [
    'a tag without its required key',
    [
      ...partitionKeyEntry('pk'),
      ...recordEntry([0x22, 0x03, 0x12, 0x01, 0x76, ...partitionKeyIndex(0), ...data('x')]),
    ],
    'MISSING_FIELD',
  ],
  [
    'a tag whose key runs past the tag',
    [
      ...partitionKeyEntry('pk'),
      ...recordEntry([0x22, 0x02, 0x0a, 0x05, 0x6b, ...partitionKeyIndex(0), ...data('x')]),
    ],
    'TRUNCATED',
  ],
];

/** Bodies protobuf-java (the KCL 1.x and 3.x parsers) reads, and so must core. */
export const LENIENT_AGGREGATE_BODIES: ReadonlyArray<[string, number[]]> = [
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
