// A service-managed stream (RecordDistributionStrategy AUTO) takes records without a partition
// key: GetRecords gives them no PartitionKey, Lambda a null (or no) partitionKey. They pass
// through as plain records; an aggregate needs its own keys inside, whatever its outer one.
import {
  deaggregateBytes,
  deaggregateRecords,
  deaggregateSdkRecords,
  iterDeaggregateRecords,
  type KinesisStreamUserRecordPayload,
  KplInvalidRecordError,
  type SdkUserRecord,
  type UserRecord,
} from '@kpl-lambda/core';
import {
  aggregatedRecord,
  corruptAggregatedRecord,
  kinesisStreamEvent,
  lambdaKinesisRecord,
  plainRecord,
} from '@kpl-lambda/core/testing';
import { expectTypeOf } from 'expect-type';

const innerKeys = [
  { partitionKey: 'a', data: 'one' },
  { partitionKey: 'b', data: 'two' },
];

describe('deaggregateSdkRecords of records without a PartitionKey', () => {
  it('gives a plain record as a user record without a partition key', () => {
    const [userRecord, ...rest] = deaggregateSdkRecords([
      { Data: Buffer.from('plain'), SequenceNumber: '7' },
    ]);
    expect(rest).toEqual([]);
    expect(userRecord).toEqual({
      data: Buffer.from('plain'),
      subSequenceNumber: 0,
      aggregated: false,
      sequenceNumber: '7',
    });
    expect(userRecord).not.toHaveProperty('partitionKey');
  });

  it('takes a null PartitionKey (a JSON GetRecords output) as none', () => {
    const [userRecord] = deaggregateSdkRecords([
      { Data: Buffer.from('plain'), PartitionKey: null as never, SequenceNumber: '7' },
    ]);
    expect(userRecord).not.toHaveProperty('partitionKey');
  });

  it("deaggregates an aggregate by its user records' own keys", () => {
    const userRecords = deaggregateSdkRecords([
      { Data: aggregatedRecord(innerKeys).data, SequenceNumber: '8' },
    ]);
    expect(userRecords.map(({ partitionKey, data }) => [partitionKey, String(data)])).toEqual([
      ['a', 'one'],
      ['b', 'two'],
    ]);
  });

  it('passes a corrupt aggregate through without a key', () => {
    const [userRecord] = deaggregateSdkRecords([
      { Data: corruptAggregatedRecord().data, SequenceNumber: '9' },
    ]);
    expect(userRecord).toMatchObject({ deaggregationErrorReason: 'TRUNCATED', aggregated: false });
    expect(userRecord).not.toHaveProperty('partitionKey');
  });

  it('still refuses a record without Data, or with a PartitionKey that is no string', () => {
    expect(() => deaggregateSdkRecords([{ SequenceNumber: '7' }])).toThrow(KplInvalidRecordError);
    expect(() =>
      deaggregateSdkRecords([
        { Data: Buffer.from('x'), PartitionKey: 42 as unknown as string, SequenceNumber: '7' },
      ]),
    ).toThrow(/PartitionKey that is not a string/);
  });
});

describe('deaggregateBytes of a parent without a partition key', () => {
  it.each([
    ['no keys at all', undefined],
    ['an empty parent', {}],
    ['a null key', { partitionKey: null }],
  ])('gives a plain record without one (%s)', (_, parent) => {
    const [userRecord] = deaggregateBytes(Buffer.from('plain'), parent);
    expect(userRecord).toStrictEqual({
      data: Buffer.from('plain'),
      subSequenceNumber: 0,
      aggregated: false,
    });
  });
});

describe('deaggregateRecords of Lambda records without a partition key', () => {
  const event = kinesisStreamEvent([
    plainRecord({ partitionKey: null, data: 'null key' }),
    { data: Buffer.from('no key') },
    aggregatedRecord(innerKeys, { partitionKey: null }),
    corruptAggregatedRecord({ partitionKey: null }),
    plainRecord({ partitionKey: 'k', data: 'keyed' }),
  ]);

  it('builds them as Lambda delivers them: null, or no field', () => {
    expect(event.Records.map(({ kinesis }) => kinesis.partitionKey)).toEqual([
      null,
      undefined,
      null,
      null,
      'k',
    ]);
    expect(event.Records[1]!.kinesis).not.toHaveProperty('partitionKey');
  });

  it.each([
    ['deaggregateRecords', deaggregateRecords],
    [
      'iterDeaggregateRecords',
      (records: typeof event.Records) => [...iterDeaggregateRecords(records)],
    ],
  ])('%s keeps what Lambda sent on plain records, and inner keys in an aggregate', (_, run) => {
    const userRecords = run(event.Records);
    expect(
      userRecords.map(({ kinesis }) => [
        kinesis.partitionKey,
        'partitionKey' in kinesis,
        Buffer.from(kinesis.data, 'base64').toString(),
        kinesis.aggregated,
      ]),
    ).toEqual([
      [null, true, 'null key', false],
      [undefined, false, 'no key', false],
      ['a', true, 'one', true],
      ['b', true, 'two', true],
      [null, true, expect.any(String), false],
      ['k', true, 'keyed', false],
    ]);
    expect(userRecords[4]!.kinesis.deaggregationErrorReason).toBe('TRUNCATED');
  });

  it('builds a single Lambda record without the field', () => {
    const record = lambdaKinesisRecord({
      data: Buffer.from('x'),
      sequenceNumber: '1',
      approximateArrivalTimestamp: 1,
      shardId: 'shardId-000000000000',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
      awsRegion: 'us-east-1',
    });
    expect(Object.keys(record.kinesis)).toEqual([
      'kinesisSchemaVersion',
      'sequenceNumber',
      'data',
      'approximateArrivalTimestamp',
    ]);
  });

  it('types the key as it may come: a user record may have none', () => {
    expectTypeOf<KinesisStreamUserRecordPayload['partitionKey']>().toEqualTypeOf<
      string | null | undefined
    >();
    expectTypeOf<UserRecord['partitionKey']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SdkUserRecord['partitionKey']>().toEqualTypeOf<string | undefined>();
  });
});
