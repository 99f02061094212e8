export { KinesisEventSourceMapping } from './KinesisEventSourceMapping.js';
export type {
  EventSourceMappingStats,
  InvocationReport,
  KinesisEventSourceMappingOptions,
  KinesisHandler,
  KinesisOnFailureRecord,
} from './types.js';
