// The idempotency recipe of the README, against a real DynamoDB API (dynalite on loopback): a
// failed user record makes Lambda deliver its whole parent again, and idempotency keyed on
// sequence number + sub-sequence number keeps the siblings that already succeeded from running
// twice.
import type { AddressInfo } from 'node:net';
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamUserRecord } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import { KplBatchProcessor } from '@kpl-lambda/powertools';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Context } from 'aws-lambda';
import dynalite from 'dynalite';

const context = {
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

describe('idempotent user records (recipe)', () => {
  const server = dynalite({ createTableMs: 0 });
  let client: DynamoDBClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: new NodeHttpHandler(),
    });
    await client.send(
      new CreateTableCommand({
        TableName: 'idempotency',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });

  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('runs each user record once although Lambda delivers its parent twice', async () => {
    const sideEffects: string[] = [];
    let databaseDown = true;

    const config = new IdempotencyConfig({
      eventKeyJmesPath: '[kinesis.sequenceNumber, kinesis.subSequenceNumber]',
    });
    const recordHandler = makeIdempotent(
      async (record: KinesisStreamUserRecord) => {
        const body = Buffer.from(record.kinesis.data, 'base64').toString();
        if (body === 'second' && databaseDown) throw new Error('database down');
        sideEffects.push(body);
      },
      {
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName: 'idempotency',
          awsSdkV3Client: client,
        }),
        config,
      },
    );
    const processor = new KplBatchProcessor();
    const handler = async (event: ReturnType<typeof kinesisStreamEvent>) => {
      config.registerLambdaContext(context);
      return processPartialResponse(event, recordHandler, processor, { context });
    };
    const event = kinesisStreamEvent([
      aggregatedRecord([
        { partitionKey: 'a', data: 'first' },
        { partitionKey: 'b', data: 'second' },
        { partitionKey: 'c', data: 'third' },
      ]),
    ]);

    const firstDelivery = await handler(event);
    databaseDown = false;
    const secondDelivery = await handler(event);

    expect(firstDelivery).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
    expect(secondDelivery).toEqual({ batchItemFailures: [] });
    expect(sideEffects.sort()).toEqual(['first', 'second', 'third']);
  });
});
