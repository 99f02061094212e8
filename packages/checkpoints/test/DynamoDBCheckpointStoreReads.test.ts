// What DynamoDBCheckpointStore makes of the items it reads: one holding no progress, and how long
// it remembers them for the writes that follow.
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointStore } from '@kpl-lambda/checkpoints';
import { type ParentRecordId, parentKey, SubSequenceSet } from '@kpl-lambda/core';
import { type LocalDynamoDB, startLocalDynamoDB } from '@kpl-lambda/testing-utils';

let local: LocalDynamoDB;
beforeAll(async () => {
  local = await startLocalDynamoDB();
});
afterAll(() => local.stop());

const parent = (sequenceNumber: string): ParentRecordId => ({
  streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
  shardId: 'shardId-000000000000',
  sequenceNumber,
});

describe('DynamoDBCheckpointStore reads', () => {
  it('takes an item holding neither ranges nor bitmap for no progress', async () => {
    const tableName = await local.createCheckpointTable();
    const store = new DynamoDBCheckpointStore({
      client: local.client,
      tableName,
      consumerName: 'c',
    });
    const p = parent('1');
    await local.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: `c|${parentKey(p)}` }, version: { N: '1' } },
      }),
    );

    const loaded = await store.load([p]);

    expect(loaded.get(parentKey(p))?.toString()).toBe('');
    await store.save([{ parent: p, done: SubSequenceSet.of([3]) }]);
    expect((await store.load([p])).get(parentKey(p))?.toString()).toBe('3');
  });

  it('forgets what it read past ten thousand items, and reads again before writing', async () => {
    const tableName = await local.createCheckpointTable();
    const store = new DynamoDBCheckpointStore({
      client: local.client,
      tableName,
      consumerName: 'c',
    });
    let itemReads = 0;
    local.client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === GetItemCommand.name) itemReads++;
        return next(args);
      },
      { step: 'initialize', name: 'countItemReads' },
    );
    const first = Array.from({ length: 10_000 }, (_, i) => parent(String(i + 1)));

    try {
      await store.load(first);
      await store.load([parent('10001')]);
      await store.save([
        { parent: first[0]!, done: SubSequenceSet.of([0]) },
        { parent: parent('10001'), done: SubSequenceSet.of([0]) },
      ]);
      // Only the parent read before the ten thousandth is read again.
      expect(itemReads).toBe(1);
    } finally {
      local.client.middlewareStack.remove('countItemReads');
    }
    expect((await store.load([first[0]!])).get(parentKey(first[0]!))?.toString()).toBe('0');
  }, 120_000);
});
