export { KplDrainStoppedError } from './errors.js';
export { KinesisEventSourceMapping } from './KinesisEventSourceMapping.js';
export type {
  DrainOptions,
  EventSourceMappingStats,
  InvocationReport,
  KinesisEventSourceMappingOptions,
  KinesisHandler,
  KinesisOnFailureRecord,
} from './types.js';
