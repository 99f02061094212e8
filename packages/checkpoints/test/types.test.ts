// Compile-time checks, run by `tsc -b` (npm test): an expectTypeOf that does not hold, or an
// expected type error that does not happen, fails the type check. Jest runs what is refused.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  type CreateCheckpointTableOptions,
  createCheckpointTable,
  DynamoDBCheckpointStore,
  type DynamoDBCheckpointStoreOptions,
  InMemoryCheckpointStore,
  type InMemoryCheckpointStoreOptions,
  KplCheckpointsConfigurationError,
  type KplRedriveRecordsMissingError,
} from '@kpl-lambda/checkpoints';
import {
  type RedriveBatchInfo,
  type RedriveOptions,
  type RedrivePayload,
  type RedriveReport,
  type RedriveUserRecord,
  redrive,
} from '@kpl-lambda/checkpoints/redrive';
import type {
  CheckpointStore,
  KplConfigurationError,
  SdkUserRecord,
  SubSequenceSet,
} from '@kpl-lambda/core';
import { expectTypeOf } from 'expect-type';

const client = new DynamoDBClient({ region: 'us-east-1' });
type Handler = RedriveOptions['handler'];

describe('checkpoints types', () => {
  it('has two stores that are core CheckpointStores, built from the options the README shows', () => {
    expectTypeOf(
      new DynamoDBCheckpointStore({ client, tableName: 'checkpoints', consumerName: 'orders' }),
    ).toMatchTypeOf<CheckpointStore>();
    expectTypeOf(new InMemoryCheckpointStore()).toMatchTypeOf<CheckpointStore>();
    expectTypeOf<InMemoryCheckpointStore['counters']>().toEqualTypeOf<{
      reads: number;
      writes: number;
    }>();
    expectTypeOf<DynamoDBCheckpointStoreOptions>().toEqualTypeOf<{
      client: DynamoDBClient;
      tableName: string;
      consumerName?: string;
      ttlSeconds?: number;
      clock?: () => number;
    }>();
    expectTypeOf<InMemoryCheckpointStoreOptions>().toEqualTypeOf<{ consumerName?: string }>();
    expectTypeOf<CreateCheckpointTableOptions>().toEqualTypeOf<{
      client: DynamoDBClient;
      tableName: string;
      timeToLive?: boolean;
    }>();
    expectTypeOf(createCheckpointTable).returns.toEqualTypeOf<Promise<void>>();
  });

  it('refuses a misspelt option, in the types and at run time', () => {
    expect(
      // @ts-expect-error not an option: consumerName
      () => new InMemoryCheckpointStore({ consumer: 'orders' }),
    ).toThrow(KplCheckpointsConfigurationError);
    expect(
      () =>
        new DynamoDBCheckpointStore({
          client,
          tableName: 'checkpoints',
          consumerName: 'orders',
          // @ts-expect-error not an option: ttlSeconds
          ttl: 86_400,
        }),
    ).toThrow(KplCheckpointsConfigurationError);
    expectTypeOf<KplCheckpointsConfigurationError>().toMatchTypeOf<KplConfigurationError>();
    expectTypeOf<KplCheckpointsConfigurationError['option']>().toEqualTypeOf<string>();
  });

  it('redrives with the options the README shows, and returns its report', () => {
    expectTypeOf(redrive).parameter(0).toEqualTypeOf<RedriveOptions>();
    expectTypeOf(redrive).returns.toEqualTypeOf<Promise<RedriveReport>>();
    expectTypeOf<RedriveReport>().toEqualTypeOf<{
      ran: number;
      skipped: number;
      failed: Array<{ sequenceNumber: string; subSequenceNumber: number; error: unknown }>;
      complete: boolean;
    }>();
    expectTypeOf<RedriveOptions['kinesis']>().toEqualTypeOf<KinesisClient | undefined>();
    expectTypeOf<RedriveOptions['checkpoints']>().toEqualTypeOf<CheckpointStore>();
    expectTypeOf<RedriveOptions['batchInfo']>().toEqualTypeOf<RedriveBatchInfo>();
    expectTypeOf<RedriveOptions['payload']>().toEqualTypeOf<RedrivePayload | undefined>();
    expectTypeOf<RedriveOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    // The handler sees a deaggregated user record with its parent's shard.
    expectTypeOf<Parameters<Handler>[0]>().toEqualTypeOf<RedriveUserRecord>();
    expectTypeOf<RedriveUserRecord>().toMatchTypeOf<SdkUserRecord & { shardId: string }>();
    expectTypeOf<RedriveUserRecord['data']>().toEqualTypeOf<Uint8Array>();
    expectTypeOf(console.log).toMatchTypeOf<Handler>();
    expectTypeOf(async (_: RedriveUserRecord) => {}).toMatchTypeOf<Handler>();
    expectTypeOf<KplRedriveRecordsMissingError['sequenceNumber']>().toEqualTypeOf<string>();
    // The S3 object's payload, parsed or as its JSON text.
    expectTypeOf<string>().toMatchTypeOf<RedrivePayload>();
    expectTypeOf<{ Records: [] }>().toMatchTypeOf<RedrivePayload>();
    expectTypeOf<{ records: [] }>().not.toMatchTypeOf<RedrivePayload>();
  });

  it('refuses a misspelt redrive option', async () => {
    const batchInfo: RedriveBatchInfo = {
      shardId: 'shardId-000000000000',
      startSequenceNumber: '1',
      endSequenceNumber: '1',
      streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
    };
    await expect(
      redrive({
        checkpoints: new InMemoryCheckpointStore(),
        batchInfo,
        payload: { Records: [] },
        handler: () => {},
        // @ts-expect-error not an option: recordDone
        dryRun: true,
      }),
    ).rejects.toThrow(KplCheckpointsConfigurationError);
  });

  it('leaks no any into its public types', () => {
    expectTypeOf<RedriveOptions>().not.toBeAny();
    expectTypeOf<RedriveReport['failed'][number]['error']>().toBeUnknown();
    expectTypeOf<ReturnType<Handler>>().toBeUnknown();
    expectTypeOf<DynamoDBCheckpointStore['load']>().returns.resolves.toEqualTypeOf<
      ReadonlyMap<string, SubSequenceSet>
    >();
    expectTypeOf<Parameters<InMemoryCheckpointStore['save']>[0]>().not.toBeAny();
  });
});
