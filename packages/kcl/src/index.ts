export {
  KplKclCheckpointError,
  KplKclConfigurationError,
  KplKclError,
  KplKclProtocolError,
} from './errors.js';
export { start } from './start.js';
export type {
  Checkpointer,
  InitializeInput,
  KclUserRecord,
  OnRecordError,
  ProcessRecordsInput,
  RecordProcessor,
  StartOptions,
} from './types.js';
