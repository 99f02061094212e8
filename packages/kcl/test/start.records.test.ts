// A malformed record from the daemon stops start() before any record of its message runs: it is
// never handed on as an empty record, nor checkpointed at "undefined".
import { type KclUserRecord, KplKclProtocolError } from '@kpl-lambda/kcl';
import { startOn } from './helpers/startOn.js';

const record = {
  data: Buffer.from('x').toString('base64'),
  partitionKey: 'k',
  sequenceNumber: '1',
  subSequenceNumber: 0,
  approximateArrivalTimestamp: 1_700_000_000_000,
};

/** What the processor gets of `record`. */
const userRecord: KclUserRecord = {
  data: Buffer.from('x'),
  partitionKey: 'k',
  sequenceNumber: '1',
  subSequenceNumber: 0,
  approximateArrivalTimestamp: new Date(1_700_000_000_000),
};

describe('start takes a record without a partition key', () => {
  it.each<[string, Record<string, unknown>]>([
    ['null, as the daemon sends it', { ...record, partitionKey: null }],
    ['left out', { ...record, partitionKey: undefined }],
  ])('hands it on with partitionKey null (%s)', async (_, keyless) => {
    const seen: KclUserRecord[] = [];

    const { error } = await startOn(
      { processRecord: (userRecord: KclUserRecord) => void seen.push(userRecord) },
      {},
      [{ action: 'processRecords', records: [keyless, record] }],
    );

    expect(error).toBeUndefined();
    expect(
      seen.map(({ partitionKey, data }) => [partitionKey, Buffer.from(data).toString()]),
    ).toEqual([
      [null, 'x'],
      ['k', 'x'],
    ]);
  });
});

describe('start refuses a malformed record', () => {
  it.each<[string, unknown]>([
    ['without data', [{ ...record, data: undefined }]],
    ['with null data', [{ ...record, data: null }]],
    ['without a sequence number', [{ ...record, sequenceNumber: undefined }]],
    ['with a partition key that is no string', [{ ...record, partitionKey: 7 }]],
    ['with a sub-sequence number that is no number', [{ ...record, subSequenceNumber: '3' }]],
    ['with a negative sub-sequence number', [{ ...record, subSequenceNumber: -1 }]],
    ['with a fractional sub-sequence number', [{ ...record, subSequenceNumber: 1.5 }]],
    ['with a sub-sequence number past 2^53', [{ ...record, subSequenceNumber: 2 ** 53 }]],
    ['with data that is no base64', [{ ...record, data: 'not base64!' }]],
    ['with base64 data without its padding', [{ ...record, data: 'eA' }]],
    ['with base64 data and more after it', [{ ...record, data: 'eA==eA==' }]],
    ['with base64 data and a space in it', [{ ...record, data: 'e A=' }]],
    ['with base64 data that is not as the daemon writes it', [{ ...record, data: 'eB==' }]],
    ['with an empty sequence number', [{ ...record, sequenceNumber: '' }]],
    ['with a negative sequence number', [{ ...record, sequenceNumber: '-1' }]],
    ['with a sequence number that is no integer', [{ ...record, sequenceNumber: '1.5' }]],
    ['with a sequence number and a space', [{ ...record, sequenceNumber: ' 12' }]],
    ['with a sequence number in other digits', [{ ...record, sequenceNumber: '١٢' }]],
    ['with a sequence number that is a number', [{ ...record, sequenceNumber: 12 }]],
    ['with an arrival time that is text', [{ ...record, approximateArrivalTimestamp: 'today' }]],
    ['with an arrival time no date can hold', [{ ...record, approximateArrivalTimestamp: 1e300 }]],
    ['that is null', [null]],
    ['list that is not a list', { 0: record }],
    ['list that is missing', undefined],
  ])('a record %s', async (_, records) => {
    const seen: unknown[] = [];

    const { error, replies } = await startOn(
      { processRecord: (userRecord: unknown) => void seen.push(userRecord) },
      {},
      [
        { action: 'processRecords', records: [record] },
        { action: 'processRecords', records },
      ],
    );

    expect(error).toBeInstanceOf(KplKclProtocolError);
    expect(seen).toHaveLength(1);
    expect(replies).toBe(
      `${JSON.stringify({ action: 'status', responseFor: 'processRecords' })}\n`,
    );
  });
});

describe('start takes every record the daemon can send', () => {
  it('hands on a 129-digit sequence number, empty data, and an arrival time or none', async () => {
    const seen: KclUserRecord[] = [];
    const longest = '9'.repeat(129);

    const { error } = await startOn(
      { processRecord: (userRecord: KclUserRecord) => void seen.push(userRecord) },
      {},
      [
        {
          action: 'processRecords',
          records: [
            { ...record, sequenceNumber: longest, subSequenceNumber: 2 ** 31 },
            { ...record, data: '', approximateArrivalTimestamp: null },
            { ...record, approximateArrivalTimestamp: undefined },
          ],
        },
      ],
    );

    expect(error).toBeUndefined();
    expect(seen).toEqual([
      { ...userRecord, sequenceNumber: longest, subSequenceNumber: 2 ** 31 },
      // The daemon sends null when Kinesis gave no arrival time: the epoch stands for it.
      { ...userRecord, data: Buffer.alloc(0), approximateArrivalTimestamp: new Date(0) },
      { ...userRecord, approximateArrivalTimestamp: new Date(0) },
    ]);
  });
});
