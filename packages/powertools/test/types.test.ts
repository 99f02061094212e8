// Compile-time checks of the processor's public types, run by `tsc -b` (npm test).
import { BatchProcessor } from '@aws-lambda-powertools/batch';
import type { BatchOnCorrupt } from '@kpl-lambda/core';
import {
  type KplBatchOnCorrupt,
  KplBatchProcessor,
  type KplBatchProcessorOptions,
} from '@kpl-lambda/powertools';
import { expectTypeOf } from 'expect-type';

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
});
