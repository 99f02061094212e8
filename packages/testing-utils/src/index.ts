// What the tests of every package share, as Powertools' private testing-utils package: protobuf
// builders for hand-made aggregates, the real KPL vectors, the aws-kinesis-agg reference, and the
// batches the Middy and Powertools tests both use. Private: never published.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CheckpointStore,
  type KplLogger,
  type KplMetrics,
  parentKey,
  type UserRecordInput,
} from '@kpl-lambda/core';
import {
  aggregatedRecord,
  corruptAggregatedRecord,
  kinesisStreamEvent,
  plainRecord,
} from '@kpl-lambda/core/testing';
import * as awsKinesisAgg from 'aws-kinesis-agg';
import type { KinesisStreamEvent } from 'aws-lambda';

export * from './aggregateBodies.js';
export * from './decodeBatches.js';
export * from './middyEventBatch.js';
export * from './protobuf.js';
export * from './tumblingWindows.js';

export interface VectorCase {
  name: string;
  description: string;
  data: string;
  parent: { sequenceNumber: string; partitionKey: string };
  aggregated: boolean;
  userRecords: Array<{
    subSequenceNumber: number;
    partitionKey: string;
    explicitHashKey: string | null;
    data: string;
  }>;
}

/**
 * Real KPL output with the user records each aggregate must decode to: a copy of the team's
 * shared vectors (themselves from the kinesis-aggregation project's test files), kept in the
 * repository so that a fresh clone tests on its own.
 */
export function loadKplVectors(): VectorCase[] {
  const path = join(__dirname, '../fixtures/kpl-real.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { cases: VectorCase[] }).cases;
}

export interface ReferenceEncodedRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
}

/** Aggregates with aws-kinesis-agg (the reference Node implementation), collecting every encoded record. */
export function referenceAggregate(records: UserRecordInput[]): Promise<ReferenceEncodedRecord[]> {
  const encoded: ReferenceEncodedRecord[] = [];
  return new Promise((resolve, reject) => {
    awsKinesisAgg.aggregate(
      records.map((record) => ({ ...record, data: Buffer.from(record.data) })),
      (encodedRecord: ReferenceEncodedRecord, done?: () => void) => {
        encoded.push(encodedRecord);
        done?.();
      },
      () => resolve(encoded),
      (error: Error) => reject(error),
    );
  });
}

/**
 * The batch the middleware and processor tests share: three parents, an aggregate of three user
 * records (`a0`..`a2`, `a1` with an explicit hash key), a plain record (`plain`), an aggregate of
 * two (`b0`, `b1`).
 */
export const batchOfThreeParents = (): KinesisStreamEvent =>
  kinesisStreamEvent([
    aggregatedRecord([
      { partitionKey: 'a', data: 'a0' },
      { partitionKey: 'b', data: 'a1', explicitHashKey: '7' },
      { partitionKey: 'c', data: 'a2' },
    ]),
    plainRecord({ partitionKey: 'p', data: 'plain' }),
    aggregatedRecord([
      { partitionKey: 'd', data: 'b0' },
      { partitionKey: 'e', data: 'b1' },
    ]),
  ]);

/** A good aggregate (`good`, `fine`), a corrupt one, and a plain record (`plain`). */
export const batchWithCorruptAggregate = (): KinesisStreamEvent =>
  kinesisStreamEvent([
    aggregatedRecord([
      { partitionKey: 'a', data: 'good' },
      { partitionKey: 'b', data: 'fine' },
    ]),
    corruptAggregatedRecord({ partitionKey: 'a' }),
    plainRecord({ partitionKey: 'p', data: 'plain' }),
  ]);

/** The parents' sequence numbers, in batch order. */
export const sequenceNumbers = (event: KinesisStreamEvent): string[] =>
  event.Records.map((record) => record.kinesis.sequenceNumber);
export { type ConsoleLine, withConsoleLines } from './consoleLines.js';
export {
  type LocalCheckpointStore,
  type LocalCheckpointStoreOptions,
  type LocalDynamoDB,
  startLocalDynamoDB,
} from './localDynamoDB.js';
export { useLocalKinesis } from './localKinesis.js';
export { classpathOf, mavenClasspath, resolveJars, whyNoJava } from './maven.js';
export {
  README_PORTS_LOCK,
  readmeBlocks,
  runInTerminal,
  type Terminal,
  whileHolding,
} from './readmeRun.js';

/** A Lambda user record's data as text. */
export const textOf = (record: { kinesis: { data: string } }): string =>
  Buffer.from(record.kinesis.data, 'base64').toString('utf8');

/** One aggregate of five user records, `r0` to `r4`: the checkpoint tests' parent. */
export const parentOfFive = (): KinesisStreamEvent =>
  kinesisStreamEvent([
    aggregatedRecord(['r0', 'r1', 'r2', 'r3', 'r4'].map((data) => ({ partitionKey: 'k', data }))),
  ]);

/**
 * What Lambda delivers again after a partial batch response: the batch from the lowest reported
 * parent on (undefined when nothing was reported).
 */
export function retryFrom(
  event: KinesisStreamEvent,
  response: { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined,
): KinesisStreamEvent | undefined {
  const reported = new Set(response?.batchItemFailures?.map((failure) => failure.itemIdentifier));
  const first = event.Records.findIndex((record) => reported.has(record.kinesis.sequenceNumber));
  return first === -1 ? undefined : { Records: event.Records.slice(first) };
}

/**
 * A logger whose every method throws: a user's logger that breaks must not change what a
 * consumer or the producer reports or guarantees.
 */
export function throwingLogger(): KplLogger {
  const broke = (level: string) => () => {
    throw new Error(`${level} broke`);
  };
  return { debug: broke('debug'), info: broke('info'), warn: broke('warn'), error: broke('error') };
}

/**
 * A logger whose every method returns a promise that rejects, as a logger that ships lines over
 * the network does when the network fails: Node.js ends a process on a rejection nobody handles.
 */
export function rejectingLogger(): KplLogger {
  const broke = (level: string) => () => Promise.reject(new Error(`${level} could not ship`));
  return {
    debug: broke('debug') as never,
    info: broke('info') as never,
    warn: broke('warn') as never,
    error: broke('error') as never,
  };
}

/** The loggers a user may bring that fail: one that throws, one that rejects. */
export const FAILING_LOGGERS: ReadonlyArray<[string, () => KplLogger]> = [
  ['throws', throwingLogger],
  ['rejects', rejectingLogger],
];

/**
 * Runs `run` and returns what it returned and the promise rejections nobody handled meanwhile
 * (each of which would end a Node.js process): an empty list is what every package guarantees.
 */
export async function withUnhandledRejections<T>(
  run: () => Promise<T>,
): Promise<{ result: T; unhandled: unknown[] }> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const result = await run();
    // Node.js reports an unhandled rejection after the microtasks of the turn it happened in.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { result, unhandled };
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}

/** The metrics sinks a user may bring that fail: one whose addMetric throws, one that rejects. */
export const FAILING_METRICS: ReadonlyArray<[string, () => KplMetrics]> = [
  [
    'throws',
    () => ({
      addMetric: () => {
        throw new Error('metrics buffer full');
      },
    }),
  ],
  ['rejects', () => ({ addMetric: () => Promise.reject(new Error('metrics could not ship')) })],
];

/**
 * Checkpoint stores a user may bring that answer what no store should: the adapters must tell
 * Lambda what they would without them.
 */
export const NONSENSE_STORES: ReadonlyArray<[string, CheckpointStore]> = [
  ['loads undefined', { load: async () => undefined as never, save: async () => {} }],
  ['loads a plain object', { load: async () => ({}) as never, save: async () => {} }],
  [
    'loads text for each parent',
    {
      load: async (parents) => new Map(parents.map((p) => [parentKey(p), '0-4'])) as never,
      save: async () => {},
    },
  ],
  [
    'throws from load and save at once',
    {
      load: () => {
        throw new Error('no table');
      },
      save: () => {
        throw new Error('no table');
      },
    },
  ],
];
