import type { BatchProcessor } from '@aws-lambda-powertools/batch';
import type { BatchOnCorrupt, CheckpointStore, KplMetrics } from '@kpl-lambda/core';

/**
 * Powertools' own processor configuration: `parser` with `schema` or `innerSchema` (and
 * `transformer`), and `logger`, which this processor uses too.
 */
export type BatchProcessorConfig = NonNullable<ConstructorParameters<typeof BatchProcessor>[1]>;

/** What to do with a corrupt aggregate: core's {@link BatchOnCorrupt}. */
export type KplBatchOnCorrupt = BatchOnCorrupt;

/**
 * Options of {@link KplBatchProcessor}: Powertools' processor configuration (`parser`,
 * `schema` or `innerSchema`, `transformer`, `logger`), plus these.
 */
export type KplBatchProcessorOptions = BatchProcessorConfig & {
  /** What to do with a corrupt aggregate. Default `'passthrough'`. */
  onCorrupt?: KplBatchOnCorrupt;
  /**
   * Once a user record fails, report every later one without calling the handler: Lambda
   * delivers them again anyway, so their side effects would otherwise happen twice. Implies
   * sequential processing. Default `false`.
   */
  stopOnFirstFailure?: boolean;
  /**
   * Where the user records of each parent that are done are kept (`@kpl-lambda/checkpoints`):
   * user records done in an earlier delivery succeed without calling the handler, and progress is
   * recorded where Lambda will deliver again.
   */
  checkpoints?: CheckpointStore;
  /**
   * A Powertools `Metrics` (or anything with `addMetric`): per invocation, the counts of
   * `BATCH_METRIC_NAMES` of `@kpl-lambda/core` (parents, user records, aggregated share, corrupt
   * aggregates, skipped by checkpoints, failed user records, parents reported), published with
   * your own metrics.
   */
  metrics?: KplMetrics;
};
