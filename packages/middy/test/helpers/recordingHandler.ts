// What the kplDeagg tests share: a Lambda context, a handler that records what it saw, a logger
// that records what it was told.
import type { KinesisStreamUserEvent, KinesisStreamUserRecord } from '@kpl-lambda/core';
import type kplDeagg from '@kpl-lambda/middy';
import middy from '@middy/core';
import type eventNormalizer from '@middy/event-normalizer';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';

export const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;
export const text = (data: string) => Buffer.from(data, 'base64').toString('utf8');

/**
 * A handler that records the user records it saw and reports the failures `fail` picks, wrapped
 * in the given middlewares. `.handler<KinesisStreamEvent>` types the exported handler with the
 * event Lambda sends, while the inner handler sees user records.
 */
export function recordingHandler(
  fail: (record: KinesisStreamUserRecord) => string | undefined = () => undefined,
) {
  const seen: KinesisStreamUserRecord[] = [];
  const handle = (
    event: KinesisStreamEvent,
    ...middlewares: Array<ReturnType<typeof kplDeagg> | ReturnType<typeof eventNormalizer>>
  ) =>
    middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(middlewares)
      .handler<KinesisStreamEvent>(async (incoming) => {
        const { Records } = incoming as unknown as KinesisStreamUserEvent;
        seen.push(...Records);
        const batchItemFailures = Records.flatMap((record) => {
          const itemIdentifier = fail(record);
          return itemIdentifier === undefined ? [] : [{ itemIdentifier }];
        });
        return { batchItemFailures };
      })(event, context);
  return { seen, handle };
}

/** A logger that keeps each line as [level, message, ...extra]. */
export function recordingLogger() {
  const lines: Array<[string, string, ...unknown[]]> = [];
  const log =
    (level: string) =>
    (message: string, ...extra: unknown[]) =>
      lines.push([level, message, ...extra]);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
