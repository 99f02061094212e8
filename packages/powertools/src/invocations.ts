// What the processor keeps of one invocation, in a WeakMap keyed by the user records it registered:
// Powertools keeps those in its own per-invocation store, so interleaved invocations never mix.
import type { CheckpointedBatch, WindowProgress, WindowState } from '@kpl-lambda/core';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { KplTumblingWindow } from './types.js';

/** One invocation's parents, checkpoints, counts and, inside a tumbling window, its window. */
export interface Invocation {
  parents: KinesisStreamRecord[];
  checkpointed?: CheckpointedBatch;
  skippedByCheckpoints: number;
  window?: { fields: KplTumblingWindow<WindowState>; progress: WindowProgress };
}

export const invocations = new WeakMap<object, Invocation>();
