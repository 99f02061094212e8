import { aggregate, deaggregateSdkRecords, KplInvalidRecordError } from '@kpl-lambda/core';
import { aggregatedRecord } from '@kpl-lambda/core/testing';

describe('deaggregateSdkRecords', () => {
  const arrival = new Date('2026-11-22T10:00:00Z');
  const [aggregated] = aggregate([
    { partitionKey: 'a', data: 'one' },
    { partitionKey: 'b', data: 'two', explicitHashKey: '12' },
  ]);
  // The shape GetRecordsCommand gives: Data is bytes, keys are PascalCase.
  const sdkRecords = [
    {
      Data: aggregated!.data,
      PartitionKey: aggregated!.partitionKey,
      SequenceNumber: '100',
      ApproximateArrivalTimestamp: arrival,
    },
    { Data: Buffer.from('plain'), PartitionKey: 'p', SequenceNumber: '101' },
  ];

  it("gives user records with their parent's sequence number and arrival time", () => {
    expect(deaggregateSdkRecords(sdkRecords)).toEqual([
      {
        partitionKey: 'a',
        data: Buffer.from('one'),
        subSequenceNumber: 0,
        aggregated: true,
        sequenceNumber: '100',
        approximateArrivalTimestamp: arrival,
      },
      {
        partitionKey: 'b',
        explicitHashKey: '12',
        data: Buffer.from('two'),
        subSequenceNumber: 1,
        aggregated: true,
        sequenceNumber: '100',
        approximateArrivalTimestamp: arrival,
      },
      {
        partitionKey: 'p',
        data: Buffer.from('plain'),
        subSequenceNumber: 0,
        aggregated: false,
        sequenceNumber: '101',
      },
    ]);
  });

  it('refuses a record without data or partition key', () => {
    expect(() => deaggregateSdkRecords([{ PartitionKey: 'p', SequenceNumber: '7' }])).toThrow(
      KplInvalidRecordError,
    );
    expect(() => deaggregateSdkRecords([{ PartitionKey: 'p' }])).toThrow(
      'Kinesis record (no sequence number) has no Data bytes',
    );
  });

  it('gives the user records of a record without a sequence number an empty one', () => {
    expect(deaggregateSdkRecords([{ Data: aggregated!.data }])).toEqual([
      expect.objectContaining({ partitionKey: 'a', subSequenceNumber: 0, sequenceNumber: '' }),
      expect.objectContaining({ partitionKey: 'b', subSequenceNumber: 1, sequenceNumber: '' }),
    ]);
  });
});

describe('deaggregateSdkRecords of records without an arrival time', () => {
  it('gives user records without one, aggregated or plain', () => {
    const aggregate = aggregatedRecord([
      { partitionKey: 'a', data: 'one' },
      { partitionKey: 'b', data: 'two' },
    ]);
    const userRecords = deaggregateSdkRecords([
      { Data: aggregate.data, PartitionKey: 'a', SequenceNumber: '1' },
      { Data: Buffer.from('plain'), PartitionKey: 'p', SequenceNumber: '2' },
    ]);
    expect(
      userRecords.map((record) => [
        record.sequenceNumber,
        record.subSequenceNumber,
        'approximateArrivalTimestamp' in record,
      ]),
    ).toEqual([
      ['1', 0, false],
      ['1', 1, false],
      ['2', 0, false],
    ]);
  });
});
