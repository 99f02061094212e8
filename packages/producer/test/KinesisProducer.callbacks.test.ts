// The user's callbacks that fail (a logger, a metrics sink), each tried through the episodes that
// make the producer call them most: throttling, a refused ListShards, access denied. Nothing may
// be lost, and no rejection may be left unhandled (Node.js would end the process).
import { ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KplLogger, KplMetrics } from '@kpl-lambda/core';
import { KinesisProducer, type KinesisProducerOptions } from '@kpl-lambda/producer';
import {
  FAILING_LOGGERS,
  FAILING_METRICS,
  withUnhandledRejections,
} from '@kpl-lambda/testing-utils';
import {
  client,
  dataOf,
  denied,
  fast,
  kinesis,
  type MockStream,
  mockStream,
  shardOf,
  shards,
  throttled,
} from './helpers/mockKinesis.js';

let stream: MockStream;
beforeEach(() => {
  stream = mockStream(2);
});

/** The user's logger, each call noted by level before it fails as the user's would. */
function noting(logger: KplLogger) {
  const levels: string[] = [];
  const note =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, ...extra: unknown[]) => {
      levels.push(level);
      return logger[level](message, ...extra);
    };
  return { levels, logger: { info: note('info'), warn: note('warn'), error: note('error') } };
}

/** The user's metrics sink, each metric noted before it fails as the user's would. */
function notingMetrics(metrics: KplMetrics) {
  const added: string[] = [];
  const sink: KplMetrics = {
    addMetric: (name, unit, value) => {
      added.push(name);
      return metrics.addMetric(name, unit, value);
    },
  };
  return { added, sink };
}

const records = Array.from({ length: 60 }, (_, i) => ({
  partitionKey: `k${i % 7}`,
  data: i % 10 === 3 ? `doomed-${i}` : `r-${i}`,
}));

/**
 * ListShards refused once, every request throttled twice, and the aggregates holding a doomed
 * record throttled until they are given up: what each user record came to, and nothing unhandled.
 */
async function throttlingEpisode(options: Partial<KinesisProducerOptions>) {
  kinesis.on(ListShardsCommand).rejectsOnce(denied('LimitExceededException')).resolves(shards(2));
  const written: string[] = [];
  stream.answer = (entry, call) => {
    const data = dataOf(entry);
    if (call < 2 || data.some((text) => text.startsWith('doomed'))) return throttled;
    written.push(...data);
    return { SequenceNumber: '1', ShardId: shardOf(entry, 2) };
  };
  const producer = new KinesisProducer({
    client,
    streamName: 's',
    maxAttempts: 3,
    ...fast,
    ...options,
  });
  const { result, unhandled } = await withUnhandledRejections(() => {
    producer.putMany(records);
    return producer.flush();
  });
  const undeliverable = result.undeliverable.map(({ record }) => String(record.data));
  return { producer, written, undeliverable, unhandled };
}

/** Every record put was written or reported undeliverable, once, and at least one was given up. */
function expectNothingLost({
  written,
  undeliverable,
}: {
  written: string[];
  undeliverable: string[];
}) {
  expect([...written, ...undeliverable].sort()).toEqual(records.map(({ data }) => data).sort());
  expect(undeliverable).toEqual(expect.arrayContaining(['doomed-3']));
}

describe.each(FAILING_LOGGERS)('a logger that %s', (_, makeLogger) => {
  it('loses nothing in a throttling episode, and leaves no rejection unhandled', async () => {
    const { levels, logger } = noting(makeLogger());

    const episode = await throttlingEpisode({ logger });

    expectNothingLost(episode);
    expect(episode.unhandled).toEqual([]);
    expect(levels).toEqual(expect.arrayContaining(['warn', 'error']));
    expect(episode.producer.undeliverableRecords).toBe(0);
  });

  it('loses nothing while access is denied, and writes once it is given', async () => {
    const { levels, logger } = noting(makeLogger());
    kinesis.on(ListShardsCommand).rejects(denied('AccessDeniedException'));
    kinesis.on(PutRecordsCommand).rejectsOnce(denied('AccessDeniedException'));
    const producer = new KinesisProducer({ client, streamName: 's', logger, ...fast });

    const { result, unhandled } = await withUnhandledRejections(async () => {
      producer.putMany(records);
      const denial = await producer.flush();
      stream = mockStream(2);
      producer.put({ partitionKey: 'k', data: 'after' });
      return { denial, after: await producer.flush() };
    });

    expect(result.denial.undeliverable.map(({ record }) => record.data).sort()).toEqual(
      records.map(({ data }) => data).sort(),
    );
    expect(result.denial.undeliverable[0]?.errorCode).toBe('AccessDeniedException');
    expect(result.after).toEqual({ undeliverable: [] });
    expect(stream.calls.flat()).toEqual(['after']);
    expect(unhandled).toEqual([]);
    expect(levels).toEqual(expect.arrayContaining(['warn', 'error']));
  });
});

describe.each(FAILING_METRICS)('a metrics sink that %s', (_, makeMetrics) => {
  it('loses nothing in a throttling episode, counts the same, and leaves no rejection unhandled', async () => {
    const { added, sink } = notingMetrics(makeMetrics());
    const warnings: string[] = [];
    const logger = { info: () => {}, warn: (line: string) => warnings.push(line), error: () => {} };

    const episode = await throttlingEpisode({ metrics: sink, logger });

    expectNothingLost(episode);
    expect(episode.unhandled).toEqual([]);
    expect(added.length).toBeGreaterThan(0);
    expect(warnings).toEqual(
      expect.arrayContaining(['The metrics instance refused the producer metrics']),
    );
    expect(episode.producer.counters).toMatchObject({
      userRecordsPut: records.length,
      userRecordsWritten: episode.written.length,
      failedUserRecords: episode.undeliverable.length,
    });
  });
});
