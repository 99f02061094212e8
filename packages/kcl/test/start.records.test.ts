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
