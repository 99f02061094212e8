import type { KplLogger } from '@kpl-lambda/core';
import type { OrderedGroups } from '../aggregation/OrderedGroups.js';
import type { ResolvedProducerOptions } from '../options.js';
import type { KinesisRecordQueues, RequestLimits } from '../sending/KinesisRecordQueues.js';
import type { RecordResults } from '../sending/RecordResults.js';
import type { MeasureOptions } from '../userRecords.js';
import type { PartitionKeys } from './PartitionKeys.js';
import type { RecordDistribution, StreamRecordBounds } from './StreamFacts.js';

/** How records are measured and sent now: the options, and what the stream said. */
export type ProducerLimits = MeasureOptions & RequestLimits;

/** What the placement shares with the producer. */
export interface RecordPlacementContext {
  options: ResolvedProducerOptions;
  queues: KinesisRecordQueues;
  results: RecordResults;
  partitionKeys: PartitionKeys;
  log: KplLogger;
  /** The PutRecords calls in flight: records are placed again only once none is. */
  inFlight: ReadonlySet<Promise<void>>;
  schedulePump: () => void;
}

/**
 * How user records go to Kinesis: in aggregates per shard (or, without a shard map, per key), as
 * plain records in a queue per partition key (`aggregate: false`), or, on a service-managed
 * stream, as plain records each on its own (the service places every record wherever it likes, so
 * no order per key can be kept, and none is waited for).
 */
export type PlacementMode = 'aggregate' | 'plain' | 'auto';

/** What follows from the options and the stream's facts in force. */
export interface Placement {
  mode: PlacementMode;
  bounds: StreamRecordBounds;
  /** A record without a key gets one only where the stream is known to need one. */
  omitPartitionKeys: boolean;
  /** `aggregate: true`, given, on a service-managed stream: the options cannot work there. */
  refused: boolean;
}

/** The placement for a stream of `distribution` (undefined: not known yet) and these bounds. */
export function placementOf(
  distribution: RecordDistribution | undefined,
  bounds: StreamRecordBounds,
  options: { aggregate: boolean; given: ReadonlySet<string> },
  groups: OrderedGroups | undefined,
): Placement {
  const auto = distribution === 'AUTO';
  return {
    mode: auto ? 'auto' : options.aggregate ? 'aggregate' : 'plain',
    // Every user record may go as an aggregate of one under its group's key: room is kept for it.
    bounds:
      groups === undefined || auto
        ? bounds
        : { ...bounds, maxRecordBytes: groups.largestUserRecordBytes(bounds.maxRecordBytes) },
    omitPartitionKeys: distribution !== 'USER_PARTITION_KEY',
    refused: auto && options.given.has('aggregate') && options.aggregate,
  };
}
