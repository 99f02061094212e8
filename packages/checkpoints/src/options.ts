// What every options object of this package is checked against where it is given: its known
// keys (a misspelt option is refused, never defaulted), and the options they share.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { assertTypeOf, optionNames } from '@kpl-lambda/core/internal';
import { configurationError as E } from './errors.js';
import type {
  CreateCheckpointTableOptions,
  DynamoDBCheckpointStoreOptions,
  InMemoryCheckpointStoreOptions,
} from './types.js';

export const DYNAMODB_CHECKPOINT_STORE_OPTIONS = optionNames<DynamoDBCheckpointStoreOptions>({
  client: true,
  tableName: true,
  consumerName: true,
  ttlSeconds: true,
  clock: true,
});

export const IN_MEMORY_CHECKPOINT_STORE_OPTIONS = optionNames<InMemoryCheckpointStoreOptions>({
  consumerName: true,
});

export const CREATE_CHECKPOINT_TABLE_OPTIONS = optionNames<CreateCheckpointTableOptions>({
  client: true,
  tableName: true,
  timeToLive: true,
});

/** The client and table every DynamoDB option object names. */
export function assertTable(client: unknown, tableName: unknown): asserts client is DynamoDBClient {
  if (typeof (client as { send?: unknown } | null | undefined)?.send !== 'function') {
    throw E('client', 'client must be a DynamoDBClient of the AWS SDK v3');
  }
  assertTypeOf('tableName', tableName, 'string', E);
  if (!tableName) throw E('tableName', 'tableName is required');
}
