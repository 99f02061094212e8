// Whichever user records fail, by a throw or a rejection, in parallel or in turn, Lambda is told
// exactly the parents that hold one that did not succeed, each once, in batch order.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import type { Context, KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';

const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
const event = () =>
  kinesisStreamEvent([
    aggregatedRecord([
      { partitionKey: 'a', data: '0' },
      { partitionKey: 'b', data: '1' },
      { partitionKey: 'c', data: '2' },
    ]),
    plainRecord({ partitionKey: 'd', data: '3' }),
    aggregatedRecord([
      { partitionKey: 'e', data: '4' },
      { partitionKey: 'f', data: '5' },
    ]),
  ]);
/** Which parent (by index) holds the user record whose data is `n`. */
const PARENT_OF = [0, 0, 0, 1, 2, 2];

const plan = fc.record({
  fails: fc.array(fc.constantFrom('ok', 'throw', 'reject'), { minLength: 6, maxLength: 6 }),
  mode: fc.constantFrom('parallel', 'in turn', 'stop on first failure'),
});

it('reports exactly the parents of the user records that did not succeed, once each', async () => {
  await fc.assert(
    fc.asyncProperty(plan, async ({ fails, mode }) => {
      const lambdaEvent = event();
      const parents = lambdaEvent.Records.map((record) => record.kinesis.sequenceNumber);
      const recordHandler = (record: KinesisStreamRecord) => {
        const outcome = fails[Number(Buffer.from(record.kinesis.data, 'base64').toString())];
        if (outcome === 'throw') throw new Error('failed');
        return outcome === 'reject' ? Promise.reject(new Error('failed')) : Promise.resolve();
      };
      const stop = mode === 'stop on first failure';
      const processor = new KplBatchProcessor({ stopOnFirstFailure: stop, logger: false });

      const { batchItemFailures } = await processPartialResponse(
        lambdaEvent,
        recordHandler,
        processor,
        { context, processInParallel: mode === 'parallel', throwOnFullBatchFailure: false },
      );

      const first = fails.findIndex((outcome) => outcome !== 'ok');
      const notDone = fails.flatMap((outcome, n) =>
        outcome !== 'ok' || (stop && first !== -1 && n > first) ? [PARENT_OF[n]!] : [],
      );
      const expected = [...new Set(notDone)].map((index) => parents[index]);
      expect(batchItemFailures.map(({ itemIdentifier }) => itemIdentifier)).toEqual(expected);
    }),
    { numRuns: 300 },
  );
});
