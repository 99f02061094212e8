// A sum per user-record key over tumbling windows, end to end: 600 sales in aggregates on a local
// stream of two shards, one sale that fails once, the local event source mapping's windows
// (state carried between invocations, a retry from the failed parent, a final invocation), and
// the READMEs' Middy and Powertools handlers. Every sale counts once in the final totals.
import {
  type KinesisStreamUserRecord,
  type KinesisTumblingWindow,
  userRecordJson,
} from '@kpl-lambda/core';
import kplDeagg, { type KplDeaggResponse } from '@kpl-lambda/middy';
import { KplBatchProcessor, processTumblingWindow } from '@kpl-lambda/powertools';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent, KinesisStreamStateResponse } from 'aws-lambda';
import { lambdaMapping } from './helpers/lambdaMapping.js';
import { outcomes } from './helpers/outcomes.js';
import { produce } from './helpers/streams.js';
import { sumByKey } from './helpers/sumByKey.js';

type Totals = Record<string, number>;
type Sale = { i: number; user: string; amount: number };
type WindowEvent = KinesisStreamEvent & KinesisTumblingWindow<Totals>;

const SALES = 600;
const FLAKY = 321;
const quiet = { debug() {}, warn() {}, error() {} };

const kinesis = useLocalKinesis();

const saleOf = (i: number): Sale => ({ i, user: `user-${i % 13}`, amount: (i % 7) + 1 });

/** The flaky sale fails its first time; `runs` counts every sale's runs. */
function sales() {
  const { attempts: runs, handle } = outcomes<number>((i, run) => i === FLAKY && run === 1);
  return { runs, handle: (sale: Sale) => handle(sale.i) };
}

const consumers = {
  // The Middy README's handler: in order, stopping at the first failure.
  middy: (handle: (sale: Sale) => void, finals: Totals[]) =>
    middy<WindowEvent, KplDeaggResponse>()
      .use(kplDeagg({ logger: quiet }))
      .handler<WindowEvent, KinesisStreamStateResponse>(async (event) => {
        const state: Totals = { ...event.state };
        const records: KinesisStreamUserRecord[] = event.Records;
        for (const record of records) {
          const sale = userRecordJson(record) as Sale;
          try {
            handle(sale);
          } catch {
            const { sequenceNumber, subSequenceNumber } = record.kinesis;
            return {
              state,
              batchItemFailures: [{ itemIdentifier: `${sequenceNumber}:${subSequenceNumber}` }],
            };
          }
          state[sale.user] = (state[sale.user] ?? 0) + sale.amount;
        }
        if (event.isFinalInvokeForWindow) finals.push(state);
        return { state, batchItemFailures: [] };
      }),
  // The Powertools README's handler; a processor per invocation, as the mapping invokes two
  // shards at once in one process where Lambda would use two execution environments.
  powertools: (handle: (sale: Sale) => void, finals: Totals[]) => {
    const recordHandler = async (record: KinesisStreamUserRecord) => {
      const sale = userRecordJson(record) as Sale;
      handle(sale);
      return sale;
    };
    return async (event: WindowEvent, context: Context) => {
      const response = await processTumblingWindow(
        event,
        recordHandler,
        new KplBatchProcessor({ logger: quiet }),
        {
          context,
          reduceState: (totals: Totals, sale: Sale) => ({
            ...totals,
            [sale.user]: (totals[sale.user] ?? 0) + sale.amount,
          }),
        },
      );
      if (event.isFinalInvokeForWindow) finals.push(response.state);
      return response;
    };
  },
};

describe.each(Object.entries(consumers))(
  'a sum per key over tumbling windows with %s',
  (name, consumer) => {
    it('counts every sale once in the final totals, the failed one after its retry', async () => {
      const streamName = `windows-${name}`;
      await kinesis().createStream(streamName, 2);
      const records = Array.from({ length: SALES }, (_, i) => ({
        data: saleOf(i),
        partitionKey: saleOf(i).user,
      }));
      await produce(kinesis(), streamName, records, 25);

      const { runs, handle } = sales();
      const finals: Totals[] = [];
      let now = Date.now();
      const { mapping } = lambdaMapping(kinesis(), {
        streamName,
        handler: consumer(handle, finals),
        batchSize: 5,
        tumblingWindowInSeconds: 900,
        clock: () => now,
      });

      await mapping.drain();
      expect(finals).toEqual([]); // the windows are open
      now += 2 * 900_000;
      await mapping.drain();

      const expected = sumByKey(
        Array.from({ length: SALES }, (_, i) => [saleOf(i).user, saleOf(i).amount] as const),
      );
      const totals = sumByKey(finals.flatMap((final) => Object.entries(final)));
      expect(totals).toEqual(expected);
      // The flaky sale ran twice, every other sale once: a retry ran nothing that was done.
      expect(runs.get(FLAKY)).toBe(2);
      expect([...runs.entries()].filter(([i, count]) => i !== FLAKY && count !== 1)).toEqual([]);
      expect(runs.size).toBe(SALES);
      expect(mapping.counters.retries).toBeGreaterThan(0);
    }, 60_000);
  },
);
