// What kplDeagg() can tell of the middlewares around it, from what they leave on the request:
// those whose order with it loses failures or checkpoint precision are refused, loudly.
import { Buffer } from 'node:buffer';
import { isAggregated, type KinesisStreamUserRecord } from '@kpl-lambda/core';
import { KplDeaggConfigurationError } from './errors.js';

/** Where `@middy/event-batch-response` keeps the records it will line results up with. */
const EVENT_BATCH_RESPONSE = '@middy/event-batch-response';
/** What `@middy/event-batch-parser` names as the package of its errors. */
const EVENT_BATCH_PARSER = '@middy/event-batch-parser';

/**
 * `@middy/event-batch-response` used after kplDeagg() read the user records kplDeagg() handed:
 * its `after` runs first and reports each failed user record by its parent's sequence number
 * alone, which tells kplDeagg() nothing of the siblings that succeeded. Used before, it reads the
 * parents, and kplDeagg() turns the results into the response before it looks.
 */
export function assertEventBatchResponseBefore(
  internal: Record<string, unknown> | undefined,
  handed: KinesisStreamUserRecord[],
): void {
  const records = (internal?.[EVENT_BATCH_RESPONSE] as { records?: unknown } | undefined)?.records;
  if (records !== handed) return;
  throw new KplDeaggConfigurationError(
    '@middy/event-batch-response is used after kplDeagg(): it turns the user records’ results into ' +
      'their parents’ failures before kplDeagg() reads them, so checkpoints cannot tell which ' +
      'siblings succeeded. Use it before: middy().use(eventBatchResponse()).use(kplDeagg())',
    { option: 'use' },
  );
}

/**
 * The error a record parser (`@middy/event-batch-parser`, the Powertools parser middleware) threw
 * on a batch that still holds KPL aggregates, before kplDeagg() ran: one that names the order
 * that works, with the parser's error as its cause. Any other error is left as it is.
 */
export function misorderedParserError(error: unknown, event: unknown): unknown {
  const fromParser =
    (error as { cause?: { package?: unknown } } | null)?.cause?.package === EVENT_BATCH_PARSER ||
    (error as { name?: unknown } | null)?.name === 'ParseError';
  if (!fromParser || !holdsAggregates(event)) return error;
  return new KplDeaggConfigurationError(
    'A record parser ran on KPL aggregates before kplDeagg(): it can only read user records. ' +
      'Use kplDeagg() first: middy().use(kplDeagg()).use(eventBatchParser(...))',
    { option: 'use', cause: error },
  );
}

function holdsAggregates(event: unknown): boolean {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return false;
  return records.some((record: { eventSource?: unknown; kinesis?: { data?: unknown } } | null) => {
    const data = record?.kinesis?.data;
    return (
      record?.eventSource === 'aws:kinesis' &&
      typeof data === 'string' &&
      isAggregated(Buffer.from(data, 'base64'))
    );
  });
}
