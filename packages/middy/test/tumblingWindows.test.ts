// kplDeagg() inside a tumbling window: the window's fields reach the handler, its state goes back
// to Lambda beside the failures mapped to parents, and the progress of user records travels with
// that state, so that Lambda's retry runs only what is not in it yet.
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import {
  type KinesisStreamUserEvent,
  type KinesisStreamUserRecord,
  userRecordJson,
} from '@kpl-lambda/core';
import { parentOf, WINDOW_PROGRESS_KEY } from '@kpl-lambda/core/internal';
import { kinesisStreamEvent } from '@kpl-lambda/core/testing';
import kplDeagg, { KplDeaggConfigurationError, type KplDeaggResponse } from '@kpl-lambda/middy';
import {
  failsOnceAt,
  inWindow,
  retryFrom,
  type SalesTotals,
  type SalesWindowEvent,
  salesBatch,
} from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent, KinesisStreamStateResponse } from 'aws-lambda';

const context = {} as Context;
const quiet = { debug() {}, warn() {}, error() {} };

/**
 * The README's handler: sums amounts per user in order, and stops at the first failure, which it
 * reports by `sequenceNumber:subSequenceNumber`; its state holds the records before it.
 */
function summingHandler(failOnce: (sale: { user: string; amount: number }) => boolean) {
  const seen: Array<KinesisStreamUserEvent & SalesWindowEvent> = [];
  const handler = middy<SalesWindowEvent, KplDeaggResponse>()
    .use(kplDeagg({ logger: quiet }))
    .handler<SalesWindowEvent, KinesisStreamStateResponse>(async (event) => {
      seen.push(structuredClone(event));
      const state: SalesTotals = { ...event.state };
      const records: KinesisStreamUserRecord[] = event.Records;
      for (const record of records) {
        const sale = userRecordJson(record) as { user: string; amount: number };
        if (failOnce(sale)) {
          const { sequenceNumber, subSequenceNumber } = record.kinesis;
          return {
            state,
            batchItemFailures: [{ itemIdentifier: `${sequenceNumber}:${subSequenceNumber}` }],
          };
        }
        state[sale.user] = (state[sale.user] ?? 0) + sale.amount;
      }
      return { state, batchItemFailures: [] };
    });
  return { seen, handler };
}

describe('kplDeagg() inside a tumbling window', () => {
  it('hands the window to the handler, and gives its state back with failures mapped to parents', async () => {
    const { seen, handler } = summingHandler(failsOnceAt(3));
    const first = inWindow(salesBatch(), { carol: 10 });

    const response = (await handler(first, context)) as KinesisStreamStateResponse;

    expect(seen[0]).toMatchObject({
      window: first.window,
      shardId: 'shardId-000000000000',
      isFinalInvokeForWindow: false,
      state: { carol: 10 },
    });
    expect(seen[0]!.Records.map(({ kinesis }) => kinesis.subSequenceNumber)).toEqual([0, 1, 2, 0]);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: first.Records[0]!.kinesis.sequenceNumber },
    ]);
    expect(response.state).toMatchObject({ carol: 10, ann: 1, bob: 2 });
  });

  it('runs on Lambda’s retry only the user records not in the state yet: the sums are exact', async () => {
    const { seen, handler } = summingHandler(failsOnceAt(3));
    const first = inWindow(salesBatch());

    const response = (await handler(first, context)) as KinesisStreamStateResponse;
    // Lambda keeps the state of a partial response and retries from the aggregate with it.
    const retry = inWindow(retryFrom(first, response)!, response.state);
    const retried = (await handler(retry, context)) as KinesisStreamStateResponse;

    // The handler never sees the progress, and ann 1 and bob 2 do not run again.
    expect(seen[1]!.state).toEqual({ ann: 1, bob: 2 });
    expect(seen[1]!.Records.map((record) => userRecordJson(record))).toEqual([
      { user: 'ann', amount: 3 },
      { user: 'bob', amount: 4 },
    ]);
    expect(retried).toEqual({ state: { ann: 4, bob: 6 }, batchItemFailures: [] });
    // Past the batch: no progress left in the state.
    expect(retried.state).not.toHaveProperty([WINDOW_PROGRESS_KEY]);
  });

  it.each([
    ['no response', async () => undefined],
    ['a batch response without state', async () => ({ batchItemFailures: [] })],
    ['one PromiseSettledResult per user record', async () => [] as PromiseSettledResult<unknown>[]],
  ])('fails loudly on %s, which Lambda would fail silently', async (_, respond) => {
    const handler = middy<KinesisStreamEvent, KplDeaggResponse>()
      .use(kplDeagg({ logger: quiet }))
      .handler<SalesWindowEvent>(respond as never);

    await expect(handler(inWindow(salesBatch()), context)).rejects.toThrow(
      expect.objectContaining({
        name: 'KplDeaggConfigurationError',
        message: expect.stringContaining('return { state, batchItemFailures }'),
      }),
    );
  });

  it('keeps progress in the state, not in a checkpoint store Lambda’s state may not agree with', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    const handler = middy<SalesWindowEvent, KplDeaggResponse>()
      .use(kplDeagg({ checkpoints, logger: quiet }))
      .handler<SalesWindowEvent, KinesisStreamStateResponse>(async (event) => ({
        state: {},
        batchItemFailures: [{ itemIdentifier: `${event.Records[1]!.kinesis.sequenceNumber}:1` }],
      }));
    const first = inWindow(salesBatch());

    const response = (await handler(first, context)) as KinesisStreamStateResponse;

    expect(response.state).toHaveProperty([WINDOW_PROGRESS_KEY]);
    expect((await checkpoints.load(first.Records.map(parentOf))).size).toBe(0);
  });

  it('passes the final invocation, which has no records, with the state it was given', async () => {
    const { seen, handler } = summingHandler(() => false);
    const final = inWindow(kinesisStreamEvent([]), { ann: 4 }, true);

    expect(await handler(final, context)).toEqual({ state: { ann: 4 }, batchItemFailures: [] });
    expect(seen[0]).toMatchObject({ isFinalInvokeForWindow: true, Records: [] });
  });

  it('leaves a response without state alone outside a tumbling window', async () => {
    const handler = middy<KinesisStreamEvent, KplDeaggResponse>()
      .use(kplDeagg({ logger: quiet }))
      .handler<KinesisStreamEvent>(async () => undefined);

    await expect(handler(salesBatch(), context)).resolves.toBeUndefined();
    expect(KplDeaggConfigurationError).toBeDefined();
  });
});
