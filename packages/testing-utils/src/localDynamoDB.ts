/// <reference path="../../../types/local-services.d.ts" />
import type { AddressInfo } from 'node:net';
import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import dynalite from 'dynalite';

/** A local DynamoDB: dynalite in process, in memory, on loopback, and a client for it. */
export interface LocalDynamoDB {
  client: DynamoDBClient;
  /** `http://127.0.0.1:<port>`, for clients that are not the SDK's (the KCL's). */
  endpoint: string;
  /**
   * What DynamoDB's time to live does and dynalite does not: deletes the items of a table keyed
   * by `pk` (as the checkpoint table is) whose `attribute`, in epoch seconds, is before
   * `epochSeconds`. Resolves to how many it deleted.
   */
  expireItems(tableName: string, epochSeconds: number, attribute?: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startLocalDynamoDB(): Promise<LocalDynamoDB> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
  });
  return {
    client,
    endpoint,
    async expireItems(tableName, epochSeconds, attribute = 'expiresAt') {
      const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
      const expired = Items.filter((item) => Number(item[attribute]?.N) < epochSeconds);
      for (const { pk } of expired) {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: pk! } }));
      }
      return expired.length;
    },
    async stop() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
