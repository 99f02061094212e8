export {
  KplDrainStoppedError,
  KplEventSourceMappingConfigurationError,
  KplEventSourceMappingError,
} from './errors.js';
export { KinesisEventSourceMapping } from './KinesisEventSourceMapping.js';
export type {
  DrainOptions,
  EventSourceMappingStats,
  InvocationReport,
  KinesisEventSourceMappingOptions,
  KinesisHandler,
  KinesisOnFailureRecord,
} from './types.js';
