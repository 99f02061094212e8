import {
  type KinesisStreamUserEvent,
  type KinesisStreamUserRecord,
  KPL_MAGIC,
  KplDecodeError,
} from '@kpl-lambda/core';
import {
  aggregatedRecord,
  corruptAggregatedRecord,
  kinesisStreamEvent,
  plainRecord,
} from '@kpl-lambda/core/testing';
import kplDeagg, { KplDeaggConfigurationError, type KplDeaggOptions } from '@kpl-lambda/middy';
import {
  batchOfThreeParents,
  batchWithCorruptAggregate,
  referenceAggregate,
  sequenceNumbers,
} from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, SQSEvent } from 'aws-lambda';

const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;
const text = (data: string) => Buffer.from(data, 'base64').toString('utf8');

/**
 * A handler that records the user records it saw and reports the failures `fail` picks, wrapped
 * in the given middlewares. `.handler<KinesisStreamEvent>` types the exported handler with the
 * event Lambda sends, while the inner handler sees user records.
 */
function recordingHandler(
  fail: (record: KinesisStreamUserRecord) => string | undefined = () => undefined,
) {
  const seen: KinesisStreamUserRecord[] = [];
  const handle = (
    event: KinesisStreamEvent,
    ...middlewares: Array<ReturnType<typeof kplDeagg> | ReturnType<typeof eventNormalizer>>
  ) =>
    middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(middlewares)
      .handler<KinesisStreamEvent>(async (incoming) => {
        const { Records } = incoming as unknown as KinesisStreamUserEvent;
        seen.push(...Records);
        const batchItemFailures = Records.flatMap((record) => {
          const itemIdentifier = fail(record);
          return itemIdentifier === undefined ? [] : [{ itemIdentifier }];
        });
        return { batchItemFailures };
      })(event, context);
  return { seen, handle };
}

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

describe('kplDeagg with corrupt aggregates', () => {
  it('passes them to the handler with a deaggregationError by default, and warns', async () => {
    const logger = recordingLogger();
    const event = batchWithCorruptAggregate();
    const { seen, handle } = recordingHandler();

    await handle(event, kplDeagg({ logger }));

    expect(seen.map(({ kinesis }) => kinesis.deaggregationError !== undefined)).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect(seen[2]!.kinesis.data).toBe(event.Records[1]!.kinesis.data);
    expect(logger.lines).toContainEqual([
      'warn',
      'Corrupt KPL aggregate',
      expect.objectContaining({ sequenceNumber: sequenceNumbers(event)[1] }),
    ]);
  });

  it("fails the invocation with onCorrupt: 'throw'", async () => {
    const { handle } = recordingHandler();

    await expect(
      handle(batchWithCorruptAggregate(), kplDeagg({ onCorrupt: 'throw' })),
    ).rejects.toThrow(KplDecodeError);
  });

  it("keeps them from the handler and reports their parents with onCorrupt: 'fail'", async () => {
    const event = batchWithCorruptAggregate();
    const { seen, handle } = recordingHandler((record) =>
      text(record.kinesis.data) === 'plain' ? record.kinesis.sequenceNumber : undefined,
    );

    const response = await handle(event, kplDeagg({ onCorrupt: 'fail' }));

    expect(seen.map(({ kinesis }) => text(kinesis.data))).toEqual(['good', 'fine', 'plain']);
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: sequenceNumbers(event)[1] },
        { itemIdentifier: sequenceNumbers(event)[2] },
      ],
    });
  });

  it("creates the response when the handler returned none, with onCorrupt: 'fail'", async () => {
    const event = batchWithCorruptAggregate();
    const handler = middy<KinesisStreamEvent>()
      .use(kplDeagg({ onCorrupt: 'fail' }))
      .handler<KinesisStreamEvent>(async () => undefined);

    expect(await handler(event, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[1] }],
    });
  });
});

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

function recordingLogger() {
  const lines: Array<[string, string, ...unknown[]]> = [];
  const log =
    (level: string) =>
    (message: string, ...extra: unknown[]) =>
      lines.push([level, message, ...extra]);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

describe('kplDeagg with a logger that throws', () => {
  const throwing = {
    debug: () => {
      throw new Error('debug broke');
    },
    warn: () => {
      throw new Error('warn broke');
    },
    error: () => {
      throw new Error('error broke');
    },
  };

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
