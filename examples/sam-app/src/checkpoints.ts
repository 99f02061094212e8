import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBCheckpointStore } from '@kpl-lambda/checkpoints';
import type { CheckpointStore } from '@kpl-lambda/core';

/**
 * The consumers' checkpoints, in the template's CheckpointTable: a retried parent runs only the
 * user records not done yet. Without CHECKPOINT_TABLE (a local run), none.
 */
export const checkpoints: CheckpointStore | undefined = process.env.CHECKPOINT_TABLE
  ? new DynamoDBCheckpointStore({
      client: new DynamoDBClient({}),
      tableName: process.env.CHECKPOINT_TABLE,
    })
  : undefined;
