import {
  deaggregateBytes,
  deaggregateRecords,
  deaggregateSdkRecords,
  iterDeaggregateRecords,
  KPL_MAGIC,
  KplConfigurationError,
  KplInvalidRecordError,
} from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import type { KinesisStreamRecord } from 'aws-lambda';
import { WireReader } from '../src/format/WireReader.js';

const text = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

describe('deaggregateRecords', () => {
  const event = kinesisStreamEvent(
    [
      plainRecord({ partitionKey: 'plain-1', data: 'first' }),
      aggregatedRecord([
        { partitionKey: 'user-1', data: 'a' },
        { partitionKey: 'user-2', data: 'b', explicitHashKey: '42' },
        { partitionKey: 'user-1', data: 'c' },
      ]),
      plainRecord({ partitionKey: 'plain-2', data: 'last' }),
    ],
    { shardId: 'shardId-000000000007', awsRegion: 'eu-west-1' },
  );

  it('gives user records in order, plain records passed through with sub-sequence number 0', () => {
    const userRecords = deaggregateRecords(event.Records);

    expect(
      userRecords.map(({ kinesis }) => [
        kinesis.partitionKey,
        text(kinesis.data),
        kinesis.subSequenceNumber,
        kinesis.aggregated,
      ]),
    ).toEqual([
      ['plain-1', 'first', 0, false],
      ['user-1', 'a', 0, true],
      ['user-2', 'b', 1, true],
      ['user-1', 'c', 2, true],
      ['plain-2', 'last', 0, false],
    ]);
  });

  it("keeps every envelope field and the parent's sequence number", () => {
    const parent = event.Records[1]!;
    const [, first, second] = deaggregateRecords(event.Records);

    for (const userRecord of [first!, second!]) {
      const { kinesis, ...envelope } = userRecord;
      const { kinesis: parentKinesis, ...parentEnvelope } = parent;
      expect(envelope).toEqual(parentEnvelope);
      expect(envelope.eventID).toBe(`shardId-000000000007:${parentKinesis.sequenceNumber}`);
      expect(kinesis.sequenceNumber).toBe(parentKinesis.sequenceNumber);
      expect(kinesis.approximateArrivalTimestamp).toBe(parentKinesis.approximateArrivalTimestamp);
      expect(kinesis.kinesisSchemaVersion).toBe(parentKinesis.kinesisSchemaVersion);
    }
  });

  it('has explicitHashKey only on user records that carry one', () => {
    const userRecords = deaggregateRecords(event.Records);

    expect(userRecords.map(({ kinesis }) => 'explicitHashKey' in kinesis)).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(userRecords[2]!.kinesis.explicitHashKey).toBe('42');
  });

  it('leaves a plain record exactly as Lambda delivered it', () => {
    const [plain] = deaggregateRecords(event.Records);

    expect(plain).toEqual({
      ...event.Records[0],
      kinesis: { ...event.Records[0]!.kinesis, subSequenceNumber: 0, aggregated: false },
    });
  });

  it('does not mutate the input records', () => {
    const before = structuredClone(event.Records);
    deaggregateRecords(event.Records);
    expect(event.Records).toEqual(before);
  });

  it('gives nothing for an empty batch', () => {
    expect(deaggregateRecords([])).toEqual([]);
  });

  it('passes through a plain record that happens to start with the magic bytes', () => {
    const data = Buffer.concat([KPL_MAGIC, Buffer.from('not an aggregate, just unlucky bytes')]);
    const lucky = kinesisStreamEvent([plainRecord({ partitionKey: 'k', data })]);

    const [userRecord] = deaggregateRecords(lucky.Records);

    expect(userRecord!.kinesis).toMatchObject({
      data: data.toString('base64'),
      aggregated: false,
      subSequenceNumber: 0,
    });
    expect(userRecord!.kinesis.deaggregationError).toBeUndefined();
  });

  it('refuses records whose data was already decoded, naming the record', () => {
    const decoded = structuredClone(event.Records[0]!) as KinesisStreamRecord;
    (decoded.kinesis as unknown as { data: unknown }).data = { already: 'parsed' };

    expect(() => deaggregateRecords([decoded])).toThrow(KplInvalidRecordError);
    expect(() => deaggregateRecords([decoded])).toThrow(decoded.kinesis.sequenceNumber);
  });
});

describe('iterDeaggregateRecords', () => {
  it('yields the same user records as deaggregateRecords', () => {
    const event = kinesisStreamEvent([
      aggregatedRecord([
        { partitionKey: 'a', data: '1' },
        { partitionKey: 'b', data: '2' },
      ]),
      plainRecord({ partitionKey: 'c', data: '3' }),
    ]);

    expect([...iterDeaggregateRecords(event.Records)]).toEqual(deaggregateRecords(event.Records));
  });

  it('decodes lazily: nothing is read before the first user record is taken', () => {
    const records = {
      *[Symbol.iterator]() {
        yield kinesisStreamEvent([plainRecord({ partitionKey: 'a', data: 'x' })]).Records[0]!;
        throw new Error('read too far');
      },
    };
    const iterator = iterDeaggregateRecords(records);

    expect(iterator.next().value?.kinesis.partitionKey).toBe('a');
    expect(() => iterator.next()).toThrow('read too far');
  });
});

describe('input deaggregation refuses', () => {
  const [record] = kinesisStreamEvent([plainRecord({ partitionKey: 'k', data: 'x' })]).Records;
  const withData = (data: unknown) =>
    ({ ...record!, kinesis: { ...record!.kinesis, data } }) as KinesisStreamRecord;

  it.each([
    ['null', null],
    ['a record without kinesis', { eventID: 'x' }],
    ['data that is not a string', withData({ decoded: true })],
    ['data whose length is no base64 length', withData('abcde')],
    ['data that opens with text, not base64', withData('{"orderId":"o-1"}')],
    ['data that ends with text, not base64', withData('QUJD QUJD')],
  ])('%s with KplInvalidRecordError', (_, input) => {
    expect(() => deaggregateRecords([input as KinesisStreamRecord])).toThrow(KplInvalidRecordError);
    expect(() => [...iterDeaggregateRecords([input as KinesisStreamRecord])]).toThrow(
      KplInvalidRecordError,
    );
  });

  it.each([['ignore'], ['THROW'], [42]])('the onCorrupt option %j, naming it', (onCorrupt) => {
    const options = { onCorrupt } as never;
    for (const call of [
      () => deaggregateRecords([record!], options),
      () => [...iterDeaggregateRecords([record!], options)],
      () => deaggregateBytes(Buffer.from('x'), { partitionKey: 'k' }, options),
      () => deaggregateSdkRecords([], options),
    ]) {
      expect(call).toThrow(KplConfigurationError);
      expect(call).toThrow(expect.objectContaining({ option: 'onCorrupt' }));
    }
  });
});

describe('a bug inside decoding', () => {
  afterEach(() => jest.restoreAllMocks());

  it('surfaces as it is, never as a corrupt aggregate passed through', () => {
    jest.spyOn(WireReader.prototype, 'string').mockImplementation(() => {
      throw new TypeError('a bug');
    });
    const event = kinesisStreamEvent([aggregatedRecord([{ partitionKey: 'k', data: 'x' }])]);

    expect(() => deaggregateRecords(event.Records)).toThrow(TypeError);
  });
});
