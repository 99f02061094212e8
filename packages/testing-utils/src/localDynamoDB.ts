import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  createCheckpointTable,
  DynamoDBCheckpointStore,
  type DynamoDBCheckpointStoreOptions,
} from '@kpl-lambda/checkpoints';
import {
  type LocalDynamoDB as ShippedLocalDynamoDB,
  startLocalDynamoDB as startShippedLocalDynamoDB,
} from '@kpl-lambda/local-event-source-mapping/local-dynamodb';

/** What a test gives a checkpoint store of the local DynamoDB: all but the client and table. */
export type LocalCheckpointStoreOptions = Omit<
  DynamoDBCheckpointStoreOptions,
  'client' | 'tableName' | 'consumerName'
> & { consumerName: string };

/** A checkpoint store on a table of its own, with that table's name for what reads it directly. */
export type LocalCheckpointStore = DynamoDBCheckpointStore & { readonly tableName: string };

/** The local DynamoDB users get (dynalite on loopback), and what the tests add to it. */
export interface LocalDynamoDB extends ShippedLocalDynamoDB {
  /**
   * What DynamoDB's time to live does and dynalite does not: deletes the items of a table keyed
   * by `pk` (as the checkpoint table is) whose `attribute`, in epoch seconds, is before
   * `epochSeconds`. Resolves to how many it deleted.
   */
  expireItems(tableName: string, epochSeconds: number, attribute?: string): Promise<number>;
  /**
   * Creates a checkpoint table of a name new to this DynamoDB, without the time to live dynalite
   * lacks (`expireItems` plays it); resolves to its name.
   */
  createCheckpointTable(): Promise<string>;
  /** A `DynamoDBCheckpointStore` on a new checkpoint table of its own. */
  checkpointStore(options: LocalCheckpointStoreOptions): Promise<LocalCheckpointStore>;
}

export async function startLocalDynamoDB(): Promise<LocalDynamoDB> {
  const local = await startShippedLocalDynamoDB();
  const { client } = local;
  let tables = 0;
  const createTable = async () => {
    const tableName = `checkpoints-${++tables}`;
    await createCheckpointTable({ client, tableName, timeToLive: false });
    return tableName;
  };
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
    createCheckpointTable: createTable,
    async checkpointStore(options) {
      const tableName = await createTable();
      const store = new DynamoDBCheckpointStore({ ...options, client, tableName });
      return Object.assign(store, { tableName });
    },
  };
}
