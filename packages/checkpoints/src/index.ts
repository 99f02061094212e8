export {
  CHECKPOINT_KEY_ATTRIBUTE,
  CHECKPOINT_TTL_ATTRIBUTE,
  DEFAULT_CHECKPOINT_TTL_SECONDS,
} from './constants.js';
export { createCheckpointTable } from './createCheckpointTable.js';
export { DynamoDBCheckpointStore } from './DynamoDBCheckpointStore.js';
export {
  KplCheckpointsConfigurationError,
  KplCheckpointsError,
  KplRedriveRecordsMissingError,
} from './errors.js';
export { InMemoryCheckpointStore } from './InMemoryCheckpointStore.js';
export type {
  CreateCheckpointTableOptions,
  DynamoDBCheckpointStoreOptions,
  InMemoryCheckpointStoreOptions,
} from './types.js';
