// Checked by `tsc -b` (npm test): these lines must compile, and the @ts-expect-error lines must not.
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import kplDeagg, { type KplDeaggOptions } from '@kpl-lambda/middy';
import middy from '@middy/core';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';

const context = {} as Context;

describe('kplDeagg types', () => {
  it('fits middy<KinesisStreamEvent, KinesisStreamBatchResponse>() and types user records', async () => {
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg())
      // The type argument is the event Lambda sends; the handler itself sees user records.
      .handler<KinesisStreamEvent>(async (event) => {
        const record = event.Records[0]!;
        const subSequenceNumber: number = record.kinesis.subSequenceNumber;
        const aggregated: boolean = record.kinesis.aggregated;
        const explicitHashKey: string | undefined = record.kinesis.explicitHashKey;
        // @ts-expect-error user records have no such field
        record.kinesis.subSequence;
        return {
          batchItemFailures: [
            { itemIdentifier: `${record.kinesis.sequenceNumber}:${subSequenceNumber}` },
          ].filter(() => !aggregated || explicitHashKey !== undefined),
        };
      });

    const event = kinesisStreamEvent([
      aggregatedRecord([
        { partitionKey: 'a', data: '1', explicitHashKey: '1' },
        { partitionKey: 'b', data: '2' },
      ]),
    ]);
    expect(await handler(event, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
  });

  it('types its options', () => {
    const options: KplDeaggOptions = {
      onCorrupt: 'fail',
      filter: (record) => record.kinesis.aggregated,
      logger: console,
    };
    // @ts-expect-error not a mode
    const wrong: KplDeaggOptions = { onCorrupt: 'ignore' };
    expect([options, wrong]).toHaveLength(2);
  });
});
