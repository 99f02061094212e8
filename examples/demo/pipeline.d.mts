import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamUserRecord } from '@kpl-lambda/core';

export type ProcessOrder = (
  order: { orderId: string; poison?: boolean },
  record: KinesisStreamUserRecord,
) => Promise<void>;

export interface PipelineOptions {
  client: KinesisClient;
  streamName: string;
  /** Handler factories by consumer name, such as the example SAM app's `createHandler`s. */
  consumers: Record<string, (processOrder: ProcessOrder) => (...args: never[]) => unknown>;
  orders?: number;
  poisonOrders?: number;
  failFirstDelivery?: number;
  midway?: () => Promise<void>;
  progress?: (line: string) => void;
}

export interface ConsumerReport {
  ordersProcessed: number;
  processedMoreThanOnce: number;
  invocations: number;
  kinesisRecordsRedelivered: number;
  batchesGivenUp: number;
  ordersGivenUp: number;
  lost: string[];
  poisonGivenUp: boolean;
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
