import { CheckedPartitionKey } from '@kpl-lambda/core';
import type { ShardMap } from './ShardMap.js';
import type { Route } from './ShardRouter.js';

/**
 * What the producer learnt of a partition key it remembers: checked and measured once (see core's
 * `CheckedPartitionKey`, which also lets the aggregator find it in a key table at once), and
 * routed once per shard map. The records put with this key's text carry this one, and its
 * string, so that nothing compares the characters of a key again.
 */
export class KnownPartitionKey extends CheckedPartitionKey {
  /** Its route under the shard map `routedBy`, kept by the router. */
  public route: Route | undefined = undefined;
  public routedBy: ShardMap | undefined = undefined;
}
