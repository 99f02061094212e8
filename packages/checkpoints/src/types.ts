import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Options of {@link DynamoDBCheckpointStore}. */
export interface DynamoDBCheckpointStoreOptions {
  /** A configured AWS SDK v3 DynamoDB client. */
  client: DynamoDBClient;
  /** The table, as `createCheckpointTable` (or the SAM example) makes it. */
  tableName: string;
  /**
   * Whose progress this is: two consumers of one stream never share progress. Default
   * `AWS_LAMBDA_FUNCTION_NAME`; outside Lambda it must be given.
   */
  consumerName?: string;
  /** How long a checkpoint lives. Default 7 days, Lambda's longest `MaximumRecordAgeInSeconds`. */
  ttlSeconds?: number;
}

/** Options of {@link InMemoryCheckpointStore}. */
export interface InMemoryCheckpointStoreOptions {
  /** Whose progress this is: stores of different consumers never share progress. Default `'local'`. */
  consumerName?: string;
}

/** Options of {@link createCheckpointTable}. */
export interface CreateCheckpointTableOptions {
  /** A configured AWS SDK v3 DynamoDB client. */
  client: DynamoDBClient;
  /** The table to create. */
  tableName: string;
  /**
   * Turn on the table's time to live on `expiresAt`. Default `true`; `false` for local DynamoDB
   * servers without `UpdateTimeToLive` (dynalite).
   */
  timeToLive?: boolean;
}
