import {
  KinesisEventSourceMapping,
  type KinesisEventSourceMappingOptions,
} from '@kpl-lambda/local-event-source-mapping';
import type { LocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';

/**
 * Makes the mappings of a test file: on streams of the local Kinesis that `kinesis()` returns
 * (asked at each call, since the file starts it in `beforeAll`), with a handler that does nothing
 * unless a test gives one, and the `defaults` the file's tests share.
 */
export const mappingsOf =
  (kinesis: () => LocalKinesis, defaults: Partial<KinesisEventSourceMappingOptions> = {}) =>
  (streamName: string, options: Partial<KinesisEventSourceMappingOptions>) =>
    new KinesisEventSourceMapping({
      client: kinesis().client,
      streamName,
      handler: () => undefined,
      ...defaults,
      ...options,
    });
