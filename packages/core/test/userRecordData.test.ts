import {
  deaggregateRecords,
  iterDeaggregateRecords,
  userRecordData,
  userRecordJson,
  userRecordText,
} from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import { expectTypeOf } from 'expect-type';
import fc from 'fast-check';

const decoded = (record: { kinesis: { data: string } }) =>
  Buffer.from(record.kinesis.data, 'base64');

const event = kinesisStreamEvent([
  aggregatedRecord([
    { partitionKey: 'a', data: '{"n":1}' },
    { partitionKey: 'b', data: '{"n":2}', explicitHashKey: '7' },
  ]),
  plainRecord({ partitionKey: 'c', data: '{"n":3}' }),
]);

describe('userRecordData', () => {
  it("reads a deaggregated user record's bytes inside its aggregate, without decoding data", () => {
    const [first, second] = deaggregateRecords(event.Records);
    const bytes = [userRecordData(first!), userRecordData(second!)];
    expect(bytes.map((view) => Buffer.from(view).toString())).toEqual(['{"n":1}', '{"n":2}']);
    // Zero-copy: both are views of one buffer, the aggregate decoded once.
    expect(bytes[0]!.buffer).toBe(bytes[1]!.buffer);
  });

  it('decodes data for a plain record, a copy of a record, and a record whose data was replaced', () => {
    const [first, , plain] = deaggregateRecords(event.Records);
    expect(userRecordText(plain!)).toBe('{"n":3}');
    expect(userRecordText({ ...first!, kinesis: { ...first!.kinesis } })).toBe('{"n":1}');
    expect(userRecordText(structuredClone(first!))).toBe('{"n":1}');
    first!.kinesis.data = Buffer.from('replaced').toString('base64');
    expect(userRecordText(first!)).toBe('replaced');
  });

  it('leaves the record exactly Lambda-shaped: nothing extra to spread, serialise or validate', () => {
    const [, second] = deaggregateRecords(event.Records);
    expect(Object.keys(second!.kinesis)).toEqual([
      'kinesisSchemaVersion',
      'partitionKey',
      'sequenceNumber',
      'data',
      'approximateArrivalTimestamp',
      'subSequenceNumber',
      'aggregated',
      'explicitHashKey',
    ]);
    expect(JSON.parse(JSON.stringify(second))).toEqual(second);
  });

  it('works the same on records from iterDeaggregateRecords', () => {
    const records = [...iterDeaggregateRecords(event.Records)];
    expect(records.map(userRecordText)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it('gives the bytes data was encoded from, for any user records', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ partitionKey: fc.string({ minLength: 1 }), data: fc.uint8Array() }), {
          minLength: 1,
          maxLength: 20,
        }),
        (userRecords) => {
          const records = deaggregateRecords(
            kinesisStreamEvent([aggregatedRecord(userRecords)]).Records,
          );
          for (const record of records) {
            expect(Buffer.from(userRecordData(record))).toEqual(decoded(record));
          }
        },
      ),
    );
  });
});

describe('userRecordJson', () => {
  it('parses each user record, typed as the caller says', () => {
    const numbers = deaggregateRecords(event.Records).map(
      (record) => userRecordJson<{ n: number }>(record).n,
    );
    expect(numbers).toEqual([1, 2, 3]);
    expectTypeOf(userRecordJson<{ n: number }>).returns.toEqualTypeOf<{ n: number }>();
    expectTypeOf(userRecordJson).returns.toEqualTypeOf<unknown>();
  });

  it('throws what JSON.parse throws on data that is not JSON', () => {
    const [record] = deaggregateRecords(
      kinesisStreamEvent([aggregatedRecord([{ partitionKey: 'a', data: 'not json' }])]).Records,
    );
    expect(() => userRecordJson(record!)).toThrow(SyntaxError);
  });
});

describe('deaggregateRecords of a parent with fields Lambda does not send', () => {
  it('keeps every field, for each user record, and their bytes are read from data', () => {
    const [parent] = kinesisStreamEvent([
      aggregatedRecord([
        { partitionKey: 'a', data: 'one' },
        { partitionKey: 'b', data: 'two', explicitHashKey: '9' },
      ]),
    ]).Records;
    const extended = {
      ...parent!,
      extra: 'envelope',
      kinesis: { ...parent!.kinesis, note: 'payload' },
    };
    const records = deaggregateRecords([extended]);
    expect(
      records.map((record) => [
        (record as unknown as { extra: string }).extra,
        (record.kinesis as unknown as { note: string }).note,
        record.kinesis.explicitHashKey,
        userRecordText(record),
      ]),
    ).toEqual([
      ['envelope', 'payload', undefined, 'one'],
      ['envelope', 'payload', '9', 'two'],
    ]);
  });
});
