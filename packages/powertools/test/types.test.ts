// Compile-time checks of the processor's public types, run by `tsc -b` (npm test).
import { BatchProcessor } from '@aws-lambda-powertools/batch';
import type {
  BatchOnCorrupt,
  CloudWatchLogsEvent,
  DecodeOptions,
  KinesisStreamUserRecordPayload,
} from '@kpl-lambda/core';
import {
  type KplBatchOnCorrupt,
  KplBatchProcessor,
  type KplBatchProcessorOptions,
} from '@kpl-lambda/powertools';
import type { KinesisUserRecordPayloadSchema } from '@kpl-lambda/powertools/schemas';
import { expectTypeOf } from 'expect-type';
import type { z } from 'zod';

describe('KplBatchProcessor types', () => {
  it('is a Powertools BatchProcessor, made with its options and ours', () => {
    expectTypeOf<KplBatchProcessor>().toMatchTypeOf<BatchProcessor>();
    expectTypeOf<KplBatchOnCorrupt>().toEqualTypeOf<BatchOnCorrupt>();
    expectTypeOf<KplBatchProcessorOptions['stopOnFirstFailure']>().toEqualTypeOf<
      boolean | undefined
    >();
    expect(
      () =>
        // @ts-expect-error not a mode: refused by the types, and at run time
        new KplBatchProcessor({ onCorrupt: 'ignore' }),
    ).toThrow();
    expect(new KplBatchProcessor()).toBeInstanceOf(BatchProcessor);
  });

  it('types the decode option, and what the shipped schema parses of a decoded record', () => {
    expectTypeOf<KplBatchProcessorOptions['decode']>().toEqualTypeOf<DecodeOptions | undefined>();
    expect(
      () =>
        // @ts-expect-error not an envelope
        new KplBatchProcessor({ decode: { envelope: 'ndjson' } }),
    ).toThrow();
    type Payload = z.infer<typeof KinesisUserRecordPayloadSchema>;
    expectTypeOf<Payload['innerIndex']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NonNullable<Payload['cloudWatchLogs']>>().toMatchTypeOf<CloudWatchLogsEvent>();
  });

  it('parses every field of a user record payload that core types, and no other', () => {
    type Payload = z.infer<typeof KinesisUserRecordPayloadSchema>;
    expectTypeOf<keyof Payload>().toEqualTypeOf<keyof KinesisStreamUserRecordPayload>();
    expectTypeOf<Payload['deaggregationErrorReason']>().toEqualTypeOf<string | undefined>();
  });
});
