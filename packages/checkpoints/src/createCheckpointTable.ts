import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { assertKnownOptions, assertTypeOf } from '@kpl-lambda/core/internal';
import { CHECKPOINT_KEY_ATTRIBUTE, CHECKPOINT_TTL_ATTRIBUTE } from './constants.js';
import { configurationError as E } from './errors.js';
import { assertTable, CREATE_CHECKPOINT_TABLE_OPTIONS } from './options.js';
import type { CreateCheckpointTableOptions } from './types.js';

/**
 * Creates the checkpoint table (on-demand, a string key `pk`) and turns on its time to live on
 * `expiresAt`, for local use and tests. In AWS, declare it in the template instead (see the SAM
 * example). Resolves once the table is active. `timeToLive: false` skips the time to live, for
 * local DynamoDB servers without `UpdateTimeToLive` (dynalite).
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { createCheckpointTable } from '@kpl-lambda/checkpoints';
 * await createCheckpointTable({ client: new DynamoDBClient({}), tableName: 'checkpoints' });
 * ```
 */
export async function createCheckpointTable(options: CreateCheckpointTableOptions): Promise<void> {
  assertKnownOptions(options, CREATE_CHECKPOINT_TABLE_OPTIONS, E);
  const { client, tableName, timeToLive = true } = options ?? {};
  assertTable(client, tableName);
  assertTypeOf('timeToLive', timeToLive, 'boolean', E);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: CHECKPOINT_KEY_ATTRIBUTE, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: CHECKPOINT_KEY_ATTRIBUTE, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1 }, { TableName: tableName });
  if (!timeToLive) return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: CHECKPOINT_TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}
