/**
 * A real DynamoDB API in this process: dynalite, in memory, on a loopback port, with an AWS SDK
 * v3 client set up for it; tables are created at once. It serves a KCL 3 daemon too: a KCL lease
 * table is created with the index KCL 3 would add afterwards, which dynalite cannot add to an
 * existing table. No time to live (items never expire). Import from
 * `@kpl-lambda/local-event-source-mapping/local-dynamodb`; needs `dynalite` and
 * `@aws-sdk/client-dynamodb`.
 *
 * @example
 * ```ts
 * import { createCheckpointTable } from '@kpl-lambda/checkpoints';
 * import { startLocalDynamoDB } from '@kpl-lambda/local-event-source-mapping/local-dynamodb';
 * const dynamodb = await startLocalDynamoDB();
 * await createCheckpointTable({ client: dynamodb.client, tableName: 'checkpoints', timeToLive: false });
 * // ... dynamodb.client works like any DynamoDBClient
 * await dynamodb.stop();
 * ```
 */
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { assertIntegerIn, assertKnownOptions, optionNames } from '@kpl-lambda/core/internal';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import dynalite from 'dynalite';
import { configurationError } from '../errors.js';
import { DynamoDBFront } from './DynamoDBFront.js';

const LOCAL_DYNAMODB_OPTIONS = optionNames<LocalDynamoDBOptions>({ port: true });

/** Options of {@link startLocalDynamoDB}. */
export interface LocalDynamoDBOptions {
  /**
   * The loopback port to listen on, for clients in other processes (a KCL daemon, another
   * terminal); `startLocalDynamoDB` rejects when it is taken. Default 0: a free port of the
   * system's choosing.
   */
  port?: number;
}

/** A running local DynamoDB. */
export interface LocalDynamoDB {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** A client for it, with a region and dummy credentials. */
  client: DynamoDBClient;
  /** Stops the server and the client. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1, behind a front that gives a KCL lease table KCL 3's index;
 * tables are created at once.
 *
 * @example
 * ```ts
 * import { startLocalDynamoDB } from '@kpl-lambda/local-event-source-mapping/local-dynamodb';
 * const dynamodb = await startLocalDynamoDB({ port: 4568 });
 * console.log(`DynamoDB at ${dynamodb.endpoint}`); // for a KCL daemon in another process
 * await dynamodb.stop();
 * ```
 */
export async function startLocalDynamoDB(
  options: LocalDynamoDBOptions = {},
): Promise<LocalDynamoDB> {
  assertKnownOptions(options, LOCAL_DYNAMODB_OPTIONS, configurationError);
  const { port = 0 } = options;
  assertIntegerIn('port', port, 0, 65_535, configurationError);
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const front = new DynamoDBFront(server.address() as AddressInfo);
  let endpoint: string;
  try {
    endpoint = `http://127.0.0.1:${await front.listen(port)}`;
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler(),
  });
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      await front.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
