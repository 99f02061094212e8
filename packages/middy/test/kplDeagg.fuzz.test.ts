// Whatever a handler answers, Lambda is told of every failure: the response names only parents
// of the batch, and never a parent after the earliest user record the handler said failed (Lambda
// retries from the earliest parent reported, so an earlier one is safe, a later one loses records).
import type { KinesisStreamUserEvent, KinesisStreamUserRecord } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import kplDeagg from '@kpl-lambda/middy';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { context } from './helpers/recordingHandler.js';

const event = () =>
  kinesisStreamEvent([
    aggregatedRecord([
      { partitionKey: 'a', data: 'a0' },
      { partitionKey: 'b', data: 'a1' },
      { partitionKey: 'c', data: 'a2' },
    ]),
    plainRecord({ partitionKey: 'd', data: 'p0' }),
    aggregatedRecord([
      { partitionKey: 'e', data: 'b0' },
      { partitionKey: 'f', data: 'b1' },
    ]),
  ]);
const USER_RECORDS = 6;

/** An identifier a handler might report for the user record at `index`, or for none. */
const identifier = fc.oneof(
  fc.record({ index: fc.nat(USER_RECORDS - 1), form: fc.constantFrom('user', 'parent') }),
  fc.record({ junk: fc.oneof(fc.string(), fc.constant(''), fc.constant(null), fc.integer()) }),
);

/** How the handler answers: settled results (of any length), or batchItemFailures. */
const answer = fc.oneof(
  fc.record({ settled: fc.array(fc.boolean(), { minLength: 4, maxLength: 8 }) }),
  fc.record({ failures: fc.array(identifier, { maxLength: 5 }) }),
);
type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never;

/** The response, and the index of the earliest user record it says failed (or -1 for none). */
function respond(answer: Answer, records: KinesisStreamUserRecord[]): [unknown, number] {
  if ('settled' in answer) {
    const aligned = answer.settled.length === records.length;
    const results = answer.settled.map((ok) =>
      ok ? { status: 'fulfilled', value: undefined } : { status: 'rejected', reason: new Error() },
    );
    // Not one result per user record: nothing can be known, so the first one counts as failed.
    return [results, aligned ? answer.settled.indexOf(false) : 0];
  }
  let earliest = Number.POSITIVE_INFINITY;
  const batchItemFailures = answer.failures.map((failure) => {
    if ('junk' in failure) {
      earliest = 0; // an identifier that names no record: the whole batch
      return { itemIdentifier: failure.junk };
    }
    const { sequenceNumber, subSequenceNumber } = records[failure.index]!.kinesis;
    const first =
      failure.form === 'user'
        ? failure.index
        : records.findIndex((record) => record.kinesis.sequenceNumber === sequenceNumber);
    earliest = Math.min(earliest, first);
    return {
      itemIdentifier:
        failure.form === 'user' ? `${sequenceNumber}:${subSequenceNumber}` : sequenceNumber,
    };
  });
  return [{ batchItemFailures }, Number.isFinite(earliest) ? earliest : -1];
}

it('reports every failure a handler answers, by parents of the batch, however it answers', async () => {
  await fc.assert(
    fc.asyncProperty(answer, async (planned) => {
      const lambdaEvent = event();
      const parents = lambdaEvent.Records.map((record) => record.kinesis.sequenceNumber);
      let earliest = -1;
      let handed: KinesisStreamUserRecord[] = [];
      const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
        .use(kplDeagg({ logger: false }))
        .handler<KinesisStreamEvent>(async (incoming) => {
          handed = (incoming as unknown as KinesisStreamUserEvent).Records;
          const [response, failedAt] = respond(planned, handed);
          earliest = failedAt;
          return response as KinesisStreamBatchResponse;
        });

      const { batchItemFailures } = await handler(lambdaEvent, context);

      const reported = batchItemFailures.map(({ itemIdentifier }) =>
        parents.indexOf(itemIdentifier),
      );
      expect(reported).not.toContain(-1);
      if (earliest === -1) {
        expect(reported).toEqual([]);
      } else {
        const failedParent = parents.indexOf(handed[earliest]!.kinesis.sequenceNumber);
        expect(Math.min(...reported)).toBeLessThanOrEqual(failedParent);
      }
    }),
    { numRuns: 300 },
  );
});
