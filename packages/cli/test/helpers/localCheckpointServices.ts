import { createCheckpointTable } from '@kpl-lambda/checkpoints';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import { type LocalDynamoDB, startLocalDynamoDB } from '@kpl-lambda/testing-utils';

/**
 * A local Kinesis (kinesalite) and DynamoDB (dynalite) with the checkpoint table `tableName`, for
 * the tests of a file: started before them, stopped after. `kpl redrive --table` makes its own
 * clients, which take their credentials where the SDK looks: `accessKey` is put in this file's
 * environment (Jest gives each file a copy), as key and secret; kinesalite and dynalite take any.
 */
export function useLocalCheckpointServices(
  tableName: string,
  accessKey: string,
): { kinesis: () => LocalKinesis; dynamodb: () => LocalDynamoDB } {
  let kinesis: LocalKinesis | undefined;
  let dynamodb: LocalDynamoDB | undefined;
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = accessKey;
    process.env.AWS_SECRET_ACCESS_KEY = accessKey;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    [kinesis, dynamodb] = await Promise.all([startLocalKinesis(), startLocalDynamoDB()]);
    await createCheckpointTable({ client: dynamodb.client, tableName, timeToLive: false });
  });
  afterAll(() => Promise.all([kinesis?.stop(), dynamodb?.stop()]));
  return { kinesis: () => kinesis!, dynamodb: () => dynamodb! };
}
