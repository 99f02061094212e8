import { corruptAggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import kplDeagg, { KplDeaggConfigurationError, type KplDeaggOptions } from '@kpl-lambda/middy';
import {
  batchOfThreeParents,
  FAILING_LOGGERS,
  sequenceNumbers,
  withUnhandledRejections,
} from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { context, recordingHandler, recordingLogger } from './helpers/recordingHandler.js';

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

describe.each(FAILING_LOGGERS)('kplDeagg with a logger that %s', (_, makeLogger) => {
  it('tells Lambda exactly what it would without the logger, and leaves no rejection unhandled', async () => {
    const event = kinesisStreamEvent([
      ...batchOfThreeParents().Records.map((r) => ({
        data: Buffer.from(r.kinesis.data, 'base64'),
        partitionKey: r.kinesis.partitionKey,
      })),
      corruptAggregatedRecord({ partitionKey: 'z' }),
    ]);
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ logger: makeLogger(), onCorrupt: 'fail' }))
      .handler<KinesisStreamEvent>(async () => ({
        batchItemFailures: [{ itemIdentifier: 'unknown' }],
      }));

    const { result, unhandled } = await withUnhandledRejections(() => handler(event, context));

    expect(result).toEqual({
      batchItemFailures: [
        { itemIdentifier: sequenceNumbers(event)[0] },
        { itemIdentifier: sequenceNumbers(event)[3] },
      ],
    });
    expect(unhandled).toEqual([]);
  });
});

describe('kplDeagg options', () => {
  it.each([
    ['onCorupt', 'onCorrupt'],
    ['loger', 'logger'],
    ['checkpoint', 'checkpoints'],
  ])('refuses the misspelt option %s at the factory, suggesting %s', (key, closest) => {
    expect(() => kplDeagg({ [key]: 'throw' } as never)).toThrow(
      expect.objectContaining({
        name: 'KplDeaggConfigurationError',
        option: key,
        message: expect.stringContaining(`did you mean ${closest}?`),
      }),
    );
  });

  it.each([
    [{ onCorrupt: 'ignore' }, 'onCorrupt'],
    [{ filter: 'not a function' }, 'filter'],
    [{ logger: 'console' }, 'logger'],
  ])('refuses %j at the factory, naming the option', (options, option) => {
    expect(() => kplDeagg(options as never)).toThrow(KplDeaggConfigurationError);
    expect(() => kplDeagg(options as never)).toThrow(expect.objectContaining({ option }));
  });
});
