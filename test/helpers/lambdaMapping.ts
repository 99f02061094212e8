import {
  KinesisEventSourceMapping,
  type KinesisEventSourceMappingOptions,
  type KinesisOnFailureRecord,
} from '@kpl-lambda/local-event-source-mapping';
import type { LocalKinesis } from '@kpl-lambda/local-event-source-mapping/local-kinesis';

/**
 * The local event source mapping of a stream, set up as the end-to-end tests set up Lambda:
 * partial batch responses on, and the batches it gives up kept in `givenUp`, as an on-failure
 * destination keeps them.
 */
export function lambdaMapping(
  kinesis: LocalKinesis,
  options: Omit<KinesisEventSourceMappingOptions, 'client' | 'functionResponseTypes' | 'onFailure'>,
) {
  const givenUp: KinesisOnFailureRecord[] = [];
  const mapping = new KinesisEventSourceMapping({
    ...options,
    client: kinesis.client,
    functionResponseTypes: ['ReportBatchItemFailures'],
    onFailure: (record) => {
      givenUp.push(record);
    },
  });
  return { mapping, givenUp };
}
