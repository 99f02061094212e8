import { Buffer } from 'node:buffer';
import { deaggregateBytes } from '@kpl-lambda/core';
import fc from 'fast-check';
import { type ClosedAggregate, OpenAggregates } from '../src/aggregation/OpenAggregates.js';
import { PartitionKeys } from '../src/routing/PartitionKeys.js';
import { type BufferedUserRecord, toBufferedUserRecord } from '../src/userRecords.js';

const partitionKeys = new PartitionKeys();
const options = { partitionKeyFrom: undefined, maxRecordBytes: 1_048_576 };
/** Its data names its group and put order; it is put at its sequence number. */
const userRecord = (group: string, sequence: number): BufferedUserRecord =>
  toBufferedUserRecord(
    { partitionKey: `${group}-key-${sequence}`, data: Buffer.from(`${group}#${sequence}`) },
    sequence,
    sequence,
    options,
    partitionKeys,
  );

/** What a consumer reads from a closed aggregate: each user record's data. */
const readBack = ({ aggregated }: ClosedAggregate): string[] =>
  deaggregateBytes(aggregated.data, aggregated).map(({ data }) => Buffer.from(data).toString());

/** What the aggregate kept of each user record, its source and sequence number, as its data. */
const kept = ({ aggregated, group, sequences }: ClosedAggregate): string[] => {
  expect(aggregated.userRecords).toHaveLength(sequences.length);
  return aggregated.userRecords.map(({ data }, i) => {
    expect(data).toEqual(Buffer.from(`${group}#${sequences[i]}`));
    return Buffer.from(data as Uint8Array).toString();
  });
};

describe('OpenAggregates', () => {
  it('closes groups in the order their aggregates opened, each with its own user records', () => {
    const aggregates = new OpenAggregates({
      aggregationMaxBytes: 1_000,
      aggregationMaxCount: 10,
      idleBytes: 1e6,
    });
    aggregates.add('shard-b', 'shard-b', userRecord('shard-b', 0));
    aggregates.add('shard-a', 'shard-a', userRecord('shard-a', 1));
    aggregates.add('shard-b', 'shard-b', userRecord('shard-b', 2));

    const closed = aggregates.closeOpenedBy(Number.POSITIVE_INFINITY);

    expect(closed.map(({ group }) => group)).toEqual(['shard-b', 'shard-a']);
    expect(closed.map(readBack)).toEqual([['shard-b#0', 'shard-b#2'], ['shard-a#1']]);
    // Of each user record an aggregate keeps only its source and put sequence number.
    expect(closed.map(kept)).toEqual(closed.map(readBack));
    expect(closed.map(({ sequences }) => sequences)).toEqual([[0, 2], [1]]);
    // Each user record holds 22 bytes: 9 of data, 13 of partition key.
    expect(closed.map(({ heldBytes, lastSequence }) => [heldBytes, lastSequence])).toEqual([
      [44, 2],
      [22, 1],
    ]);
    expect(aggregates.oldestOpenedAt).toBeUndefined();
  });

  it('gives a group that opens after others closed only its own user records', () => {
    // As a Lambda function flushing at each invocation: the second invocation's groups reuse
    // the first one's emptied aggregators.
    const aggregates = new OpenAggregates({
      aggregationMaxBytes: 1_000,
      aggregationMaxCount: 100,
      idleBytes: 1e6,
    });
    for (let sequence = 0; sequence < 40; sequence++) {
      aggregates.add(
        `first-${sequence % 4}`,
        undefined,
        userRecord(`first-${sequence % 4}`, sequence),
      );
    }
    aggregates.closeOpenedBy(Number.POSITIVE_INFINITY);
    aggregates.add('second', undefined, userRecord('second', 40));
    aggregates.add('second', undefined, userRecord('second', 41));

    expect(aggregates.closeOpenedBy(Number.POSITIVE_INFINITY).map(readBack)).toEqual([
      ['second#40', 'second#41'],
    ]);
  });

  it('hands every user record out once, in its group and in put order, whatever opens and closes', () => {
    const operation = fc.oneof(
      { arbitrary: fc.record({ add: fc.integer({ min: 0, max: 5 }) }), weight: 8 },
      { arbitrary: fc.record({ close: fc.integer({ min: 0, max: 5 }) }), weight: 2 },
      { arbitrary: fc.constant({ closeAll: true }), weight: 1 },
    );
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 300 }),
        // From no idle aggregator at all to more than are ever open.
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 12 }),
        (operations, idleBytes, maxRecords) => {
          const aggregates = new OpenAggregates({
            aggregationMaxBytes: 400,
            aggregationMaxCount: maxRecords,
            idleBytes,
          });
          const put = new Map<string, string[]>();
          const handedOut = new Map<string, string[]>();
          const handOut = (group: string, userRecords: string[]) =>
            handedOut.set(group, [...(handedOut.get(group) ?? []), ...userRecords]);
          const closedInto = (closed: ClosedAggregate | undefined) => {
            if (closed === undefined) return;
            expect(kept(closed)).toEqual(readBack(closed));
            handOut(closed.group, readBack(closed));
          };
          let sequence = 0;
          for (const step of [...operations, { closeAll: true }]) {
            if ('add' in step) {
              const group = `group-${step.add}`;
              const record = userRecord(group, sequence++);
              put.set(group, [...(put.get(group) ?? []), Buffer.from(record.data).toString()]);
              closedInto(aggregates.add(group, undefined, record));
            } else if ('close' in step) {
              closedInto(aggregates.close(`group-${step.close}`));
            } else {
              for (const closed of aggregates.closeOpenedBy(Number.POSITIVE_INFINITY)) {
                closedInto(closed);
              }
            }
          }
          expect(handedOut).toEqual(put);
        },
      ),
    );
  });
});
