import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import kplDeagg, { KplDeaggConfigurationError } from '@kpl-lambda/middy';
import { batchOfThreeParents, sequenceNumbers } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { context, recordingHandler, recordingLogger } from './helpers/recordingHandler.js';

describe('kplDeagg and @middy/event-normalizer', () => {
  const jsonBatch = () =>
    kinesisStreamEvent([
      aggregatedRecord([
        { partitionKey: 'a', data: '{"n":1}' },
        { partitionKey: 'b', data: '{"n":2}' },
      ]),
      plainRecord({ partitionKey: 'c', data: '{"n":3}' }),
    ]);

  it('hands JSON-decoded user records to the handler when used after kplDeagg', async () => {
    const { seen, handle } = recordingHandler();

    await handle(jsonBatch(), kplDeagg(), eventNormalizer());

    expect(seen.map(({ kinesis }) => kinesis.data as unknown)).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
    expect(seen.map(({ kinesis }) => kinesis.subSequenceNumber)).toEqual([0, 1, 0]);
  });

  it('fails with a configuration error that says the right order when used before it', async () => {
    const { handle } = recordingHandler();
    const wrongOrder = (event: KinesisStreamEvent) => handle(event, eventNormalizer(), kplDeagg());

    await expect(wrongOrder(jsonBatch())).rejects.toThrow(KplDeaggConfigurationError);
    await expect(wrongOrder(jsonBatch())).rejects.toThrow(
      '.use(kplDeagg()).use(eventNormalizer())',
    );
  });

  it('notices decoded text that is not JSON as well', async () => {
    const event = kinesisStreamEvent([plainRecord({ partitionKey: 'c', data: 'plain text!' })]);
    const { handle } = recordingHandler();

    await expect(handle(event, eventNormalizer(), kplDeagg())).rejects.toMatchObject({
      name: 'KplDeaggConfigurationError',
      cause: { package: '@kpl-lambda/middy' },
    });
  });
});

describe('kplDeagg with a PromiseSettledResult[] response (Middy batch convention)', () => {
  const settledHandler = (results: (event: KinesisStreamEvent) => unknown) =>
    middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ logger: recordingLogger() }))
      .handler<KinesisStreamEvent>(async (event) => results(event) as never);

  it('turns the rejected user records into their parents, in batch order', async () => {
    const event = batchOfThreeParents();
    const handler = settledHandler((e) =>
      e.Records.map((record) =>
        ['b1', 'a1'].includes(Buffer.from(record.kinesis.data, 'base64').toString())
          ? { status: 'rejected', reason: new Error('no') }
          : { status: 'fulfilled', value: undefined },
      ),
    );

    expect(await handler(event, context)).toEqual({
      batchItemFailures: [
        { itemIdentifier: sequenceNumbers(event)[0] },
        { itemIdentifier: sequenceNumbers(event)[2] },
      ],
    });
  });

  it.each([
    [
      'one result too few',
      (e: KinesisStreamEvent) => e.Records.slice(1).map(() => ({ status: 'fulfilled' })),
    ],
    ['something that is no settled result', (e: KinesisStreamEvent) => e.Records.map(() => true)],
  ])('fails closed on %s: the whole batch', async (_, results) => {
    const event = batchOfThreeParents();

    expect(await settledHandler(results)(event, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[0] }],
    });
  });

  it('refuses checkpoints that are no CheckpointStore', () => {
    expect(() => kplDeagg({ checkpoints: {} as never })).toThrow(
      expect.objectContaining({ option: 'checkpoints' }),
    );
  });
});
