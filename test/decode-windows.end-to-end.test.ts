// A count of log events per log group over tumbling windows, from CloudWatch Logs subscription
// envelopes on a local stream of two shards: one log event fails once, so its envelope's user
// record runs again whole. The Middy README's handler folds a user record's log events together
// or not at all; processTumblingWindow does so by itself. Every log event counts once.
import {
  type KinesisStreamUserRecord,
  type KinesisTumblingWindow,
  userRecordText,
} from '@kpl-lambda/core';
import { cloudWatchLogsData } from '@kpl-lambda/core/testing';
import kplDeagg, { type KplDeaggResponse } from '@kpl-lambda/middy';
import { KplBatchProcessor, processTumblingWindow } from '@kpl-lambda/powertools';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { Context, KinesisStreamEvent, KinesisStreamStateResponse } from 'aws-lambda';
import { lambdaMapping } from './helpers/lambdaMapping.js';
import { outcomes } from './helpers/outcomes.js';
import { putRecords } from './helpers/streams.js';
import { sumByKey } from './helpers/sumByKey.js';

type Totals = Record<string, number>;
type WindowEvent = KinesisStreamEvent & KinesisTumblingWindow<Totals>;

const ENVELOPES = 90;
const EVENTS = 4;
const FLAKY = 'event 37.2';
const decode = { envelope: 'cloudwatch-logs' } as const;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const groupOf = (u: number) => `/aws/lambda/fn-${u % 5}`;

const kinesis = useLocalKinesis();

/** The flaky log event fails its first run; `runs` counts every event's. */
function logEvents() {
  const { attempts: runs, handle: run } = outcomes<string>(
    (message, attempt) => message === FLAKY && attempt === 1,
  );
  const handle = (record: KinesisStreamUserRecord) => {
    run(userRecordText(record));
    return record.kinesis.cloudWatchLogs!.logGroup;
  };
  return { runs, handle };
}

const count = (totals: Totals, group: string) => ({ ...totals, [group]: (totals[group] ?? 0) + 1 });

const consumers = {
  // The Middy README's handler: a user record's log events fold together, or not at all.
  middy: (handle: (record: KinesisStreamUserRecord) => string, finals: Totals[]) =>
    middy<WindowEvent, KplDeaggResponse>()
      .use(kplDeagg({ decode, logger: quiet }))
      .handler<WindowEvent, KinesisStreamStateResponse>(async (event) => {
        let state: Totals = { ...event.state };
        let pending = state;
        const records: KinesisStreamUserRecord[] = event.Records;
        for (const [i, record] of records.entries()) {
          const { sequenceNumber, subSequenceNumber } = record.kinesis;
          try {
            pending = count(pending, handle(record));
          } catch {
            const itemIdentifier = `${sequenceNumber}:${subSequenceNumber}`;
            return { state, batchItemFailures: [{ itemIdentifier }] };
          }
          const next = records[i + 1]?.kinesis;
          if (
            next?.sequenceNumber !== sequenceNumber ||
            next.subSequenceNumber !== subSequenceNumber
          ) {
            state = pending;
          }
        }
        if (event.isFinalInvokeForWindow) finals.push(state);
        return { state, batchItemFailures: [] };
      }),
  powertools:
    (handle: (record: KinesisStreamUserRecord) => string, finals: Totals[]) =>
    async (event: WindowEvent, context: Context) => {
      const response = await processTumblingWindow(
        event,
        async (record: KinesisStreamUserRecord) => handle(record),
        new KplBatchProcessor({ decode, logger: quiet }),
        { context, reduceState: count },
      );
      if (event.isFinalInvokeForWindow) finals.push(response.state);
      return response;
    },
};

describe.each(Object.entries(consumers))(
  'a count per log group over tumbling windows with %s and decode',
  (name, consumer) => {
    it('counts every log event once in the final totals, the failed envelope after its retry', async () => {
      const streamName = `log-windows-${name}`;
      await kinesis().createStream(streamName, 2);
      const records = Array.from({ length: ENVELOPES }, (_, u) => ({
        PartitionKey: groupOf(u),
        Data: cloudWatchLogsData(
          Array.from({ length: EVENTS }, (_, j) => `event ${u}.${j}`),
          { logGroup: groupOf(u) },
        ),
      }));
      await putRecords(kinesis(), streamName, records);

      const { runs, handle } = logEvents();
      const finals: Totals[] = [];
      let now = Date.now();
      const { mapping } = lambdaMapping(kinesis(), {
        streamName,
        handler: consumer(handle, finals),
        batchSize: 6,
        tumblingWindowInSeconds: 900,
        clock: () => now,
      });
      await mapping.drain();
      now += 2 * 900_000;
      await mapping.drain();

      const totals = sumByKey(finals.flatMap((final) => Object.entries(final)));
      const expected = sumByKey(
        Array.from({ length: ENVELOPES }, (_, u) => [groupOf(u), EVENTS] as const),
      );
      expect(totals).toEqual(expected);
      // The flaky event's envelope ran again; no other did.
      const again = [...runs].filter(([, n]) => n > 1).map(([message]) => message.split('.')[0]);
      expect(new Set(again)).toEqual(new Set(['event 37']));
      expect(runs.size).toBe(ENVELOPES * EVENTS);
    }, 60_000);
  },
);
