import { corruptAggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import kplDeagg, { KplDeaggConfigurationError, type KplDeaggOptions } from '@kpl-lambda/middy';
import { batchOfThreeParents, sequenceNumbers, throwingLogger } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { context, recordingHandler, recordingLogger } from './recordingHandler.js';

describe('kplDeagg filter and logger', () => {
  it('drops filtered user records before the handler; they count as processed', async () => {
    const event = batchOfThreeParents();
    const { seen, handle } = recordingHandler(() => undefined);
    const options: KplDeaggOptions = { filter: (record) => record.kinesis.partitionKey !== 'b' };

    const response = await handle(event, kplDeagg(options));

    expect(seen.map(({ kinesis }) => kinesis.partitionKey)).toEqual(['a', 'c', 'p', 'd', 'e']);
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('logs one debug summary per invocation', async () => {
    const logger = recordingLogger();
    const event = kinesisStreamEvent([
      ...batchOfThreeParents().Records.map((r) => ({
        data: Buffer.from(r.kinesis.data, 'base64'),
        partitionKey: r.kinesis.partitionKey,
      })),
      corruptAggregatedRecord({ partitionKey: 'z' }),
    ]);

    await recordingHandler().handle(
      event,
      kplDeagg({ logger, filter: (r) => r.kinesis.partitionKey !== 'a' }),
    );

    expect(logger.lines.filter(([level]) => level === 'debug')).toEqual([
      [
        'debug',
        'KPL deaggregation',
        { parents: 4, userRecords: 7, aggregated: 5, corrupt: 1, filtered: 1, alreadyDone: 0 },
      ],
    ]);
  });
});

describe('kplDeagg with a logger that throws', () => {
  const throwing = throwingLogger();

  it('tells Lambda exactly what it would without the logger', async () => {
    const event = batchOfThreeParents();
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ logger: throwing as never, onCorrupt: 'fail' }))
      .handler<KinesisStreamEvent>(async () => ({
        batchItemFailures: [{ itemIdentifier: 'unknown' }],
      }));

    expect(await handler(event, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[0] }],
    });
  });
});

describe('kplDeagg options', () => {
  it.each([
    [{ onCorrupt: 'ignore' }, 'onCorrupt'],
    [{ filter: 'not a function' }, 'filter'],
    [{ logger: 'console' }, 'logger'],
  ])('refuses %j at the factory, naming the option', (options, option) => {
    expect(() => kplDeagg(options as never)).toThrow(KplDeaggConfigurationError);
    expect(() => kplDeagg(options as never)).toThrow(expect.objectContaining({ option }));
  });
});
