// The sales the Middy and Powertools tests of tumbling windows sum, and the window they come in.
import type { KinesisTumblingWindow } from '@kpl-lambda/core';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import type { KinesisStreamEvent } from 'aws-lambda';

/** What the handlers sum: an amount per user. */
export type SalesTotals = Record<string, number>;

/** A batch inside a tumbling window whose state is the totals so far. */
export type SalesWindowEvent = KinesisStreamEvent & KinesisTumblingWindow<SalesTotals>;

/** Sales `{ user, amount }`: an aggregate of ann 1, bob 2 and ann 3, then a plain record of bob 4. */
export const salesBatch = (): KinesisStreamEvent =>
  kinesisStreamEvent([
    aggregatedRecord(
      (
        [
          ['ann', 1],
          ['bob', 2],
          ['ann', 3],
        ] as const
      ).map(([user, amount]) => ({ partitionKey: user, data: JSON.stringify({ user, amount }) })),
    ),
    plainRecord({ partitionKey: 'bob', data: JSON.stringify({ user: 'bob', amount: 4 }) }),
  ]);

/**
 * `event` as Lambda sends it inside a tumbling window of one minute with `state` (which a test
 * may give in any shape), `final` for the window's last invocation.
 */
export const inWindow = (
  event: KinesisStreamEvent,
  state: object = {},
  final = false,
): SalesWindowEvent => ({
  ...event,
  window: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z' },
  state: state as SalesTotals,
  shardId: 'shardId-000000000000',
  // A final invocation has no records to take the stream from.
  eventSourceARN:
    event.Records[0]?.eventSourceARN ?? 'arn:aws:kinesis:us-east-1:123456789012:stream/sales',
  isFinalInvokeForWindow: final,
  isWindowTerminatedEarly: false,
});

/** True the first time it sees a sale of `amount`, false ever after. */
export function failsOnceAt(amount: number): (sale: { amount: number }) => boolean {
  let failed = false;
  return (sale) => {
    if (failed || sale.amount !== amount) return false;
    failed = true;
    return true;
  };
}
