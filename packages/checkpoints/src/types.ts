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
