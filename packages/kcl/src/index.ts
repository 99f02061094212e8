export {
  KplKclCheckpointError,
  KplKclConfigurationError,
  KplKclError,
  KplKclProtocolError,
} from './errors.js';
export { start } from './start.js';
export type {
  BatchRecordProcessor,
  Checkpointer,
  InitializeInput,
  KclUserRecord,
  OnRecordError,
  PerRecordProcessor,
  ProcessRecordsInput,
  RecordProcessor,
  RecordProcessorHooks,
  StartOptions,
} from './types.js';
