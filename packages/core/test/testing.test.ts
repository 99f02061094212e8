import { gunzipSync } from 'node:zlib';
import { deaggregateRecords, isAggregated, KplConfigurationError } from '@kpl-lambda/core';
import {
  aggregatedRecord,
  cloudWatchLogsData,
  corruptAggregatedRecord,
  kinesisStreamEvent,
  lambdaContext,
  plainRecord,
} from '@kpl-lambda/core/testing';

describe('@kpl-lambda/core/testing', () => {
  it('builds an event as Lambda delivers it, with increasing sequence numbers', () => {
    const event = kinesisStreamEvent(
      [
        plainRecord({ partitionKey: 'a', data: 'x' }),
        plainRecord({ partitionKey: 'b', data: 'y' }),
      ],
      {
        shardId: 'shardId-000000000003',
        eventSourceARN: 'arn:aws:kinesis:eu-west-1:111122223333:stream/orders',
        awsRegion: 'eu-west-1',
        firstSequenceNumber: '49000000000000000000000000000000000000000000000000000001',
      },
    );

    expect(event.Records[1]).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'b',
        sequenceNumber: '49000000000000000000000000000000000000000000000000000002',
        data: Buffer.from('y').toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000003:49000000000000000000000000000000000000000000000000000002',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: expect.stringMatching(/^arn:aws:iam::/),
      awsRegion: 'eu-west-1',
      eventSourceARN: 'arn:aws:kinesis:eu-west-1:111122223333:stream/orders',
    });
  });

  it('aggregates even a single user record, and takes given sequence numbers and timestamps', () => {
    const event = kinesisStreamEvent([
      aggregatedRecord([{ partitionKey: 'only', data: 'one' }], {
        sequenceNumber: '5',
        approximateArrivalTimestamp: 1_700_000_000,
        partitionKey: 'a',
      }),
    ]);
    const [record] = event.Records;

    expect(isAggregated(Buffer.from(record!.kinesis.data, 'base64'))).toBe(true);
    expect(record!.kinesis).toMatchObject({
      sequenceNumber: '5',
      partitionKey: 'a',
      approximateArrivalTimestamp: 1_700_000_000,
    });
    expect(deaggregateRecords(event.Records)[0]!.kinesis).toMatchObject({
      partitionKey: 'only',
      aggregated: true,
    });
  });

  it('refuses an aggregate of nothing, or one that does not fit 10 MiB', () => {
    expect(() => aggregatedRecord([])).toThrow(KplConfigurationError);
    const huge = Array.from({ length: 12 }, () => ({
      partitionKey: 'k',
      data: Buffer.alloc(1_000_000),
    }));
    expect(() => aggregatedRecord(huge)).toThrow('10 MiB');
  });
});

describe('corruptAggregatedRecord', () => {
  it('passes the KCL test and does not decode: what onCorrupt handles', () => {
    const spec = corruptAggregatedRecord({ partitionKey: 'p', sequenceNumber: '7' });
    const [userRecord] = deaggregateRecords(kinesisStreamEvent([spec]).Records);

    expect(isAggregated(spec.data)).toBe(true);
    expect(userRecord!.kinesis).toMatchObject({
      sequenceNumber: '7',
      aggregated: false,
      deaggregationErrorReason: 'TRUNCATED',
    });
  });
});

describe('cloudWatchLogsData', () => {
  it('writes a gzip JSON envelope as a subscription does, and its health check', () => {
    const envelope = (data: Uint8Array) => JSON.parse(gunzipSync(data).toString());
    expect(envelope(cloudWatchLogsData(['a', 'b'], { firstTimestamp: 1000 }))).toMatchObject({
      messageType: 'DATA_MESSAGE',
      logGroup: '/aws/lambda/orders',
      subscriptionFilters: ['to-kinesis'],
      logEvents: [
        { timestamp: 1000, message: 'a' },
        { timestamp: 1001, message: 'b' },
      ],
    });
    const control = envelope(cloudWatchLogsData([], { messageType: 'CONTROL_MESSAGE' }));
    expect(control).toMatchObject({
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
    });
    expect(control.logEvents).toHaveLength(1);
  });

  it('refuses an option it does not know', () => {
    expect(() => cloudWatchLogsData([], { logGrup: 'x' } as never)).toThrow(KplConfigurationError);
  });
});

describe('lambdaContext', () => {
  afterEach(() => jest.useRealTimers());

  it('counts the time left down from its timeout to 0, by the clock', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const context = lambdaContext({ functionName: 'orders', timeoutMs: 3000 });
    expect(context.getRemainingTimeInMillis()).toBe(3000);
    jest.setSystemTime(1_001_000);
    expect(context.getRemainingTimeInMillis()).toBe(2000);
    jest.setSystemTime(1_010_000);
    expect(context.getRemainingTimeInMillis()).toBe(0);
    expect(context.invokedFunctionArn).toBe(
      'arn:aws:lambda:us-east-1:000000000000:function:orders',
    );
  });

  it('has the legacy callbacks a handler may call, doing nothing', () => {
    const context = lambdaContext();
    expect([context.done(), context.fail('x'), context.succeed('y')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
