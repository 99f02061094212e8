import { Metrics } from '@aws-lambda-powertools/metrics';
import { KinesisProducer, PRODUCER_METRIC_NAMES } from '@kpl-lambda/producer';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';

const kinesis = useLocalKinesis();
beforeAll(async () => {
  await kinesis().createStream('metrics', 2);
});

/** Each metric's total in the EMF document: one value per flush that added it. */
const emitted = (metrics: Metrics) => {
  const document = metrics.serializeMetrics() as unknown as Record<string, number | number[]>;
  const total = (value: number | number[] | undefined) =>
    Array.isArray(value) ? value.reduce((sum, each) => sum + each, 0) : value;
  return Object.fromEntries(
    Object.values(PRODUCER_METRIC_NAMES).map((name) => [name, total(document[name])]),
  );
};

describe('a producer with a Powertools Metrics', () => {
  it('adds at each flush what changed since the last, each change once across concurrent flushes', async () => {
    const metrics = new Metrics({ namespace: 'orders', serviceName: 'producer' });
    const producer = new KinesisProducer({
      client: kinesis().client,
      streamName: 'metrics',
      metrics,
    });
    for (let i = 0; i < 100; i++) producer.put({ data: { i }, partitionKey: `k${i % 10}` });
    await Promise.all([producer.flush(), producer.flush()]);
    const first = emitted(metrics);
    expect(first).toMatchObject({
      KplProducerUserRecordsPut: 100,
      KplProducerUserRecordsWritten: 100,
      KplProducerRetries: 0,
      KplProducerFailedUserRecords: 0,
    });
    expect(first.KplProducerKinesisRecordsWritten).toBe(producer.counters.kinesisRecordsWritten);
    metrics.clearMetrics();
    producer.put({ data: 'one more', partitionKey: 'k' });
    await producer.flush();
    expect(emitted(metrics)).toMatchObject({
      KplProducerUserRecordsPut: 1,
      KplProducerUserRecordsWritten: 1,
    });
  });

  it('writes the same when the metrics instance throws, and refuses one without addMetric', async () => {
    const producer = new KinesisProducer({
      client: kinesis().client,
      streamName: 'metrics',
      metrics: {
        addMetric: () => {
          throw new Error('full');
        },
      },
      logger: { warn: () => {}, info: () => {}, error: () => {} },
    });
    producer.put({ data: 'x', partitionKey: 'k' });
    expect(await producer.flush()).toEqual({ undeliverable: [] });
    expect(producer.counters.userRecordsWritten).toBe(1);
    expect(
      () =>
        new KinesisProducer({
          client: kinesis().client,
          streamName: 'metrics',
          metrics: {} as never,
        }),
    ).toThrow('metrics must have addMetric');
  });
});
