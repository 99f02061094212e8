import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { BATCH_METRIC_NAMES, userRecordText } from '@kpl-lambda/core';
import {
  aggregatedRecord,
  kinesisStreamEvent,
  lambdaContext,
  plainRecord,
} from '@kpl-lambda/core/testing';
import kplDeagg from '@kpl-lambda/middy';
import { FAILING_METRICS, withUnhandledRejections } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { KinesisStreamEvent } from 'aws-lambda';

const event = (): KinesisStreamEvent =>
  kinesisStreamEvent([
    aggregatedRecord(['a0', 'a1', 'a2'].map((data) => ({ partitionKey: data, data }))),
    plainRecord({ partitionKey: 'p', data: 'p0' }),
  ]);

/** What Powertools printed as EMF while `run` ran, our metrics only. */
async function emitted(run: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run().catch(() => undefined);
  } finally {
    spy.mockRestore();
  }
  const document = JSON.parse(lines.find((line) => line.includes('"_aws"'))!) as Record<
    string,
    unknown
  >;
  return Object.fromEntries(
    Object.values(BATCH_METRIC_NAMES).map((name) => [name, document[name]]),
  );
}

describe('kplDeagg with a Powertools Metrics', () => {
  it('publishes, through logMetrics, what one invocation saw and reported', async () => {
    const metrics = new Metrics({ namespace: 'orders', serviceName: 'consumer' });
    const handler = middy<KinesisStreamEvent>()
      .use(logMetrics(metrics))
      .use(kplDeagg({ metrics }))
      .handler<KinesisStreamEvent>(async (incoming) => ({
        batchItemFailures: incoming.Records.filter((record) => userRecordText(record) === 'a1').map(
          (record) => ({
            itemIdentifier: record.kinesis.sequenceNumber,
          }),
        ),
      }));
    expect(await emitted(() => handler(event(), lambdaContext()))).toEqual({
      KplParentRecords: 2,
      KplUserRecords: 4,
      KplAggregatedUserRecords: 3,
      KplAggregatedShare: 75,
      KplCorruptAggregates: 0,
      KplUserRecordsSkippedByCheckpoints: 0,
      KplFailedUserRecords: 1,
      KplParentsReported: 1,
    });
  });

  it('counts every handed user record failed when the handler throws, and rethrows', async () => {
    const metrics = new Metrics({ namespace: 'orders', serviceName: 'consumer' });
    const handler = middy<KinesisStreamEvent>()
      .use(logMetrics(metrics))
      .use(kplDeagg({ metrics }))
      .handler<KinesisStreamEvent>(async () => {
        throw new Error('down');
      });
    await expect(handler(event(), lambdaContext())).rejects.toThrow('down');
    const values = await emitted(() => handler(event(), lambdaContext()));
    expect(values).toMatchObject({
      KplUserRecords: 4,
      KplFailedUserRecords: 4,
      KplParentsReported: 0,
    });
  });

  it.each(FAILING_METRICS)(
    'tells Lambda the same when the metrics instance %s, leaving no rejection unhandled',
    async (_, makeMetrics) => {
      const handler = middy<KinesisStreamEvent>()
        .use(kplDeagg({ metrics: makeMetrics() }))
        .handler<KinesisStreamEvent>(async (incoming) => ({
          batchItemFailures: [{ itemIdentifier: incoming.Records[1]!.kinesis.sequenceNumber }],
        }));
      const input = event();
      const { result, unhandled } = await withUnhandledRejections(() =>
        handler(input, lambdaContext()),
      );
      expect(result).toEqual({
        batchItemFailures: [{ itemIdentifier: input.Records[0]!.kinesis.sequenceNumber }],
      });
      expect(unhandled).toEqual([]);
    },
  );

  it('refuses metrics that cannot take a metric', () => {
    expect(() => kplDeagg({ metrics: {} as never })).toThrow('metrics must have addMetric');
  });
});
