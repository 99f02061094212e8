export {
  KplBatchConfigurationError,
  KplBatchProcessorError,
  KplCorruptAggregateError,
  KplSkippedRecordError,
} from './errors.js';
export { KplBatchProcessor } from './KplBatchProcessor.js';
export type { BatchProcessorConfig, KplBatchOnCorrupt, KplBatchProcessorOptions } from './types.js';
