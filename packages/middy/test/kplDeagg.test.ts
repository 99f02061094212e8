import { KPL_MAGIC } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import kplDeagg from '@kpl-lambda/middy';
import {
  batchOfThreeParents,
  referenceAggregate,
  sequenceNumbers,
} from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { context, recordingHandler, recordingLogger, text } from './helpers/recordingHandler.js';

describe('kplDeagg before the handler', () => {
  it('hands the handler user records, in order, with their parent sequence numbers', async () => {
    const event = batchOfThreeParents();
    const [first, plain, second] = sequenceNumbers(event);
    const { seen, handle } = recordingHandler();

    await handle(event, kplDeagg());

    expect(
      seen.map(({ kinesis }) => [
        text(kinesis.data),
        kinesis.sequenceNumber,
        kinesis.subSequenceNumber,
        kinesis.aggregated,
        kinesis.explicitHashKey,
      ]),
    ).toEqual([
      ['a0', first, 0, true, undefined],
      ['a1', first, 1, true, '7'],
      ['a2', first, 2, true, undefined],
      ['plain', plain, 0, false, undefined],
      ['b0', second, 0, true, undefined],
      ['b1', second, 1, true, undefined],
    ]);
  });

  it("leaves the caller's event object as Lambda delivered it", async () => {
    const event = batchOfThreeParents();
    const before = structuredClone(event);

    await recordingHandler().handle(event, kplDeagg());

    expect(event).toEqual(before);
  });

  it('hands on records without a partition key as Lambda sent them, and reports their failures', async () => {
    const event = kinesisStreamEvent([
      plainRecord({ partitionKey: null, data: 'null key' }),
      { data: Buffer.from('no key') },
      aggregatedRecord([{ partitionKey: 'a', data: 'inner' }], { partitionKey: null }),
    ]);
    const [, noKey] = sequenceNumbers(event);
    const { seen, handle } = recordingHandler((record) =>
      text(record.kinesis.data) === 'no key' ? record.kinesis.sequenceNumber : undefined,
    );

    const response = await handle(event, kplDeagg());

    expect(
      seen.map(({ kinesis }) => [
        text(kinesis.data),
        kinesis.partitionKey,
        'partitionKey' in kinesis,
      ]),
    ).toEqual([
      ['null key', null, true],
      ['no key', undefined, false],
      ['inner', 'a', true],
    ]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: noKey }] });
  });

  it('passes through a plain record that starts with the magic bytes', async () => {
    const data = Buffer.concat([KPL_MAGIC, Buffer.from('just data')]);
    const { seen, handle } = recordingHandler();

    await handle(kinesisStreamEvent([plainRecord({ partitionKey: 'k', data })]), kplDeagg());

    expect(seen.map(({ kinesis }) => [kinesis.data, kinesis.aggregated])).toEqual([
      [data.toString('base64'), false],
    ]);
  });

  it.each([
    ['SQS', { Records: [{ eventSource: 'aws:sqs', body: 'x', messageId: '1' }] }],
    ['DynamoDB', { Records: [{ eventSource: 'aws:dynamodb', dynamodb: {} }] }],
    ['Firehose', { records: [{ recordId: '1', data: 'eA==' }], deliveryStreamArn: 'arn' }],
    ['an empty Kinesis batch', { Records: [] }],
    ['an event without records', {}],
  ])('leaves %s events untouched', async (_, event) => {
    let received: unknown;
    const handler = middy()
      .use(kplDeagg())
      .handler<unknown>(async (incoming: unknown) => {
        received = incoming;
        return { batchItemFailures: [{ itemIdentifier: 'x' }] };
      });

    const response = await handler(event as SQSEvent, context);

    expect(received).toBe(event);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'x' }] });
  });

  it('decodes aggregates made by aws-kinesis-agg', async () => {
    const encoded = await referenceAggregate(
      Array.from({ length: 50 }, (_, i) => ({ partitionKey: `k${i}`, data: `r${i}` })),
    );
    const { seen, handle } = recordingHandler();

    await handle(kinesisStreamEvent(encoded), kplDeagg());

    expect(seen.map(({ kinesis }) => text(kinesis.data))).toEqual(
      Array.from({ length: 50 }, (_, i) => `r${i}`),
    );
  });
});

describe('kplDeagg after the handler: partial batch failures', () => {
  const failing = (...data: string[]) => recordingHandlerFailing(data);
  function recordingHandlerFailing(
    data: string[],
    identify = (sequenceNumber: string, _subSequenceNumber: number) => sequenceNumber,
  ) {
    const { handle } = recordingHandler((record) =>
      data.includes(text(record.kinesis.data))
        ? identify(record.kinesis.sequenceNumber, record.kinesis.subSequenceNumber)
        : undefined,
    );
    return (event: KinesisStreamEvent) => handle(event, kplDeagg());
  }

  it.each([['a0'], ['a1'], ['a2']])(
    'reports the parent when user record %s of it fails',
    async (failed) => {
      const event = batchOfThreeParents();

      const response = await failing(failed)(event);

      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[0] }],
      });
    },
  );

  it('reports each failed parent once, in batch order', async () => {
    const event = batchOfThreeParents();
    const [first, plain, second] = sequenceNumbers(event);

    const response = await failing('b1', 'a2', 'plain', 'a0', 'b0')(event);

    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: first },
        { itemIdentifier: plain },
        { itemIdentifier: second },
      ],
    });
  });

  it('accepts "<sequenceNumber>:<subSequenceNumber>" identifiers', async () => {
    const event = batchOfThreeParents();
    const handler = recordingHandlerFailing(
      ['b1'],
      (sequenceNumber, sub) => `${sequenceNumber}:${sub}`,
    );

    const response = await handler(event);

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[2] }],
    });
  });

  it('gives an empty list when nothing failed', async () => {
    expect(await failing()(batchOfThreeParents())).toEqual({ batchItemFailures: [] });
  });

  it('leaves a handler that returns nothing returning nothing', async () => {
    const handler = middy<KinesisStreamEvent>()
      .use(kplDeagg())
      .handler<KinesisStreamEvent>(async () => undefined);

    expect(await handler(batchOfThreeParents(), context)).toBeUndefined();
  });

  it('lets an error of the handler propagate, so Lambda retries the batch', async () => {
    const handler = middy<KinesisStreamEvent>()
      .use(kplDeagg())
      .handler<KinesisStreamEvent>(async () => {
        throw new Error('database down');
      });

    await expect(handler(batchOfThreeParents(), context)).rejects.toThrow('database down');
  });

  // Dropping one would tell Lambda the record succeeded: Lambda would checkpoint past it.
  it.each([
    ['a number of no record', () => '12345'],
    ['an eventID', (event: KinesisStreamEvent) => event.Records[1]!.eventID],
    [
      'a sequence number padded with a zero',
      (event: KinesisStreamEvent) => `0${sequenceNumbers(event)[1]}`,
    ],
    [
      'a Number',
      (event: KinesisStreamEvent) => Number(sequenceNumbers(event)[1]) as unknown as string,
    ],
    ['an object', () => ({ sequenceNumber: '1' }) as unknown as string],
  ])(
    'fails closed on %s: the first parent is reported, and it is logged',
    async (_, identifierOf) => {
      const logger = recordingLogger();
      const event = batchOfThreeParents();
      const itemIdentifier = identifierOf(event);
      const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
        .use(kplDeagg({ logger }))
        .handler<KinesisStreamEvent>(async () => ({
          batchItemFailures: [{ itemIdentifier }, { itemIdentifier: sequenceNumbers(event)[2]! }],
        }));

      const response = await handler(event, context);

      expect(response).toEqual({
        batchItemFailures: [
          { itemIdentifier: sequenceNumbers(event)[0] },
          { itemIdentifier: sequenceNumbers(event)[2] },
        ],
      });
      expect(logger.lines).toContainEqual([
        'error',
        expect.stringContaining('matches no record'),
        { itemIdentifier },
      ]);
    },
  );

  it.each([[''], [null], [undefined]])(
    'turns an empty identifier (%j), which Lambda reads as total failure, into the first parent',
    async (itemIdentifier) => {
      const logger = recordingLogger();
      const event = batchOfThreeParents();
      const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
        .use(kplDeagg({ logger }))
        .handler<KinesisStreamEvent>(async () => ({
          batchItemFailures: [{ itemIdentifier: itemIdentifier as string }],
        }));

      expect(await handler(event, context)).toEqual({
        batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[0] }],
      });
      expect(logger.lines).toContainEqual(['warn', expect.stringContaining('no itemIdentifier')]);
    },
  );

  it('keeps interleaved invocations of one handler apart', async () => {
    const releases: Array<() => void> = [];
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg())
      .handler<KinesisStreamEvent>(async (event) => {
        await new Promise<void>((resolve) => releases.push(resolve));
        const last = event.Records.at(-1)!;
        return { batchItemFailures: [{ itemIdentifier: last.kinesis.sequenceNumber }] };
      });
    const one = batchOfThreeParents();
    const two = kinesisStreamEvent(
      [
        aggregatedRecord([
          { partitionKey: 'x', data: '1' },
          { partitionKey: 'y', data: '2' },
        ]),
      ],
      { firstSequenceNumber: '49000000000000000000000000000000000000000000000000000777' },
    );

    const first = handler(one, context);
    const second = handler(two, context);
    await new Promise((resolve) => setImmediate(resolve));
    // Finish them in the opposite order from the one they started in.
    for (const release of releases.reverse()) release();

    expect(await first).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumbers(one)[2] }],
    });
    expect(await second).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumbers(two)[0] }],
    });
  });
});
