import { FullBatchFailureError, processPartialResponse } from '@aws-lambda-powertools/batch';
import { type KinesisStreamUserRecord, KplDecodeError } from '@kpl-lambda/core';
import { corruptAggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import {
  KplBatchConfigurationError,
  KplBatchProcessor,
  KplCorruptAggregateError,
  KplSkippedRecordError,
} from '@kpl-lambda/powertools';
import {
  batchOfThreeParents,
  batchWithCorruptAggregate,
  FAILING_LOGGERS,
  referenceAggregate,
  sequenceNumbers,
  withUnhandledRejections,
} from '@kpl-lambda/testing-utils';
import type { Context, KinesisStreamEvent } from 'aws-lambda';

const context = { awsRequestId: 'request-1', functionName: 'consumer' } as Context;
const text = (record: KinesisStreamUserRecord) =>
  Buffer.from(record.kinesis.data, 'base64').toString('utf8');
/** A record handler that records what it saw and throws for the data listed. */
function failingOn(...failing: string[]) {
  const seen: string[] = [];
  const recordHandler = async (record: KinesisStreamUserRecord) => {
    seen.push(text(record));
    if (failing.includes(text(record))) throw new Error(`failed ${text(record)}`);
    return text(record);
  };
  return { seen, recordHandler };
}

describe.each([
  ['in parallel', true],
  ['sequentially', false],
])('KplBatchProcessor %s', (_, processInParallel) => {
  const run = (
    event: KinesisStreamEvent,
    recordHandler: (r: KinesisStreamUserRecord) => unknown,
    processor = new KplBatchProcessor(),
  ) => processPartialResponse(event, recordHandler, processor, { context, processInParallel });

  it('hands the record handler user records with sub-sequence numbers', async () => {
    const event = batchOfThreeParents();
    const records: KinesisStreamUserRecord[] = [];

    const response = await run(event, async (record) => {
      records.push(record);
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(
      records
        .map(({ kinesis }) => [
          kinesis.sequenceNumber,
          kinesis.subSequenceNumber,
          kinesis.aggregated,
          kinesis.explicitHashKey,
        ])
        .sort(),
    ).toEqual(
      [
        [sequenceNumbers(event)[0], 0, true, undefined],
        [sequenceNumbers(event)[0], 1, true, '7'],
        [sequenceNumbers(event)[0], 2, true, undefined],
        [sequenceNumbers(event)[1], 0, false, undefined],
        [sequenceNumbers(event)[2], 0, true, undefined],
        [sequenceNumbers(event)[2], 1, true, undefined],
      ].sort(),
    );
  });

  it.each([['a0'], ['a1'], ['a2']])(
    'reports the parent when user record %s fails',
    async (failed) => {
      const event = batchOfThreeParents();

      const response = await run(event, failingOn(failed).recordHandler);

      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[0] }],
      });
    },
  );

  it('reports each failed parent once, in sequence order', async () => {
    const event = batchOfThreeParents();

    const response = await run(event, failingOn('b1', 'a2', 'plain', 'a0', 'b0').recordHandler);

    expect(response).toEqual({
      batchItemFailures: sequenceNumbers(event).map((itemIdentifier) => ({ itemIdentifier })),
    });
  });

  it('lists parents in sequence order even when their failures complete out of order', async () => {
    const event = batchOfThreeParents();
    const finishOrder = ['b1', 'plain', 'a0'];

    const response = await run(event, async (record) => {
      // b1 (last parent) fails first, a0 (first parent) last: in parallel, failures complete
      // in reverse batch order.
      const rank = finishOrder.indexOf(text(record));
      await new Promise((resolve) => setTimeout(resolve, rank === -1 ? 0 : 1 + 15 * rank));
      if (rank !== -1) throw new Error('failed');
    });

    expect(response).toEqual({
      batchItemFailures: sequenceNumbers(event).map((itemIdentifier) => ({ itemIdentifier })),
    });
  });

  it('applies the full-batch rule to user records: all failed, the invocation fails', async () => {
    const all = ['a0', 'a1', 'a2', 'plain', 'b0', 'b1'];

    await expect(run(batchOfThreeParents(), failingOn(...all).recordHandler)).rejects.toThrow(
      FullBatchFailureError,
    );
    await expect(
      run(batchOfThreeParents(), failingOn(...all.slice(1)).recordHandler),
    ).resolves.toBeDefined();
  });

  it('reports every parent instead with throwOnFullBatchFailure: false', async () => {
    const event = batchOfThreeParents();

    const response = await processPartialResponse(
      event,
      failingOn('a0', 'a1', 'a2', 'plain', 'b0', 'b1').recordHandler,
      new KplBatchProcessor(),
      { context, processInParallel, throwOnFullBatchFailure: false },
    );

    expect(response.batchItemFailures).toHaveLength(3);
  });

  it('passes the context to the record handler', async () => {
    const contexts: unknown[] = [];

    await run(
      batchOfThreeParents(),
      async (_record: KinesisStreamUserRecord, handlerContext?: Context) => {
        contexts.push(handlerContext);
      },
    );

    expect(contexts).toHaveLength(6);
    expect(new Set(contexts)).toEqual(new Set([context]));
  });

  describe('with a corrupt aggregate', () => {
    it('hands it to the handler with a deaggregationError by default', async () => {
      const errors: Array<string | undefined> = [];

      await run(batchWithCorruptAggregate(), async (record) => {
        errors.push(record.kinesis.deaggregationError);
      });

      expect(errors.filter((error) => error !== undefined)).toEqual([
        expect.stringContaining('TRUNCATED'),
      ]);
    });

    it('warns about it with its keys when given a logger', async () => {
      const warnings: unknown[][] = [];
      const logger = {
        debug: () => undefined,
        warn: (...line: unknown[]) => warnings.push(line),
        error: () => undefined,
      };
      const event = batchWithCorruptAggregate();

      await run(event, failingOn().recordHandler, new KplBatchProcessor({ logger }));

      expect(warnings).toEqual([
        [
          'Corrupt KPL aggregate',
          expect.objectContaining({
            sequenceNumber: sequenceNumbers(event)[1],
            subSequenceNumber: 0,
            shardId: 'shardId-000000000000',
            deaggregationError: expect.stringContaining('TRUNCATED'),
          }),
        ],
      ]);
    });

    it("fails the invocation with onCorrupt: 'throw'", async () => {
      await expect(
        run(
          batchWithCorruptAggregate(),
          failingOn().recordHandler,
          new KplBatchProcessor({ onCorrupt: 'throw' }),
        ),
      ).rejects.toThrow(KplDecodeError);
    });

    it("reports its parent without calling the handler with onCorrupt: 'fail'", async () => {
      const event = batchWithCorruptAggregate();
      const { seen, recordHandler } = failingOn();
      const processor = new KplBatchProcessor({ onCorrupt: 'fail' });

      const response = await run(event, recordHandler, processor);

      expect(seen.sort()).toEqual(['fine', 'good', 'plain']);
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[1] }],
      });
      expect(processor.errors).toEqual([expect.any(KplCorruptAggregateError)]);
    });
  });

  it('reads aggregates made by aws-kinesis-agg', async () => {
    const encoded = await referenceAggregate(
      Array.from({ length: 30 }, (_, i) => ({ partitionKey: `k${i}`, data: `r${i}` })),
    );
    const { seen, recordHandler } = failingOn();

    await run(kinesisStreamEvent(encoded), recordHandler);

    expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`).sort());
  });
});

describe('KplBatchProcessor with stopOnFirstFailure', () => {
  it('reports later user records without processing them', async () => {
    const event = batchOfThreeParents();
    const { seen, recordHandler } = failingOn('a2');
    const processor = new KplBatchProcessor({ stopOnFirstFailure: true });

    const response = await processPartialResponse(event, recordHandler, processor, { context });

    expect(seen).toEqual(['a0', 'a1', 'a2']);
    expect(response).toEqual({
      batchItemFailures: sequenceNumbers(event).map((itemIdentifier) => ({ itemIdentifier })),
    });
    expect(processor.errors.filter((error) => error instanceof KplSkippedRecordError)).toHaveLength(
      3,
    );
  });

  it('processes everything when nothing fails', async () => {
    const { seen, recordHandler } = failingOn();

    await processPartialResponse(
      batchOfThreeParents(),
      recordHandler,
      new KplBatchProcessor({ stopOnFirstFailure: true }),
    );

    expect(seen).toHaveLength(6);
  });

  it('refuses processInParallel: true', async () => {
    await expect(
      processPartialResponse(
        batchOfThreeParents(),
        failingOn().recordHandler,
        new KplBatchProcessor({ stopOnFirstFailure: true }),
        {
          processInParallel: true,
        },
      ),
    ).rejects.toThrow(KplBatchConfigurationError);
  });
});

describe('KplBatchProcessor failures', () => {
  it('reports parents with sequence numbers that are not numbers, in batch order, without throwing', async () => {
    const event = batchOfThreeParents();
    event.Records.forEach((record, i) => {
      record.kinesis.sequenceNumber = `seq-${3 - i}`;
    });

    const response = await processPartialResponse(
      event,
      failingOn('b1', 'a0').recordHandler,
      new KplBatchProcessor(),
      {
        context,
      },
    );

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'seq-3' }, { itemIdentifier: 'seq-1' }],
    });
  });

  it.each(FAILING_LOGGERS)(
    'reports the same with a logger that %s, leaving no rejection unhandled',
    async (_, makeLogger) => {
      const event = kinesisStreamEvent([
        ...batchOfThreeParents().Records.map((r) => ({
          data: Buffer.from(r.kinesis.data, 'base64'),
          partitionKey: r.kinesis.partitionKey,
        })),
        corruptAggregatedRecord({ partitionKey: 'z' }),
      ]);

      const { result, unhandled } = await withUnhandledRejections(() =>
        processPartialResponse(
          event,
          failingOn('a1').recordHandler,
          new KplBatchProcessor({ logger: makeLogger(), onCorrupt: 'fail' }),
          { context },
        ),
      );

      expect(result).toEqual({
        batchItemFailures: [
          { itemIdentifier: sequenceNumbers(event)[0] },
          { itemIdentifier: sequenceNumbers(event)[3] },
        ],
      });
      expect(unhandled).toEqual([]);
    },
  );

  it.each([
    ['stopOnFirstFailur', 'stopOnFirstFailure'],
    ['onCorupt', 'onCorrupt'],
    ['innerSchemas', 'innerSchema'],
  ])('refuses the misspelt option %s when made, suggesting %s', (key, closest) => {
    expect(() => new KplBatchProcessor({ [key]: true } as never)).toThrow(
      expect.objectContaining({
        name: 'KplBatchConfigurationError',
        option: key,
        message: expect.stringContaining(`did you mean ${closest}?`),
      }),
    );
  });

  it.each([
    [{ onCorrupt: 'ignore' }, 'onCorrupt'],
    [{ stopOnFirstFailure: 'yes' }, 'stopOnFirstFailure'],
  ])('refuses %j when made, naming the option', (options, option) => {
    expect(() => new KplBatchProcessor(options as never)).toThrow(KplBatchConfigurationError);
    expect(() => new KplBatchProcessor(options as never)).toThrow(
      expect.objectContaining({ option }),
    );
  });
});

describe('KplBatchProcessor checkpoints option', () => {
  it('refuses checkpoints that are no CheckpointStore', () => {
    expect(() => new KplBatchProcessor({ checkpoints: {} as never })).toThrow(
      expect.objectContaining({ option: 'checkpoints' }),
    );
  });
});
