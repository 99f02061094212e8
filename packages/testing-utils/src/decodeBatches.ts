// The batches the Middy and Powertools tests of the decode option share.
import { deflateSync } from 'node:zlib';
import {
  aggregatedRecord,
  cloudWatchLogsData,
  kinesisStreamEvent,
  plainRecord,
} from '@kpl-lambda/core/testing';
import type { KinesisStreamEvent } from 'aws-lambda';

const lines = (...ns: number[]) => deflateSync(ns.map((n) => `{"n":${n}}\n`).join(''));

/**
 * As Fluent Bit's Go plugin writes with `compression: zlib` and `simple_aggregation`: zlib lines
 * in KPL aggregates. The lines are `{"n":0}` to `{"n":5}` in batch order; the aggregate's third
 * user record is not zlib.
 */
export function zlibLinesBatch(): KinesisStreamEvent {
  return kinesisStreamEvent([
    aggregatedRecord([
      { partitionKey: 'a', data: lines(0, 1) },
      { partitionKey: 'b', data: lines(2) },
      { partitionKey: 'c', data: 'not zlib' },
    ]),
    plainRecord({ partitionKey: 'd', data: lines(3, 4, 5) }),
  ]);
}

/** CloudWatch Logs subscription records: events `a0`-`a2`, a health check, then `c0`. */
export function cloudWatchLogsBatch(): KinesisStreamEvent {
  return kinesisStreamEvent([
    plainRecord({ partitionKey: 'g1', data: cloudWatchLogsData(['a0', 'a1', 'a2']) }),
    plainRecord({
      partitionKey: 'g0',
      data: cloudWatchLogsData([], { messageType: 'CONTROL_MESSAGE' }),
    }),
    plainRecord({ partitionKey: 'g2', data: cloudWatchLogsData(['c0']) }),
  ]);
}
