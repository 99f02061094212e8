import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Options of {@link DynamoDBCheckpointStore}.
 *
 * @example
 * ```ts
 * const options: DynamoDBCheckpointStoreOptions = {
 *   client: new DynamoDBClient({}),
 *   tableName: 'checkpoints',
 *   ttlSeconds: 8 * 86_400, // the stream keeps records 7 days
 * };
 * ```
 */
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
  /**
   * How long a checkpoint lives after it was last written, in seconds: from 2 days to 365 days.
   * Default 365 days, the longest a stream retains a record, so that no checkpoint expires while
   * its parent can still be delivered or redriven. While Lambda keeps delivering a parent, its
   * checkpoint is written again at most once a day, which keeps a shorter one alive too.
   */
  ttlSeconds?: number;
  /** The time in epoch milliseconds, as `Date.now` (the default) gives it: a test's clock. */
  clock?: () => number;
}

/**
 * Options of {@link InMemoryCheckpointStore}.
 *
 * @example
 * ```ts
 * const checkpoints = new InMemoryCheckpointStore({ consumerName: 'orders-consumer' });
 * ```
 */
export interface InMemoryCheckpointStoreOptions {
  /** Whose progress this is: stores of different consumers never share progress. Default `'local'`. */
  consumerName?: string;
}

/**
 * Options of {@link createCheckpointTable}.
 *
 * @example
 * ```ts
 * await createCheckpointTable({ client: local.client, tableName: 'checkpoints', timeToLive: false });
 * ```
 */
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
