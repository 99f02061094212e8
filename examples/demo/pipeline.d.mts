import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { RedriveBatchInfo } from '@kpl-lambda/checkpoints/redrive';
import type { CheckpointStore, KinesisStreamUserRecord } from '@kpl-lambda/core';

export type ProcessOrder = (
  order: { orderId: string; poison?: boolean },
  record: KinesisStreamUserRecord,
) => Promise<void>;

export interface PipelineOptions {
  client: KinesisClient;
  streamName: string;
  /** Handler factories by consumer name, such as the example SAM app's `createHandler`s. */
  consumers: Record<
    string,
    (processOrder: ProcessOrder, store?: CheckpointStore) => (...args: never[]) => unknown
  >;
  /** Run each consumer a second time, with checkpoints (an in-memory store of its own). */
  withCheckpoints?: boolean;
  orders?: number;
  poisonOrders?: number;
  failFirstDelivery?: number;
  midway?: () => Promise<void>;
  progress?: (line: string) => void;
}

export interface ConsumerReport {
  ordersProcessed: number;
  processedMoreThanOnce: number;
  /** Why: in a poison order's aggregate, or after it in its batch. */
  duplicates: { inPoisonAggregate: number; afterPoisonInBatch: number };
  invocations: number;
  kinesisRecordsRedelivered: number;
  batchesGivenUp: number;
  ordersGivenUp: number;
  lost: string[];
  poisonGivenUp: boolean;
  /** What Lambda sent to the on-failure destination. */
  givenUpBatches: RedriveBatchInfo[];
  /** The consumer's checkpoints, when it ran with them. */
  store?: CheckpointStore;
}

export interface PipelineReport {
  runId: string;
  ordersWritten: number;
  ordersNotWritten: number;
  kinesisRecordsWritten: number;
  poisonOrders: string[];
  consumers: Record<string, ConsumerReport>;
  ok: boolean;
}

export function runPipeline(options: PipelineOptions): Promise<PipelineReport>;

/** The orders a redrive of a consumer's given-up batches sends back, and those it skips as done. */
export function redriveGivenUp(options: {
  client: KinesisClient;
  consumer: Pick<ConsumerReport, 'givenUpBatches' | 'store'>;
  runId: string;
}): Promise<{ sent: string[]; skipped: number }>;
