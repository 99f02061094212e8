// Compile-time checks, run by `tsc -b` (npm test): an expectTypeOf that does not hold, or an
// expected type error that does not happen, fails the type check. Jest runs the handler once.
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import type {
  CloudWatchLogsEvent,
  DecodeOptions,
  KinesisStreamUserEvent,
  KinesisStreamUserRecord,
  KplLogger,
} from '@kpl-lambda/core';
import {
  aggregatedRecord,
  cloudWatchLogsData,
  kinesisStreamEvent,
  plainRecord,
} from '@kpl-lambda/core/testing';
import kplDeagg, {
  type KplDeaggOnCorrupt,
  type KplDeaggOptions,
  type KplDeaggResponse,
  kplDeagg as namedKplDeagg,
} from '@kpl-lambda/middy';
import middy, { type MiddlewareObj } from '@middy/core';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamStateResponse,
} from 'aws-lambda';
import { expectTypeOf } from 'expect-type';

const context = {} as Context;

describe('kplDeagg types', () => {
  it('fits middy<KinesisStreamEvent, KinesisStreamBatchResponse>() and types user records', async () => {
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg())
      // The type argument is the event Lambda sends; the handler itself sees user records.
      .handler<KinesisStreamEvent>(async (event) => {
        const record = event.Records[0]!;
        expectTypeOf(record.kinesis.subSequenceNumber).toEqualTypeOf<number>();
        expectTypeOf(record.kinesis.aggregated).toEqualTypeOf<boolean>();
        expectTypeOf(record.kinesis.explicitHashKey).toEqualTypeOf<string | undefined>();
        // @ts-expect-error user records have no such field
        record.kinesis.subSequence;
        // Middy types the event as both Lambda's and ours, and @types/aws-lambda's partitionKey
        // is a string: typed as user records, they say it may be null or absent.
        const userRecords: KinesisStreamUserRecord[] = event.Records;
        expectTypeOf(userRecords[0]!.kinesis.partitionKey).toEqualTypeOf<
          string | null | undefined
        >();
        return { batchItemFailures: [{ itemIdentifier: record.kinesis.sequenceNumber }] };
      });
    expectTypeOf(handler).parameter(0).toEqualTypeOf<KinesisStreamEvent>();

    const event = kinesisStreamEvent([aggregatedRecord([{ partitionKey: 'a', data: '1' }])]);
    expect(await handler(event, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
  });

  it('takes settled results from the handler without a cast, and gives Lambda a batch response', async () => {
    const handler = middy<KinesisStreamEvent, KplDeaggResponse>()
      .use(kplDeagg({ checkpoints: new InMemoryCheckpointStore() }))
      .handler<KinesisStreamEvent, KinesisStreamBatchResponse>(async (event) =>
        Promise.allSettled(
          event.Records.map(async (record) => {
            if (record.kinesis.subSequenceNumber === 1) throw new Error('poison');
          }),
        ),
      );
    expectTypeOf(handler).returns.resolves.toEqualTypeOf<KinesisStreamBatchResponse>();

    const event = kinesisStreamEvent([
      aggregatedRecord([
        { partitionKey: 'a', data: '0' },
        { partitionKey: 'a', data: '1' },
      ]),
    ]);
    const response: KinesisStreamBatchResponse = await handler(event, context);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
  });

  it('is one factory, default and named, typed as a middleware of user record events', () => {
    expectTypeOf(namedKplDeagg).toEqualTypeOf(kplDeagg);
    expectTypeOf(kplDeagg).returns.toEqualTypeOf<
      MiddlewareObj<KinesisStreamUserEvent, KplDeaggResponse>
    >();
    expectTypeOf<KplDeaggResponse>().toEqualTypeOf<
      | KinesisStreamBatchResponse
      | KinesisStreamStateResponse
      | PromiseSettledResult<unknown>[]
      | undefined
    >();
  });

  it('types its options', () => {
    expectTypeOf<KplDeaggOnCorrupt>().toEqualTypeOf<'passthrough' | 'throw' | 'fail'>();
    expectTypeOf<KplDeaggOptions['filter']>().toEqualTypeOf<
      ((userRecord: KinesisStreamUserRecord) => boolean) | undefined
    >();
    // A Powertools Logger, console, anything with the three methods it calls, or false.
    type Logger = KplDeaggOptions['logger'];
    expectTypeOf<Logger>().toEqualTypeOf<
      Pick<KplLogger, 'debug' | 'warn' | 'error'> | false | undefined
    >();
    expectTypeOf(console).toMatchTypeOf<Logger>();
    expectTypeOf({ debug() {}, warn() {}, error() {} }).toMatchTypeOf<Logger>();
    expectTypeOf({ warn() {} }).not.toMatchTypeOf<Logger>();
    expect(() =>
      // @ts-expect-error not a mode: refused by the types, and at run time
      kplDeagg({ onCorrupt: 'ignore' }),
    ).toThrow();
  });

  it('types the decode option, and the decoded records the handler gets', async () => {
    expectTypeOf<KplDeaggOptions['decode']>().toEqualTypeOf<DecodeOptions | undefined>();
    expect(() =>
      // @ts-expect-error not a compression: 'zlib' is deflate with a header, 'deflate-raw' without
      kplDeagg({ decode: { compression: 'deflate' } }),
    ).toThrow();
    const seen: Array<number | undefined> = [];
    const handler = middy<KinesisStreamEvent>()
      .use(kplDeagg({ decode: { envelope: 'cloudwatch-logs' } }))
      .handler<KinesisStreamEvent>(async (event) => {
        const records: KinesisStreamUserRecord[] = event.Records;
        const { innerIndex, cloudWatchLogs } = records[0]!.kinesis;
        expectTypeOf(innerIndex).toEqualTypeOf<number | undefined>();
        expectTypeOf(cloudWatchLogs).toEqualTypeOf<CloudWatchLogsEvent | undefined>();
        expectTypeOf(cloudWatchLogs!.subscriptionFilters).toEqualTypeOf<readonly string[]>();
        seen.push(...records.map((record) => record.kinesis.innerIndex));
      });
    await handler(
      kinesisStreamEvent([plainRecord({ partitionKey: 'g', data: cloudWatchLogsData(['m']) })]),
      context,
    );
    expect(seen).toEqual([0]);
  });
});
