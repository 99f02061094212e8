export {
  DEFAULT_AGGREGATION_MAX_BYTES,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_BUFFERED_MS,
  DEFAULT_MAX_BUFFERED_RECORDS,
  DEFAULT_MAX_REQUEST_BYTES,
  MAX_RECORDS_PER_REQUEST,
  MAX_REQUEST_BYTES_LIMIT,
  PUT_PAYLOAD_UNIT_BYTES,
} from './constants.js';
export {
  KplProducerBufferFullError,
  KplProducerConfigurationError,
  KplProducerError,
  KplUndeliverableRecordError,
} from './errors.js';
export { KinesisProducer } from './KinesisProducer.js';
export { PRODUCER_METRIC_NAMES } from './producerMetrics.js';
export type {
  FlushResult,
  JsonValue,
  KinesisProducerOptions,
  ProducerCounters,
  ProducerRecord,
  PutResult,
  RecordDistributionOption,
  UndeliverableRecord,
} from './types.js';
