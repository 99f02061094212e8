import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Base64Encoded } from '@aws-lambda-powertools/parser/helpers';
import {
  KinesisDataStreamRecord,
  KinesisDataStreamRecordPayload,
} from '@aws-lambda-powertools/parser/schemas/kinesis';
import type { KinesisStreamUserRecord } from '@kpl-lambda/core';
import {
  aggregatedRecord,
  corruptAggregatedRecord,
  kinesisStreamEvent,
  plainRecord,
} from '@kpl-lambda/core/testing';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import {
  KinesisUserEventSchema,
  KinesisUserRecordPayloadSchema,
  KinesisUserRecordSchema,
} from '@kpl-lambda/powertools/schemas';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { z } from 'zod';

const context = {
  awsRequestId: 'request-1',
  functionName: 'consumer',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:consumer',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

const Order = z.object({ orderId: z.string(), quantity: z.number().int().positive() });

/** A Standard Schema that is not Zod's, which takes anything: Powertools refuses it. */
const notZod = {
  '~standard': { version: 1, vendor: 'handmade', validate: (value: unknown) => ({ value }) },
} as const;

const orders = () =>
  kinesisStreamEvent([
    aggregatedRecord([
      { partitionKey: 'o1', data: JSON.stringify({ orderId: 'o1', quantity: 1 }) },
      { partitionKey: 'o2', data: JSON.stringify({ orderId: 'o2', quantity: -5 }) },
      {
        partitionKey: 'o3',
        data: JSON.stringify({ orderId: 'o3', quantity: 3 }),
        explicitHashKey: '9',
      },
    ]),
    plainRecord({ partitionKey: 'o4', data: JSON.stringify({ orderId: 'o4', quantity: 4 }) }),
  ]);

type ParsedOrder = Omit<KinesisStreamUserRecord, 'kinesis'> & {
  kinesis: Omit<KinesisStreamUserRecord['kinesis'], 'data'> & { data: z.infer<typeof Order> };
};

describe('the Powertools parser', () => {
  it('parses user records with innerSchema and the base64 transformer, keeping user record fields', async () => {
    const event = orders();
    const parsed: ParsedOrder[] = [];
    const processor = new KplBatchProcessor({ parser, innerSchema: Order, transformer: 'base64' });

    const response = await processPartialResponse(
      event,
      async (record: ParsedOrder) => {
        parsed.push(record);
      },
      processor,
      { context, processInParallel: false },
    );

    expect(
      parsed.map(({ kinesis }) => [
        kinesis.data,
        kinesis.subSequenceNumber,
        kinesis.aggregated,
        kinesis.explicitHashKey,
      ]),
    ).toEqual([
      [{ orderId: 'o1', quantity: 1 }, 0, true, undefined],
      [{ orderId: 'o3', quantity: 3 }, 2, true, '9'],
      [{ orderId: 'o4', quantity: 4 }, 0, false, undefined],
    ]);
    // The order with a negative quantity fails parsing: its parent is reported.
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
  });

  it('parses user records with a full schema built from the shipped user record schema', async () => {
    const schema = KinesisUserRecordSchema.extend({
      kinesis: KinesisUserRecordPayloadSchema.extend({ data: Base64Encoded(Order) }),
    });
    const parsed: ParsedOrder[] = [];

    await processPartialResponse(
      orders(),
      async (record: ParsedOrder) => {
        parsed.push(record);
      },
      new KplBatchProcessor({ parser, schema }),
      { context },
    );

    expect(
      parsed.map(({ kinesis }) => `${kinesis.data.orderId}:${kinesis.subSequenceNumber}`).sort(),
    ).toEqual(['o1:0', 'o3:2', 'o4:0']);
  });

  it('keeps the reason of a corrupt aggregate passed through, with the shipped full schema', async () => {
    const schema = KinesisUserRecordSchema.extend({
      kinesis: KinesisUserRecordPayloadSchema.extend({ data: z.string() }),
    });
    const reasons: unknown[] = [];
    await processPartialResponse(
      kinesisStreamEvent([corruptAggregatedRecord()]),
      async (record: KinesisStreamUserRecord) => {
        reasons.push(record.kinesis.deaggregationErrorReason);
      },
      new KplBatchProcessor({ parser, schema, logger: { debug() {}, warn() {}, error() {} } }),
      { context },
    );
    expect(reasons).toEqual(['TRUNCATED']);
  });

  it('refuses, naming where the schema goes, an event whose records were decoded before the processor', async () => {
    // Base64Encoded on the whole event first: the aggregates become text with replacement
    // characters, and could never be deaggregated.
    const decodedFirst = z
      .object({
        Records: z.array(
          KinesisDataStreamRecord.extend({
            kinesis: KinesisDataStreamRecordPayload.extend({ data: Base64Encoded(z.unknown()) }),
          }),
        ),
      })
      .parse(orders());

    await expect(
      processPartialResponse(
        decodedFirst as unknown as KinesisStreamEvent,
        async () => undefined,
        new KplBatchProcessor(),
        { context },
      ),
    ).rejects.toThrow(
      expect.objectContaining({
        name: 'KplBatchConfigurationError',
        option: 'parser',
        message: expect.stringContaining('new KplBatchProcessor({ parser, schema })'),
      }),
    );
  });

  it('validates a whole deaggregated event with KinesisUserEventSchema', async () => {
    const { deaggregateRecords } = await import('@kpl-lambda/core');
    const userEvent = { Records: deaggregateRecords(orders().Records) };

    const result = KinesisUserEventSchema.safeParse(userEvent);

    expect(result.success).toBe(true);
    expect(result.data?.Records.map((record) => record.kinesis.subSequenceNumber)).toEqual([
      0, 1, 2, 0,
    ]);
  });
});

describe('records without a partition key (a service-managed stream)', () => {
  const keyless = () =>
    kinesisStreamEvent([
      plainRecord({ partitionKey: null, data: JSON.stringify({ orderId: 'o1', quantity: 1 }) }),
      { data: Buffer.from(JSON.stringify({ orderId: 'o2', quantity: 2 })) },
      aggregatedRecord(
        [{ partitionKey: 'o3', data: JSON.stringify({ orderId: 'o3', quantity: 3 }) }],
        { partitionKey: null },
      ),
    ]);
  const seen = (records: ParsedOrder[]) =>
    records.map(({ kinesis }) => [
      kinesis.data.orderId,
      kinesis.partitionKey,
      'partitionKey' in kinesis,
    ]);
  /** Runs `processor` on the keyless batch, in turn: what it answered, and the records parsed. */
  const parseKeyless = async (processor: KplBatchProcessor) => {
    const parsed: ParsedOrder[] = [];
    const response = await processPartialResponse(
      keyless(),
      async (record: ParsedOrder) => {
        parsed.push(record);
      },
      processor,
      { context, processInParallel: false },
    );
    return { response, parsed };
  };

  it('parses them with innerSchema, keeping what Lambda sent as their key', async () => {
    const { response, parsed } = await parseKeyless(
      new KplBatchProcessor({ parser, innerSchema: Order, transformer: 'base64' }),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen(parsed)).toEqual([
      ['o1', null, true],
      ['o2', undefined, false],
      ['o3', 'o3', true],
    ]);
  });

  it("parses them through Powertools' own parser (json), keeping their key and user record fields", async () => {
    // Base64 text that is JSON as it is: what the json transformer parses on a Kinesis record.
    const jsonText = (text: string) => Buffer.from(text, 'base64');
    const event = kinesisStreamEvent([
      plainRecord({ partitionKey: null, data: jsonText('1234') }),
      { data: jsonText('5678') },
      aggregatedRecord([{ partitionKey: 'o3', data: jsonText('9012') }], { partitionKey: null }),
    ]);
    const parsed: KinesisStreamUserRecord[] = [];
    const response = await processPartialResponse(
      event,
      async (record: KinesisStreamUserRecord) => {
        parsed.push(record);
      },
      new KplBatchProcessor({ parser, innerSchema: z.number(), transformer: 'json' }),
      { context, processInParallel: false },
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(
      parsed.map(({ kinesis }) => [
        kinesis.data,
        kinesis.partitionKey,
        'partitionKey' in kinesis,
        kinesis.subSequenceNumber,
        kinesis.aggregated,
      ]),
    ).toEqual([
      [1234, null, true, 0, false],
      [5678, undefined, false, 0, false],
      [9012, 'o3', true, 0, true],
    ]);
  });

  it('parses them with the shipped user record schema', async () => {
    const schema = KinesisUserRecordSchema.extend({
      kinesis: KinesisUserRecordPayloadSchema.extend({ data: Base64Encoded(Order) }),
    });
    const { response, parsed } = await parseKeyless(new KplBatchProcessor({ parser, schema }));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen(parsed)).toEqual([
      ['o1', null, true],
      ['o2', undefined, false],
      ['o3', 'o3', true],
    ]);
    expect(KinesisUserRecordPayloadSchema.shape.partitionKey.safeParse(7).success).toBe(false);
  });
});

/**
 * Captures what a Logger writes, one parsed JSON object per log call. With POWERTOOLS_DEV set the
 * Logger writes through the global console rather than its own, so its lines can be read here.
 */
function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const spies = (['debug', 'info', 'warn', 'error'] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(JSON.parse(String(args[0])));
    }),
  );
  return {
    lines,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

describe('the Powertools Logger', () => {
  it('logs each failed user record with its own keys, inside a Middy handler with injectLambdaContext', async () => {
    process.env.POWERTOOLS_DEV = 'true';
    const logger = new Logger({ serviceName: 'consumer', logLevel: 'DEBUG' });
    delete process.env.POWERTOOLS_DEV;
    const processor = new KplBatchProcessor({ logger });
    const event = kinesisStreamEvent(
      [
        aggregatedRecord([
          { partitionKey: 'a', data: 'ok' },
          { partitionKey: 'b', data: 'bad' },
          { partitionKey: 'c', data: 'bad' },
        ]),
      ],
      { shardId: 'shardId-000000000004' },
    );
    const recordHandler = async (record: KinesisStreamUserRecord) => {
      if (Buffer.from(record.kinesis.data, 'base64').toString() === 'bad') throw new Error('no');
    };
    const handler = middy(async (incoming: KinesisStreamEvent, lambdaContext: Context) =>
      processPartialResponse(incoming, recordHandler, processor, { context: lambdaContext }),
    ).use(injectLambdaContext(logger));
    const logs = captureLogs();

    try {
      await handler(event, context);
    } finally {
      logs.restore();
    }

    const failures = logs.lines.filter((line) => line.message === 'User record failed');
    expect(
      failures.map((line) => [
        line.subSequenceNumber,
        line.sequenceNumber,
        line.shardId,
        line.function_request_id,
      ]),
    ).toEqual([
      [1, event.Records[0]!.kinesis.sequenceNumber, 'shardId-000000000004', 'request-1'],
      [2, event.Records[0]!.kinesis.sequenceNumber, 'shardId-000000000004', 'request-1'],
    ]);
    // The error itself, as Powertools formats one: name, message and stack, not only the message.
    expect(failures[0]!.error).toMatchObject({
      name: 'Error',
      message: 'no',
      stack: expect.stringContaining('Error: no'),
    });
  });
});

describe('one processor shared by interleaved invocations', () => {
  it('keeps each invocation’s user records and failures apart (Lambda Managed Instances)', () => {
    // The InvokeStore's concurrent mode loads node:async_hooks with import(), which Jest's
    // CommonJS runtime cannot do: the scenario runs in Node itself, on the built packages.
    const script = join(__dirname, 'fixtures/interleaved-invocations.mjs');
    const output = execFileSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, AWS_LAMBDA_MAX_CONCURRENCY: '4' },
    });
    const { one, two, responses } = JSON.parse(output) as {
      one: string[];
      two: string[];
      responses: unknown[];
    };

    expect(responses).toEqual([
      { batchItemFailures: [{ itemIdentifier: one[0] }] },
      { batchItemFailures: [{ itemIdentifier: two[1] }] },
    ]);
  });
});

describe('parity with the stock BatchProcessor on plain records', () => {
  // Valid, invalid, gzip JSON (valid and not), gzip of text, text, and bytes that only look
  // like gzip: each read as Powertools' Base64Encoded reads it.
  const plainOrders = () =>
    kinesisStreamEvent([
      plainRecord({ partitionKey: 'o1', data: JSON.stringify({ orderId: 'o1', quantity: 1 }) }),
      plainRecord({ partitionKey: 'o2', data: JSON.stringify({ orderId: 'o2', quantity: 0 }) }),
      plainRecord({
        partitionKey: 'o3',
        data: gzipSync(JSON.stringify({ orderId: 'o3', quantity: 3 })),
      }),
      plainRecord({ partitionKey: 'o4', data: gzipSync(JSON.stringify({ orderId: 'o4' })) }),
      plainRecord({ partitionKey: 'o5', data: gzipSync('o5, not JSON') }),
      plainRecord({ partitionKey: 'o6', data: 'o6, not JSON' }),
      plainRecord({ partitionKey: 'o7', data: Buffer.from([0x1f, 0x8b, 0x7b, 0x7d]) }),
    ]);

  it('fails a gzip record that inflates past 10 MiB, which Base64Encoded would inflate whole', async () => {
    const padded = z.object({ pad: z.string() });
    const bomb = gzipSync(JSON.stringify({ pad: 'x'.repeat(11 * 1024 * 1024) }));
    const processor = new KplBatchProcessor({ parser, innerSchema: padded, transformer: 'base64' });
    const response = await processPartialResponse(
      kinesisStreamEvent([plainRecord({ partitionKey: 'bomb', data: bomb })]),
      async () => undefined,
      processor,
      { context, throwOnFullBatchFailure: false },
    );
    expect(response.batchItemFailures).toHaveLength(1);
    expect(processor.errors[0]?.name).toBe('ParsingError');
  });

  it.each([
    ['no transformer', undefined, z.string()],
    ['json', 'json' as const, Order],
    ['base64', 'base64' as const, Order],
    ['base64, an asynchronous schema', 'base64' as const, Order.refine(async () => true)],
    ['unmarshall', 'unmarshall' as const, Order],
    ['base64, a schema of another library than Zod', 'base64' as const, notZod],
  ])('parses innerSchema with %s as Powertools does', async (_, transformer, innerSchema) => {
    let debug: string[] = [];
    const logger = {
      debug: (message: string) => debug.push(message),
      warn: () => undefined,
      error: () => undefined,
    };
    const config = { parser, innerSchema, logger, ...(transformer ? { transformer } : {}) };
    const outcome = async (processor: BatchProcessor) => {
      const seen: unknown[] = [];
      debug = [];
      const response = await processPartialResponse(
        plainOrders(),
        async (record: KinesisStreamRecord) => {
          seen.push(record.kinesis.data);
        },
        processor,
        { context, processInParallel: false, throwOnFullBatchFailure: false },
      );
      const errors = processor.errors.map((error) => `${error.name}: ${error.message}`);
      return { seen, response, errors, debug };
    };

    const ours = await outcome(new KplBatchProcessor(config));
    const stock = await outcome(new BatchProcessor(EventType.KinesisDataStreams, config));

    expect(ours).toEqual(stock);
  });
});
