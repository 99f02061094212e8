// KCL 3 adds a global secondary index to its lease table with UpdateTable once the table exists;
// dynalite refuses that call (it wants a ProvisionedThroughput even on a PAY_PER_REQUEST table),
// and given one would ignore the index: the KCL retries its initialization for ever. Created
// with the table, which dynalite serves, the index is found and used as it is.

/** The index KCL 3 looks its leases up by (`LeaseOwnerToLeaseKeyIndex` in its source). */
const LEASE_OWNER_INDEX = 'LeaseOwnerToLeaseKeyIndex';

interface CreateTable {
  KeySchema?: Array<{ AttributeName?: string; KeyType?: string }>;
  AttributeDefinitions?: Array<{ AttributeName?: string; AttributeType?: string }>;
  GlobalSecondaryIndexes?: unknown[];
  ProvisionedThroughput?: unknown;
}

/**
 * A `CreateTable` request's body, with KCL 3's lease index added when it creates a KCL lease
 * table (keyed by `leaseKey` alone, with no index of its own); any other body as it was.
 */
export function withKclLeaseIndex(body: Buffer): Buffer {
  let request: CreateTable;
  try {
    request = JSON.parse(body.toString('utf8')) as CreateTable;
  } catch {
    return body; // dynalite answers it as DynamoDB would
  }
  const [key, ...more] = request.KeySchema ?? [];
  const leaseTable =
    key?.AttributeName === 'leaseKey' && more.length === 0 && !request.GlobalSecondaryIndexes;
  if (!leaseTable) return body;
  const withIndex: CreateTable = {
    ...request,
    AttributeDefinitions: [
      ...(request.AttributeDefinitions ?? []),
      { AttributeName: 'leaseOwner', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: LEASE_OWNER_INDEX,
        KeySchema: [
          { AttributeName: 'leaseOwner', KeyType: 'HASH' },
          { AttributeName: 'leaseKey', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
        // A provisioned table's index needs a throughput too: the table's.
        ...(request.ProvisionedThroughput === undefined
          ? {}
          : { ProvisionedThroughput: request.ProvisionedThroughput }),
      },
    ],
  };
  return Buffer.from(JSON.stringify(withIndex));
}
