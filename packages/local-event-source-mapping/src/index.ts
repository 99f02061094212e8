export {
  KplDrainStoppedError,
  KplEventSourceMappingConfigurationError,
  KplEventSourceMappingError,
} from './errors.js';
export { KinesisEventSourceMapping } from './KinesisEventSourceMapping.js';
export type {
  DrainOptions,
  EventSourceMappingCounters,
  InvocationReport,
  KinesisEventSourceMappingOptions,
  KinesisHandler,
  KinesisOnFailureRecord,
} from './types.js';
