// What the processor keeps of one invocation, in a WeakMap keyed by the user records it registered:
// Powertools keeps those in its own per-invocation store, so interleaved invocations never mix.
import type { BatchMetrics, DecodeMetrics, WindowState } from '@kpl-lambda/core';
import type { CheckpointedBatch, WindowProgress } from '@kpl-lambda/core/internal';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { KplTumblingWindow } from './types.js';

/**
 * One invocation's parents, checkpoints, counts, undecodable user records and, inside a tumbling
 * window, its window.
 */
export interface Invocation {
  parents: KinesisStreamRecord[];
  checkpointed?: CheckpointedBatch;
  skippedByCheckpoints: number;
  /** With `metrics`: what the user records were, counted before any was decoded. */
  counts?: Pick<BatchMetrics, 'userRecords' | 'aggregatedUserRecords' | 'corruptAggregates'> &
    Partial<DecodeMetrics>;
  /** With `decode`: the user records whose data does not decode, and why. */
  undecodable?: Map<object, Error>;
  window?: { fields: KplTumblingWindow<WindowState>; progress: WindowProgress };
}

export const invocations = new WeakMap<object, Invocation>();
