import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { BATCH_METRIC_NAMES, type KinesisStreamUserRecord, userRecordText } from '@kpl-lambda/core';
import {
  aggregatedRecord,
  corruptAggregatedRecord,
  kinesisStreamEvent,
  lambdaContext,
  plainRecord,
} from '@kpl-lambda/core/testing';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import { FAILING_METRICS, withUnhandledRejections } from '@kpl-lambda/testing-utils';

// Two aggregates (3 and 2 user records), a plain record, a corrupt aggregate; 'b1' fails.
const event = kinesisStreamEvent([
  aggregatedRecord(['a0', 'a1', 'a2'].map((data) => ({ partitionKey: data, data }))),
  aggregatedRecord(['b0', 'b1'].map((data) => ({ partitionKey: data, data }))),
  plainRecord({ partitionKey: 'p', data: 'p0' }),
  corruptAggregatedRecord(),
]);
const recordHandler = async (record: KinesisStreamUserRecord) => {
  if (userRecordText(record) === 'b1') throw new Error('b1 fails');
};

/** The values of our metrics in the EMF document Powertools would print. */
function emittedKplMetrics(metrics: Metrics): Record<string, unknown> {
  const document = metrics.serializeMetrics() as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.values(BATCH_METRIC_NAMES).map((name) => [name, document[name]]),
  );
}

describe('KplBatchProcessor with a Powertools Metrics', () => {
  it('adds what one invocation saw and reported, in EMF', async () => {
    const metrics = new Metrics({ namespace: 'orders', serviceName: 'consumer' });
    await processPartialResponse(event, recordHandler, new KplBatchProcessor({ metrics }), {
      context: lambdaContext(),
    });
    expect(emittedKplMetrics(metrics)).toEqual({
      KplParentRecords: 4,
      KplUserRecords: 7,
      KplAggregatedUserRecords: 5,
      KplAggregatedShare: (100 * 5) / 7,
      KplCorruptAggregates: 1,
      KplUserRecordsSkippedByCheckpoints: 0,
      KplFailedUserRecords: 1,
      KplParentsReported: 1,
    });
    const units = (
      metrics.serializeMetrics() as unknown as {
        _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string; Unit: string }> }> };
      }
    )._aws.CloudWatchMetrics[0]!.Metrics;
    expect(units.find((metric) => metric.Name === 'KplAggregatedShare')?.Unit).toBe('Percent');
  });

  it.each(FAILING_METRICS)(
    'reports to Lambda what it would without metrics, when the Metrics %s',
    async (_, makeMetrics) => {
      const { result, unhandled } = await withUnhandledRejections(() =>
        processPartialResponse(
          event,
          recordHandler,
          new KplBatchProcessor({
            metrics: makeMetrics(),
            logger: { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} } as never,
          }),
          { context: lambdaContext() },
        ),
      );
      expect(result).toEqual({
        batchItemFailures: [{ itemIdentifier: event.Records[1]!.kinesis.sequenceNumber }],
      });
      expect(unhandled).toEqual([]);
    },
  );

  it('adds nothing for a process() with no records registered', async () => {
    const added: string[] = [];
    const processor = new KplBatchProcessor({ metrics: { addMetric: (name) => added.push(name) } });
    expect(await processor.process()).toEqual([]);
    expect(added).toEqual([]);
  });

  it('refuses metrics that cannot take a metric', () => {
    expect(() => new KplBatchProcessor({ metrics: {} as never })).toThrow(
      'metrics must have addMetric',
    );
  });
});
