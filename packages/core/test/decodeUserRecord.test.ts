import { Buffer } from 'node:buffer';
import { deflateSync, gzipSync } from 'node:zlib';
import {
  deaggregateRecords,
  decodeUserRecord,
  doneUserRecords,
  type KinesisStreamUserRecord,
  KplPayloadDecodeError,
  PayloadDecoder,
  userRecordData,
  userRecordJson,
  userRecordText,
} from '@kpl-lambda/core';
import { countUserRecords } from '@kpl-lambda/core/internal';
import {
  aggregatedRecord,
  cloudWatchLogsData,
  kinesisStreamEvent,
  plainRecord,
} from '@kpl-lambda/core/testing';

const lines = new PayloadDecoder({ compression: 'zlib', envelope: 'lines' });

/** A Fluent Bit-like aggregate: each user record zlib-compressed lines. */
const fluentBitEvent = () =>
  kinesisStreamEvent([
    aggregatedRecord([
      { partitionKey: 'a', data: deflateSync('{"n":0}\n{"n":1}\n') },
      { partitionKey: 'b', data: deflateSync('{"n":2}\n') },
    ]),
    plainRecord({ partitionKey: 'c', data: deflateSync('{"n":3}\n{"n":4}\n{"n":5}\n') }),
  ]);

describe('decodeUserRecord', () => {
  it("hands each inner record with its user record's identity, its position and its data", () => {
    const [first, second, plain] = deaggregateRecords(fluentBitEvent().Records);
    const records = [first!, second!, plain!].flatMap((userRecord) =>
      decodeUserRecord(userRecord, lines),
    );
    expect(
      records.map(({ kinesis, eventID }) => [
        kinesis.partitionKey,
        kinesis.sequenceNumber === first!.kinesis.sequenceNumber,
        kinesis.subSequenceNumber,
        kinesis.innerIndex,
        kinesis.aggregated,
        eventID === first!.eventID || eventID === plain!.eventID,
      ]),
    ).toEqual([
      ['a', true, 0, 0, true, true],
      ['a', true, 0, 1, true, true],
      ['b', true, 1, 0, true, true],
      ['c', false, 0, 0, false, true],
      ['c', false, 0, 1, false, true],
      ['c', false, 0, 2, false, true],
    ]);
    expect(records.map((record) => userRecordJson<{ n: number }>(record).n)).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    // `data` is the decoded record in base64, as any Lambda consumer decodes it.
    expect(Buffer.from(records[4]!.kinesis.data, 'base64').toString()).toBe('{"n":4}');
  });

  it('reads the decoded bytes from data, as any consumer does, replaced data included', () => {
    const [userRecord] = deaggregateRecords(
      kinesisStreamEvent([plainRecord({ partitionKey: 'p', data: gzipSync('decoded') })]).Records,
    );
    const [record] = decodeUserRecord(userRecord!, new PayloadDecoder({ compression: 'gzip' }));
    expect(Buffer.from(userRecordData(record!)).toString()).toBe('decoded');
    expect(userRecordText(record!)).toBe('decoded');
    expect(record!.kinesis.innerIndex).toBeUndefined();
    record!.kinesis.data = Buffer.from('replaced').toString('base64');
    expect(userRecordText(record!)).toBe('replaced');
  });

  it('keeps exactly the fields a handler and a schema see: Lambda’s, the user record’s and the decoded ones', () => {
    const [userRecord] = deaggregateRecords(
      kinesisStreamEvent([plainRecord({ partitionKey: 'logs', data: cloudWatchLogsData(['m']) })])
        .Records,
    );
    const [record] = decodeUserRecord(
      userRecord!,
      new PayloadDecoder({ envelope: 'cloudwatch-logs' }),
    );
    expect(Object.keys(JSON.parse(JSON.stringify(record!.kinesis))).sort()).toEqual([
      'aggregated',
      'approximateArrivalTimestamp',
      'cloudWatchLogs',
      'data',
      'innerIndex',
      'kinesisSchemaVersion',
      'partitionKey',
      'sequenceNumber',
      'subSequenceNumber',
    ]);
    expect(userRecordText(record!)).toBe('m');
  });

  it('throws KplPayloadDecodeError naming the user record', () => {
    const [, second] = deaggregateRecords(
      kinesisStreamEvent([
        aggregatedRecord([
          { partitionKey: 'a', data: deflateSync('ok') },
          { partitionKey: 'b', data: 'not zlib' },
        ]),
      ]).Records,
    );
    const decode = () => decodeUserRecord(second!, lines);
    expect(decode).toThrow(KplPayloadDecodeError);
    expect(decode).toThrow(
      expect.objectContaining({
        reason: 'MALFORMED_COMPRESSION',
        sequenceNumber: second!.kinesis.sequenceNumber,
        subSequenceNumber: 1,
        message: expect.stringMatching(
          new RegExp(`^User record ${second!.kinesis.sequenceNumber}:1 is not zlib data`),
        ),
      }),
    );
  });
});

describe('doneUserRecords and countUserRecords', () => {
  const records = () =>
    deaggregateRecords(fluentBitEvent().Records).flatMap((userRecord) =>
      decodeUserRecord(userRecord, lines),
    );

  it('counts a user record done only when every record of it handed succeeded', () => {
    const handed = records();
    // The user record "a" (records 0, 1) partly failed: record 1 did not succeed.
    const succeeded = [handed[0]!, handed[2]!, handed[3]!, handed[4]!, handed[5]!];
    const done = doneUserRecords(handed, succeeded);
    expect(done.map(({ kinesis }) => [kinesis.partitionKey, kinesis.innerIndex])).toEqual([
      ['b', 0],
      ['c', 0],
      ['c', 1],
      ['c', 2],
    ]);
    expect(countUserRecords(done)).toBe(2);
    expect(countUserRecords(handed)).toBe(3);
  });

  it('gives the successes as they are without envelopes', () => {
    const userRecords = deaggregateRecords(fluentBitEvent().Records);
    const succeeded = userRecords.slice(1);
    expect(doneUserRecords(userRecords, succeeded)).toEqual(succeeded);
    const decoded: KinesisStreamUserRecord[] = userRecords.flatMap((userRecord) =>
      decodeUserRecord(userRecord, new PayloadDecoder({ compression: 'zlib' })),
    );
    expect(doneUserRecords(decoded, decoded.slice(1))).toEqual(decoded.slice(1));
  });
});
