// Compile-time checks of the producer's public types, run by `tsc -b` (npm test).
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KplLogger } from '@kpl-lambda/core';
import {
  type FlushResult,
  KinesisProducer,
  type KinesisProducerOptions,
  type ProducerRecord,
  type PutResult,
  type RecordDistributionOption,
  type UndeliverableRecord,
} from '@kpl-lambda/producer';
import { expectTypeOf } from 'expect-type';

interface Order {
  orderId: string;
  amount: number;
}

describe('KinesisProducer types', () => {
  it('takes data of any interface, text, bytes or JSON, and says what it returns', () => {
    expectTypeOf<{ data: Order }>().toMatchTypeOf<ProducerRecord>();
    expectTypeOf<{ data: Uint8Array; partitionKey: string }>().toMatchTypeOf<ProducerRecord>();
    expectTypeOf<{ data: 'text'; explicitHashKey: string }>().toMatchTypeOf<ProducerRecord>();
    expectTypeOf<{ partitionKey: string }>().not.toMatchTypeOf<ProducerRecord>();
    expectTypeOf<KinesisProducer['put']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<KinesisProducer['flush']>().returns.toEqualTypeOf<Promise<FlushResult>>();
    expectTypeOf<KinesisProducer['whenWritable']>().returns.toEqualTypeOf<Promise<void>>();
  });

  it('needs a client and a stream; takes a logger with the methods it calls', () => {
    expectTypeOf<KinesisProducerOptions['client']>().toEqualTypeOf<KinesisClient>();
    type Logger = KinesisProducerOptions['logger'];
    expectTypeOf<Logger>().toEqualTypeOf<
      Pick<KplLogger, 'info' | 'warn' | 'error'> | false | undefined
    >();
    expectTypeOf(console).toMatchTypeOf<Logger>();
    expectTypeOf({ info() {} }).not.toMatchTypeOf<Logger>();
    expectTypeOf<KinesisProducerOptions['partitionKeyFrom']>().toEqualTypeOf<
      string | ((record: ProducerRecord) => string) | undefined
    >();
    expect(KinesisProducer).toBeDefined();
  });

  it('takes an onUndeliverable that returns nothing or a promise of anything', () => {
    type OnUndeliverable = NonNullable<KinesisProducerOptions['onUndeliverable']>;
    expectTypeOf((_: UndeliverableRecord) => {}).toMatchTypeOf<OnUndeliverable>();
    expectTypeOf(async (_: UndeliverableRecord) => 'sent').toMatchTypeOf<OnUndeliverable>();
    expectTypeOf<Parameters<OnUndeliverable>[0]>().toEqualTypeOf<UndeliverableRecord>();
    expectTypeOf<KinesisProducer['undeliverableRecords']>().toEqualTypeOf<number>();
  });

  it('gives a result per record on request, and takes what a stream may be', () => {
    expectTypeOf<KinesisProducer['putWithResult']>().returns.toEqualTypeOf<Promise<PutResult>>();
    expectTypeOf<PutResult>().toEqualTypeOf<{
      shardId: string;
      sequenceNumber: string;
      subSequenceNumber: number;
      aggregated: boolean;
      attempts: number;
    }>();
    expectTypeOf<KinesisProducerOptions['recordDistribution']>().toEqualTypeOf<
      RecordDistributionOption | undefined
    >();
    expectTypeOf<'auto'>().not.toMatchTypeOf<RecordDistributionOption>();
    expectTypeOf<KinesisProducerOptions['rateLimit']>().toEqualTypeOf<number | undefined>();
  });
});
