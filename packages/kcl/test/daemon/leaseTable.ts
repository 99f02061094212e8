// KCL 3 adds a global secondary index to its lease table with UpdateTable once the table exists;
// dynalite refuses that call (it wants a ProvisionedThroughput even on a PAY_PER_REQUEST table),
// and given one would ignore the index: the KCL would retry its initialization forever. Created
// with the table (which dynalite does serve), the index is found and used as it is.
import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';

/** The index KCL 3 looks its leases up by (`LeaseOwnerToLeaseKeyIndex` in its source). */
const LEASE_OWNER_INDEX = 'LeaseOwnerToLeaseKeyIndex';

/** Creates KCL 3's lease table of an application (named after it), with its index; idempotent. */
export async function createKcl3LeaseTable(
  client: DynamoDBClient,
  applicationName: string,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: applicationName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'leaseKey', AttributeType: 'S' },
          { AttributeName: 'leaseOwner', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: LEASE_OWNER_INDEX,
            KeySchema: [
              { AttributeName: 'leaseOwner', KeyType: 'HASH' },
              { AttributeName: 'leaseKey', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
