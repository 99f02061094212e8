// The Middy and the Powertools consumer of the end-to-end tests: each runs `handle` on every user
// record and reports to Lambda the ones that throw.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import type { CheckpointStore, DecodeOptions, KinesisStreamUserRecord } from '@kpl-lambda/core';
import kplDeagg from '@kpl-lambda/middy';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import middy from '@middy/core';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';

/** What both consumers are given: where they keep checkpoints, how the payloads are encoded. */
export interface ConsumerOptions {
  checkpoints: CheckpointStore;
  decode?: DecodeOptions;
}

/** What a consumer does with a user record: a throw fails it. */
export type UserRecordHandler = (record: KinesisStreamUserRecord) => unknown;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The consumers by name, each a Lambda handler: Middy's answers one settled result per user
 * record, Powertools' a partial batch response.
 */
export const consumers = {
  middy: ({ checkpoints, decode }: ConsumerOptions, handle: UserRecordHandler) =>
    middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ checkpoints, decode, logger: quiet }))
      .handler<KinesisStreamEvent>(async (event) => {
        const records: KinesisStreamUserRecord[] = event.Records;
        return Promise.allSettled(records.map(async (record) => handle(record))) as never;
      }),
  // A processor per invocation: the local mapping invokes two shards at once in one process,
  // where Lambda would use two execution environments, and a Powertools processor serves one
  // invocation at a time (outside Lambda's InvokeStore).
  powertools:
    ({ checkpoints, decode }: ConsumerOptions, handle: UserRecordHandler) =>
    (event: KinesisStreamEvent, context: Context) =>
      processPartialResponse(
        event,
        async (record: KinesisStreamUserRecord) => handle(record),
        new KplBatchProcessor({ checkpoints, decode, logger: quiet }),
        { context },
      ),
};
