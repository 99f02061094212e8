import { RecordAggregator } from './RecordAggregator.js';
import type { AggregatedRecord, AggregatorOptions, UserRecordInput } from './types.js';

/**
 * Aggregates user records into as few records as fit `maxBytes` (and `maxRecords`), in order.
 *
 * @example
 * ```ts
 * import { aggregate } from '@kpl-lambda/core';
 * const records = aggregate([
 *   { partitionKey: 'user-1', data: '{"event":"login"}' },
 *   { partitionKey: 'user-2', data: new Uint8Array([1, 2, 3]) },
 * ]);
 * // one KPL aggregate: [{ partitionKey: 'user-1', data: Uint8Array, userRecords: [...] }]
 * ```
 */
export function aggregate<T extends UserRecordInput>(
  records: Iterable<T>,
  options?: AggregatorOptions,
): AggregatedRecord<T>[] {
  const aggregator = new RecordAggregator<T>(options);
  const aggregated: AggregatedRecord<T>[] = [];
  for (const record of records) {
    const full = aggregator.add(record);
    if (full) aggregated.push(full);
  }
  const last = aggregator.flush();
  if (last) aggregated.push(last);
  return aggregated;
}
