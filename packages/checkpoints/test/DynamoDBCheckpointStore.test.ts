import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  createCheckpointTable,
  DynamoDBCheckpointStore,
  KplCheckpointsError,
} from '@kpl-lambda/checkpoints';
import { type ParentRecordId, parentKey, SubSequenceSet } from '@kpl-lambda/core';
import { type LocalDynamoDB, startLocalDynamoDB } from '@kpl-lambda/testing-utils';
import { mockClient } from 'aws-sdk-client-mock';

let local: LocalDynamoDB;
beforeAll(async () => {
  local = await startLocalDynamoDB();
});
afterAll(() => local.stop());

const DAY = 86_400;

const parent = (sequenceNumber: string): ParentRecordId => ({
  streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
  shardId: 'shardId-000000000000',
  sequenceNumber,
});
/** The item of a parent, read as DynamoDB holds it. */
const itemOf = async (tableName: string, consumerName: string, p: ParentRecordId) => {
  const { Item } = await local.client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: `${consumerName}|${parentKey(p)}` } },
    }),
  );
  return Item!;
};

describe('DynamoDBCheckpointStore on a local DynamoDB', () => {
  it('records progress and reads it back, merging as a union', async () => {
    const store = await local.checkpointStore({ consumerName: 'consumer-a' });
    const p = parent('1');

    await store.save([{ parent: p, done: SubSequenceSet.of([0, 1, 2]) }]);
    await store.save([{ parent: p, done: SubSequenceSet.of([4]) }]);

    const loaded = await store.load([p, parent('2')]);
    expect(loaded.get(parentKey(p))?.toString()).toBe('0-2,4');
    expect(loaded.has(parentKey(parent('2')))).toBe(false);
  });

  it('keeps consumers apart', async () => {
    const tableName = await local.createCheckpointTable();
    const a = new DynamoDBCheckpointStore({ client: local.client, tableName, consumerName: 'a' });
    const b = new DynamoDBCheckpointStore({ client: local.client, tableName, consumerName: 'b' });

    await a.save([{ parent: parent('1'), done: SubSequenceSet.of([0]) }]);

    expect((await b.load([parent('1')])).size).toBe(0);
  });

  it('never loses progress of concurrent invocations holding the same parent', async () => {
    const tableName = await local.createCheckpointTable();
    const stores = Array.from(
      { length: 6 },
      () => new DynamoDBCheckpointStore({ client: local.client, tableName, consumerName: 'c' }),
    );
    const p = parent('7');

    // Each invocation records its own user record at the same time: conditional writes race.
    await Promise.all(
      stores.map((store, i) => store.save([{ parent: p, done: SubSequenceSet.of([i]) }])),
    );

    expect((await stores[0]!.load([p])).get(parentKey(p))?.toString()).toBe('0-5');
  });

  it('reads more than 100 parents, one BatchGetItem per 100', async () => {
    const store = await local.checkpointStore({ consumerName: 'consumer-a' });
    const parents = Array.from({ length: 230 }, (_, i) => parent(String(1_000 + i)));
    await store.save(parents.map((p, i) => ({ parent: p, done: SubSequenceSet.of([i]) })));

    const loaded = await store.load(parents);

    expect(loaded.size).toBe(230);
    expect(loaded.get(parentKey(parents[229]!))?.has(229)).toBe(true);
  });

  it('fits the largest aggregate in one item: a bitmap when ranges would be longer', async () => {
    const store = await local.checkpointStore({ consumerName: 'consumer-a' });
    const p = parent('9');
    const everyOther = SubSequenceSet.of(Array.from({ length: 100_000 }, (_, i) => 2 * i));

    await store.save([{ parent: p, done: everyOther }]);

    const loaded = (await store.load([p])).get(parentKey(p))!;
    expect(loaded.size).toBe(100_000);
    expect(loaded.has(199_998)).toBe(true);
    expect(loaded.has(199_999)).toBe(false);
  });

  it('writes a time to live of a year by default, and the readable keys', async () => {
    const now = Date.UTC(2026, 0, 1);
    const store = await local.checkpointStore({ consumerName: 'c', clock: () => now });
    await store.save([{ parent: parent('5'), done: SubSequenceSet.of([0]) }]);

    const item = await itemOf(store.tableName, 'c', parent('5'));
    expect(Number(item.expiresAt!.N)).toBe(now / 1000 + 365 * DAY);
    expect(item).toMatchObject({
      shardId: { S: 'shardId-000000000000' },
      sequenceNumber: { S: '5' },
    });
  });
});

describe('DynamoDBCheckpointStore time to live', () => {
  let now: number;
  const clock = () => now;
  const days = (count: number) => {
    now += count * DAY * 1_000;
  };
  beforeEach(() => {
    now = Date.UTC(2026, 0, 1);
  });
  /** One delivery of a parent that gains nothing: the adapters' load, then their save. */
  const deliverAgain = async (store: DynamoDBCheckpointStore, p: ParentRecordId) => {
    const done = (await store.load([p])).get(parentKey(p))!;
    await store.save([{ parent: p, done }]);
  };

  it('renews the checkpoint of a parent still delivered, at most once a day', async () => {
    const store = await local.checkpointStore({ consumerName: 'c', ttlSeconds: 2 * DAY, clock });
    const p = parent('11');
    await store.save([{ parent: p, done: SubSequenceSet.of([0, 1]) }]);
    const written = now / 1000;

    // Delivered every hour for three days, gaining nothing.
    for (let hour = 1; hour <= 72; hour++) {
      now += 3_600_000;
      await deliverAgain(store, p);
      expect(await local.expireItems(store.tableName, now / 1000)).toBe(0);
    }

    const item = await itemOf(store.tableName, 'c', p);
    expect(item.version).toEqual({ N: '4' });
    expect(Number(item.expiresAt!.N)).toBe(written + 3 * DAY + 2 * DAY);
    expect((await store.load([p])).get(parentKey(p))?.toString()).toBe('0-1');
  });

  it('lets the checkpoint of a parent no longer delivered expire after ttlSeconds', async () => {
    const store = await local.checkpointStore({ consumerName: 'c', ttlSeconds: 2 * DAY, clock });
    await store.save([{ parent: parent('12'), done: SubSequenceSet.of([0]) }]);

    days(2);
    expect(await local.expireItems(store.tableName, now / 1000)).toBe(0);
    now += 1_000;
    expect(await local.expireItems(store.tableName, now / 1000)).toBe(1);
  });

  it('writes nothing for a parent without progress', async () => {
    const store = await local.checkpointStore({ consumerName: 'c' });

    await store.save([{ parent: parent('14'), done: SubSequenceSet.empty() }]);

    expect(await local.expireItems(store.tableName, Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('rejects a write DynamoDB refuses, without retrying it (a clock that gives no time)', async () => {
    const store = await local.checkpointStore({ consumerName: 'c', clock: () => Number.NaN });

    await expect(
      store.save([{ parent: parent('15'), done: SubSequenceSet.of([0]) }]),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('renews and adds progress in one write', async () => {
    const store = await local.checkpointStore({ consumerName: 'c', clock });
    const p = parent('13');
    await store.save([{ parent: p, done: SubSequenceSet.of([0]) }]);

    days(3);
    await store.load([p]);
    await store.save([{ parent: p, done: SubSequenceSet.of([0, 1]) }]);

    const item = await itemOf(store.tableName, 'c', p);
    expect(item.version).toEqual({ N: '2' });
    expect(Number(item.expiresAt!.N)).toBe(now / 1000 + 365 * DAY);
  });
});

describe('createCheckpointTable', () => {
  // dynalite has no UpdateTimeToLive: what the local service cannot do is played by the mock.
  it('creates the table with its key and turns on its time to live', async () => {
    const dynamodb = mockClient(DynamoDBClient);
    dynamodb.on(CreateTableCommand).resolves({});
    dynamodb.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE' } });
    dynamodb.on(UpdateTimeToLiveCommand).resolves({});

    await createCheckpointTable({
      client: new DynamoDBClient({ region: 'us-east-1' }),
      tableName: 'cp',
    });

    expect(dynamodb.commandCalls(CreateTableCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'cp',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect(dynamodb.commandCalls(UpdateTimeToLiveCommand)[0]!.args[0].input).toEqual({
      TableName: 'cp',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    dynamodb.restore();
  });
});

describe('DynamoDBCheckpointStore when DynamoDB keeps refusing', () => {
  // What the local DynamoDB cannot do (leave keys unprocessed, lose every race) is mocked.
  it('throws KplCheckpointsError, which the adapters turn into a warning', async () => {
    const dynamodb = mockClient(DynamoDBClient);
    const { BatchGetItemCommand, PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    dynamodb
      .on(BatchGetItemCommand)
      .callsFake((input) => ({ Responses: {}, UnprocessedKeys: input.RequestItems }));
    dynamodb
      .on(GetItemCommand)
      .resolves({ Item: { pk: { S: 'x' }, done: { S: '0' }, version: { N: '1' } } });
    dynamodb
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('lost'), { name: 'ConditionalCheckFailedException' }));
    const store = new DynamoDBCheckpointStore({
      client: new DynamoDBClient({ region: 'us-east-1' }),
      tableName: 't',
      consumerName: 'c',
    });

    await expect(store.load([parent('1')])).rejects.toThrow(KplCheckpointsError);
    await expect(
      store.save([{ parent: parent('1'), done: SubSequenceSet.of([1]) }]),
    ).rejects.toThrow(KplCheckpointsError);
    dynamodb.restore();
  }, 30_000);
});
