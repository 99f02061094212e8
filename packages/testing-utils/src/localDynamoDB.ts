import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  type LocalDynamoDB as ShippedLocalDynamoDB,
  startLocalDynamoDB as startShippedLocalDynamoDB,
} from '@kpl-lambda/local-event-source-mapping/local-dynamodb';

/** The local DynamoDB users get (dynalite on loopback), and what the tests add to it. */
export interface LocalDynamoDB extends ShippedLocalDynamoDB {
  /**
   * What DynamoDB's time to live does and dynalite does not: deletes the items of a table keyed
   * by `pk` (as the checkpoint table is) whose `attribute`, in epoch seconds, is before
   * `epochSeconds`. Resolves to how many it deleted.
   */
  expireItems(tableName: string, epochSeconds: number, attribute?: string): Promise<number>;
}

export async function startLocalDynamoDB(): Promise<LocalDynamoDB> {
  const local = await startShippedLocalDynamoDB();
  const { client } = local;
  return {
    ...local,
    async expireItems(tableName, epochSeconds, attribute = 'expiresAt') {
      const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
      const expired = Items.filter((item) => Number(item[attribute]?.N) < epochSeconds);
      for (const { pk } of expired) {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: pk! } }));
      }
      return expired.length;
    },
  };
}
