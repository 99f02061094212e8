export {
  KplBatchConfigurationError,
  KplBatchProcessorError,
  KplCorruptAggregateError,
  KplSkippedRecordError,
} from './errors.js';
export { KplBatchProcessor } from './KplBatchProcessor.js';
export { processTumblingWindow } from './processTumblingWindow.js';
export type {
  BatchProcessorConfig,
  KplBatchOnCorrupt,
  KplBatchProcessorOptions,
  KplTumblingWindow,
  TumblingWindowOptions,
} from './types.js';
