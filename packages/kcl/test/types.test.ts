// Compile-time checks, run by `tsc -b` (npm test): an expectTypeOf that does not hold, or an
// expected type error that does not happen, fails the type check. Jest runs what is refused.
import type { Readable, Writable } from 'node:stream';
import type { KplLogger } from '@kpl-lambda/core';
import {
  type BatchRecordProcessor,
  type Checkpointer,
  type InitializeInput,
  type KclUserRecord,
  KplKclConfigurationError,
  type OnRecordError,
  type PerRecordProcessor,
  type ProcessRecordsInput,
  type RecordProcessor,
  type StartOptions,
  start,
} from '@kpl-lambda/kcl';
import { expectTypeOf } from 'expect-type';

describe('kcl types', () => {
  it('starts a processor with the options the README shows, and resolves to nothing', () => {
    expectTypeOf(start).parameters.toEqualTypeOf<[RecordProcessor, StartOptions?]>();
    expectTypeOf(start).returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf({
      initialize({ shardId, sequenceNumber, subSequenceNumber }: InitializeInput) {
        console.error(shardId, sequenceNumber, subSequenceNumber);
      },
      async processRecord(record: KclUserRecord) {
        return record.subSequenceNumber === 0;
      },
    }).toMatchTypeOf<RecordProcessor>();
    expectTypeOf({
      checkpointEveryRecords: 100,
      checkpointEverySeconds: 30,
    }).toMatchTypeOf<StartOptions>();
  });

  it('requires one of processRecord and processRecords, not both', () => {
    expectTypeOf<{ processRecord(record: KclUserRecord): void }>().toMatchTypeOf<RecordProcessor>();
    expectTypeOf<{
      processRecords(input: ProcessRecordsInput): Promise<void>;
      leaseLost(): void;
    }>().toMatchTypeOf<RecordProcessor>();
    expectTypeOf<{ initialize(): void }>().not.toMatchTypeOf<RecordProcessor>();
    expectTypeOf<{
      processRecord(): void;
      processRecords(): void;
    }>().not.toMatchTypeOf<RecordProcessor>();
    // A class implements one of the two.
    class Orders implements PerRecordProcessor {
      public processRecord(record: KclUserRecord) {
        return record.partitionKey !== null;
      }
    }
    expectTypeOf(new Orders()).toMatchTypeOf<RecordProcessor>();
    expectTypeOf<BatchRecordProcessor>().toMatchTypeOf<RecordProcessor>();
    return expect(
      // @ts-expect-error neither processRecord nor processRecords: a misspelt one
      start({ processRecrod() {} }),
    ).rejects.toThrow(KplKclConfigurationError);
  });

  it('refuses a misspelt option, and types the records of an untyped processRecord', () =>
    expect(
      start(
        {
          processRecord(record, checkpointer) {
            expectTypeOf(record).toEqualTypeOf<KclUserRecord>();
            expectTypeOf(checkpointer).toEqualTypeOf<Checkpointer>();
          },
        },
        // @ts-expect-error not an option: checkpointEveryRecords
        { checkpointEvery: 100 },
      ),
    ).rejects.toThrow(KplKclConfigurationError));

  it('types the records, the checkpointer and the options', () => {
    expectTypeOf<KclUserRecord>().toEqualTypeOf<{
      data: Uint8Array;
      partitionKey: string | null;
      sequenceNumber: string;
      subSequenceNumber: number;
      approximateArrivalTimestamp: Date;
    }>();
    expectTypeOf<Checkpointer['checkpoint']>().toEqualTypeOf<
      (sequenceNumber?: string, subSequenceNumber?: number) => Promise<void>
    >();
    expectTypeOf<ProcessRecordsInput['records']>().toEqualTypeOf<KclUserRecord[]>();
    expectTypeOf<OnRecordError>().toEqualTypeOf<'stop' | 'skip'>();
    expectTypeOf<StartOptions['onError']>().toEqualTypeOf<
      OnRecordError | ((error: unknown, record: KclUserRecord) => OnRecordError) | undefined
    >();
    expectTypeOf<StartOptions['logger']>().toEqualTypeOf<
      Pick<KplLogger, 'info' | 'warn' | 'error'> | false | undefined
    >();
    expectTypeOf(console).toMatchTypeOf<StartOptions['logger']>();
    expectTypeOf<StartOptions['input']>().toEqualTypeOf<Readable | undefined>();
    expectTypeOf<StartOptions['output']>().toEqualTypeOf<Writable | undefined>();
  });

  it('leaks no any into its public types', () => {
    expectTypeOf<StartOptions>().not.toBeAny();
    expectTypeOf<RecordProcessor>().not.toBeAny();
    expectTypeOf<Parameters<PerRecordProcessor['processRecord']>[0]>().not.toBeAny();
    expectTypeOf<ReturnType<PerRecordProcessor['processRecord']>>().toBeUnknown();
    expectTypeOf<KplKclConfigurationError['option']>().toEqualTypeOf<string>();
  });
});
