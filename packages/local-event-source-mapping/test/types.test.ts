// Compile-time checks, run by `tsc -b` (npm test): an expectTypeOf that does not hold, or an
// expected type error that does not happen, fails the type check. Jest runs what is refused.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { type KinesisTumblingWindow, KplConfigurationError, type KplError } from '@kpl-lambda/core';
import {
  type DrainOptions,
  type EventSourceMappingCounters,
  type InvocationReport,
  KinesisEventSourceMapping,
  type KinesisEventSourceMappingOptions,
  type KinesisHandler,
  type KinesisOnFailureRecord,
  type KplDrainStoppedError,
  KplEventSourceMappingConfigurationError,
  type KplEventSourceMappingError,
} from '@kpl-lambda/local-event-source-mapping';
import { localKinesisClient } from '@kpl-lambda/local-event-source-mapping/client';
import {
  type LocalDynamoDB,
  startLocalDynamoDB,
} from '@kpl-lambda/local-event-source-mapping/local-dynamodb';
import {
  type LocalKinesis,
  type LocalStreamOptions,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamTumblingWindowEvent,
  SQSEvent,
} from 'aws-lambda';
import { expectTypeOf } from 'expect-type';

const client = localKinesisClient({ endpoint: 'http://127.0.0.1:9' });

describe('local event source mapping types', () => {
  it('takes the options the README shows, and counts as its counters type says', () => {
    const mapping = new KinesisEventSourceMapping({
      client,
      streamName: 'orders',
      handler: async (_: KinesisStreamEvent) => ({ batchItemFailures: [] }),
      batchSize: 100,
      functionResponseTypes: ['ReportBatchItemFailures'],
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      onFailure: (record) => {
        expectTypeOf(record).toEqualTypeOf<KinesisOnFailureRecord>();
      },
      onInvoke: (invocation) => {
        expectTypeOf(invocation).toEqualTypeOf<InvocationReport>();
      },
    });
    expectTypeOf(mapping.counters).toEqualTypeOf<EventSourceMappingCounters>();
    expectTypeOf<EventSourceMappingCounters>().toEqualTypeOf<{
      invocations: number;
      recordsDelivered: number;
      retries: number;
      bisections: number;
      batchesGivenUp: number;
      invalidResponses: number;
    }>();
    expect(mapping.counters.invocations).toBe(0);
    expectTypeOf(mapping.drain).parameters.toEqualTypeOf<[options?: DrainOptions]>();
    expectTypeOf(mapping.drain).returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<DrainOptions>().toEqualTypeOf<{ timeoutMs?: number; signal?: AbortSignal }>();
    expectTypeOf<{ timeout: number }>().not.toMatchTypeOf<DrainOptions>();
    expectTypeOf<KinesisEventSourceMappingOptions['client']>().toEqualTypeOf<KinesisClient>();
    expectTypeOf<KinesisEventSourceMappingOptions['functionResponseTypes']>().toEqualTypeOf<
      Array<'ReportBatchItemFailures'> | undefined
    >();
  });

  it('refuses a misspelt option, in the types and at run time', async () => {
    expect(
      () =>
        new KinesisEventSourceMapping({
          client,
          streamName: 'orders',
          handler: () => {},
          // @ts-expect-error not an option: batchSize
          batchsize: 10,
        }),
    ).toThrow(KplEventSourceMappingConfigurationError);
    await expect(
      // @ts-expect-error not an option: port
      startLocalKinesis({ prot: 4567 }),
    ).rejects.toThrow(KplConfigurationError);
    await expect(
      // @ts-expect-error not an option: port
      startLocalDynamoDB({ prot: 4568 }),
    ).rejects.toThrow(KplConfigurationError);
  });

  it('takes a handler as Lambda calls it: of Kinesis events, with or without a window', () => {
    expectTypeOf<KinesisHandler>().parameters.toEqualTypeOf<
      [event: KinesisStreamEvent | (KinesisStreamEvent & KinesisTumblingWindow), context: Context]
    >();
    expectTypeOf<KinesisHandler>().returns.toBeUnknown();
    expectTypeOf(
      async (
        _event: KinesisStreamEvent,
        _context: Context,
      ): Promise<KinesisStreamBatchResponse> => ({ batchItemFailures: [] }),
    ).toMatchTypeOf<KinesisHandler>();
    expectTypeOf(async (event: KinesisStreamEvent & KinesisTumblingWindow) => ({
      state: event.state,
    })).toMatchTypeOf<KinesisHandler>();
    expectTypeOf(
      async (_event: KinesisStreamTumblingWindowEvent) => ({}),
    ).toMatchTypeOf<KinesisHandler>();
    expectTypeOf((_event: SQSEvent) => {}).not.toMatchTypeOf<KinesisHandler>();
  });

  it('types what Lambda sends to the on-failure destination', () => {
    expectTypeOf<
      KinesisOnFailureRecord['requestContext']['condition']
    >().toEqualTypeOf<'RetryAttemptsExhausted'>();
    expectTypeOf<KinesisOnFailureRecord['KinesisBatchInfo']['batchSize']>().toEqualTypeOf<number>();
    expectTypeOf<KinesisOnFailureRecord['version']>().toEqualTypeOf<'1.0'>();
    expectTypeOf<InvocationReport['outcome']>().toEqualTypeOf<'success' | 'partial' | 'error'>();
  });

  it('types the local services', () => {
    expectTypeOf(startLocalKinesis).returns.toEqualTypeOf<Promise<LocalKinesis>>();
    expectTypeOf<LocalKinesis['client']>().toEqualTypeOf<KinesisClient>();
    expectTypeOf<LocalKinesis['createStream']>().parameters.toEqualTypeOf<
      [streamName: string, shardCount: number, options?: LocalStreamOptions]
    >();
    expectTypeOf<LocalStreamOptions['recordDistribution']>().toEqualTypeOf<
      'USER_PARTITION_KEY' | 'AUTO' | undefined
    >();
    expectTypeOf(startLocalDynamoDB).returns.toEqualTypeOf<Promise<LocalDynamoDB>>();
    expectTypeOf<LocalDynamoDB['client']>().toEqualTypeOf<DynamoDBClient>();
    expectTypeOf(localKinesisClient).returns.toEqualTypeOf<KinesisClient>();
  });

  it('has errors of the kpl-lambda hierarchy, and leaks no any', () => {
    expectTypeOf<KplDrainStoppedError>().toMatchTypeOf<KplEventSourceMappingError>();
    expectTypeOf<KplEventSourceMappingError>().toMatchTypeOf<KplError>();
    expectTypeOf<KplEventSourceMappingConfigurationError>().toMatchTypeOf<KplConfigurationError>();
    expectTypeOf<KinesisEventSourceMappingOptions>().not.toBeAny();
    expectTypeOf<KinesisHandler>().not.toBeAny();
    expectTypeOf<Parameters<KinesisHandler>[0]>().not.toBeAny();
    expectTypeOf<KinesisOnFailureRecord>().not.toBeAny();
    expectTypeOf<LocalKinesis>().not.toBeAny();
  });
});
