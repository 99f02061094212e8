import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { KplEventSourceMappingConfigurationError } from '@kpl-lambda/local-event-source-mapping';
import {
  type LocalDynamoDB,
  startLocalDynamoDB,
} from '@kpl-lambda/local-event-source-mapping/local-dynamodb';

let dynamodb: LocalDynamoDB;
beforeAll(async () => {
  dynamodb = await startLocalDynamoDB();
});
afterAll(() => dynamodb.stop());

const leaseTable = (TableName: string): CreateTableCommandInput => ({
  TableName,
  KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
});

async function indexesOf(TableName: string) {
  const { Table } = await dynamodb.client.send(new DescribeTableCommand({ TableName }));
  return Table?.GlobalSecondaryIndexes ?? [];
}

describe('the local DynamoDB', () => {
  it('creates a KCL lease table with the index KCL 3 adds, which dynalite cannot add later', async () => {
    await dynamodb.client.send(new CreateTableCommand(leaseTable('orders-consumer')));

    expect(await indexesOf('orders-consumer')).toEqual([
      expect.objectContaining({
        IndexName: 'LeaseOwnerToLeaseKeyIndex',
        IndexStatus: 'ACTIVE',
        KeySchema: [
          { AttributeName: 'leaseOwner', KeyType: 'HASH' },
          { AttributeName: 'leaseKey', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      }),
    ]);
  });

  it("gives a provisioned lease table's index the table's throughput", async () => {
    const ProvisionedThroughput = { ReadCapacityUnits: 3, WriteCapacityUnits: 4 };
    await dynamodb.client.send(
      new CreateTableCommand({
        ...leaseTable('provisioned'),
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput,
      }),
    );
    const [index] = await indexesOf('provisioned');
    expect(index?.ProvisionedThroughput).toMatchObject(ProvisionedThroughput);
  });

  it('creates every other table as asked', async () => {
    await dynamodb.client.send(
      new CreateTableCommand({
        TableName: 'checkpoints',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await dynamodb.client.send(
      new CreateTableCommand({
        ...leaseTable('own-index'),
        KeySchema: [
          { AttributeName: 'leaseKey', KeyType: 'HASH' },
          { AttributeName: 'at', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'leaseKey', AttributeType: 'S' },
          { AttributeName: 'at', AttributeType: 'N' },
        ],
      }),
    );
    expect(await indexesOf('checkpoints')).toEqual([]);
    expect(await indexesOf('own-index')).toEqual([]);
  });

  it('leaves a CreateTable without keys or attributes for dynalite to refuse, as DynamoDB does', async () => {
    const { AttributeDefinitions: _, ...withoutAttributes } = leaseTable('no-attributes');
    const { KeySchema: __, ...withoutKeys } = leaseTable('no-keys');
    for (const request of [withoutAttributes, withoutKeys]) {
      await expect(
        dynamodb.client.send(new CreateTableCommand(request as CreateTableCommandInput)),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    }
    const { TableNames } = await dynamodb.client.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain('no-attributes');
    expect(TableNames).not.toContain('no-keys');
  });

  it('passes answers on as dynalite gave them, the CRC32 the AWS SDK for Java checks included', async () => {
    const call = (endpoint: string, body: string) =>
      fetch(endpoint, {
        method: 'POST',
        headers: {
          'x-amz-target': 'DynamoDB_20120810.CreateTable',
          'content-type': 'application/x-amz-json-1.0',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
          'x-amz-date': '20260101T000000Z',
        },
        body,
      });
    const answer = await call(dynamodb.endpoint, '{not json');
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-amz-crc32')).toMatch(/^\d+$/);
    expect(await answer.json()).toMatchObject({
      __type: expect.stringContaining('SerializationException'),
    });
    await expect(dynamodb.client.send(new ListTablesCommand({}))).resolves.toBeDefined();
  });

  it('listens on the port asked for, and refuses one taken or out of range', async () => {
    const taken = Number(new URL(dynamodb.endpoint).port);
    await expect(startLocalDynamoDB({ port: taken })).rejects.toThrow('EADDRINUSE');
    await expect(startLocalDynamoDB({ port: -1 })).rejects.toThrow(
      KplEventSourceMappingConfigurationError,
    );
    await expect(startLocalDynamoDB({ prot: 4568 } as never)).rejects.toThrow(
      KplEventSourceMappingConfigurationError,
    );
    const other = await startLocalDynamoDB({ port: 0 });
    await other.stop();
    const again = await startLocalDynamoDB({ port: Number(new URL(other.endpoint).port) });
    try {
      expect(again.endpoint).toBe(other.endpoint);
    } finally {
      await again.stop();
    }
  });
});
