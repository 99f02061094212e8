// processTumblingWindow: a KplBatchProcessor inside a tumbling window. The record handler reads
// the window from the processor; the results of the user records done for good make the state;
// Lambda's retry runs only the user records not in it yet.
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import {
  type KinesisStreamUserRecord,
  KplConfigurationError,
  userRecordJson,
} from '@kpl-lambda/core';
import { parentOf } from '@kpl-lambda/core/internal';
import { kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { KplBatchProcessor, processTumblingWindow } from '@kpl-lambda/powertools';
import {
  failsOnceAt,
  inWindow,
  retryFrom,
  type SalesTotals,
  type SalesWindowEvent,
  salesBatch,
} from '@kpl-lambda/testing-utils';
import type { Context } from 'aws-lambda';

type Sale = { user: string; amount: number };
const context = {} as Context;
const logger = { debug() {}, warn() {}, error() {} };

const sum = (totals: SalesTotals, sale: Sale) => ({
  ...totals,
  [sale.user]: (totals[sale.user] ?? 0) + sale.amount,
});

/** A record handler that returns each sale, failing the ones `fails` picks. */
function saleHandler(processor: KplBatchProcessor, fails: (sale: Sale) => boolean = () => false) {
  const runs: Sale[] = [];
  const windows: unknown[] = [];
  const recordHandler = async (record: KinesisStreamUserRecord) => {
    const sale = userRecordJson(record) as Sale;
    runs.push(sale);
    windows.push(processor.window?.window);
    if (fails(sale)) throw new Error(`${sale.user} ${sale.amount} failed`);
    return sale;
  };
  return { runs, windows, recordHandler };
}

describe('processTumblingWindow', () => {
  it.each([[true], [false]])(
    'folds the results into the state, maps failures to parents, and runs on the retry only what is not in it (processInParallel: %s)',
    async (processInParallel) => {
      const processor = new KplBatchProcessor({ logger });
      const { runs, windows, recordHandler } = saleHandler(processor, failsOnceAt(3));
      const first = inWindow(salesBatch(), { carol: 10 });

      const response = await processTumblingWindow(first, recordHandler, processor, {
        context,
        processInParallel,
        reduceState: sum,
      });

      expect(response.batchItemFailures).toEqual([
        { itemIdentifier: first.Records[0]!.kinesis.sequenceNumber },
      ]);
      // Every success is done for good, bob 4 after the failed parent too: the progress in the
      // state says so, and the retry skips them.
      expect(response.state).toMatchObject({ carol: 10, ann: 1, bob: 6 });
      expect(windows[0]).toEqual(first.window);

      const retry = inWindow(retryFrom(first, response)!, response.state);
      const retried = await processTumblingWindow(retry, recordHandler, processor, {
        context,
        processInParallel,
        reduceState: sum,
      });

      expect(runs.slice(4)).toEqual([{ user: 'ann', amount: 3 }]);
      expect(retried).toEqual({ state: { carol: 10, ann: 4, bob: 6 }, batchItemFailures: [] });
    },
  );

  it('lets the record handler read the window, and the state it came with, from the processor', async () => {
    const processor = new KplBatchProcessor();
    const seen: unknown[] = [];
    const event = inWindow(salesBatch(), { ann: 100 });

    await processTumblingWindow(
      event,
      async () => {
        seen.push(processor.window);
      },
      processor,
      { reduceState: (state: SalesTotals) => state },
    );

    expect(seen[0]).toEqual({ ...event, state: { ann: 100 } });
    expect(processor.window).toEqual({ ...event, state: { ann: 100 } });
  });

  it('fails the invocation when every user record fails, unless told not to', async () => {
    const processor = new KplBatchProcessor({ logger });
    const { recordHandler } = saleHandler(processor, () => true);
    const event = inWindow(salesBatch(), { ann: 1 });

    await expect(
      processTumblingWindow(event, recordHandler, processor, { reduceState: sum }),
    ).rejects.toThrow(FullBatchFailureError);
    const response = await processTumblingWindow(event, recordHandler, processor, {
      reduceState: sum,
      throwOnFullBatchFailure: false,
    });
    expect(response.state).toMatchObject({ ann: 1 });
    expect(response.batchItemFailures).toHaveLength(2);
  });

  it('keeps progress in the state, never in the checkpoint store', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    const processor = new KplBatchProcessor({ checkpoints, logger });
    const { recordHandler } = saleHandler(processor, (sale) => sale.amount === 2);
    const event = inWindow(salesBatch());

    await processTumblingWindow(event, recordHandler, processor, { reduceState: sum });

    expect((await checkpoints.load(event.Records.map(parentOf))).size).toBe(0);
  });

  it('answers the final invocation, which has no records, with the state it was given', async () => {
    const processor = new KplBatchProcessor();
    const final = inWindow(kinesisStreamEvent([]), { ann: 4 }, true);

    expect(
      await processTumblingWindow(final, async () => undefined, processor, {
        reduceState: (state: SalesTotals) => state,
      }),
    ).toEqual({ state: { ann: 4 }, batchItemFailures: [] });
    expect(processor.window).toMatchObject({ isFinalInvokeForWindow: true });
  });

  it.each([
    [{ reduceState: sum, processInParalel: true }, 'processInParalel'],
    [{}, 'reduceState'],
    [{ reduceState: sum, context: 'ctx' }, 'context'],
  ])('refuses the options %j, naming %s', async (options, option) => {
    await expect(
      processTumblingWindow(
        inWindow(salesBatch()),
        async () => undefined,
        new KplBatchProcessor(),
        options as never,
      ),
    ).rejects.toThrow(expect.objectContaining({ option }));
  });

  it('refuses an event that is not inside a tumbling window', async () => {
    const processor = new KplBatchProcessor();
    await expect(
      processTumblingWindow(salesBatch() as SalesWindowEvent, async () => undefined, processor, {
        reduceState: (state: SalesTotals) => state,
      }),
    ).rejects.toThrow(KplConfigurationError);
    expect(processor.window).toBeUndefined();
  });
});
