// kplDeagg({ decode }): each user record's data decoded before the handler, failures reported
// through the parent, checkpoints exact per user record.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import {
  canDecompress,
  type KinesisStreamUserRecord,
  userRecordJson,
  userRecordText,
} from '@kpl-lambda/core';
import { kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';
import kplDeagg, { KplDeaggConfigurationError } from '@kpl-lambda/middy';
import { cloudWatchLogsBatch, retryFrom, zlibLinesBatch } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import eventNormalizer from '@middy/event-normalizer';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { context, recordingHandler, recordingLogger } from './helpers/recordingHandler.js';

const fluentBit = { compression: 'zlib', envelope: 'lines' } as const;
const nOf = (record: KinesisStreamUserRecord) => userRecordJson<{ n: number }>(record).n;
const where = ({ kinesis }: KinesisStreamUserRecord) =>
  `${kinesis.subSequenceNumber}.${kinesis.innerIndex}`;

describe('kplDeagg({ decode })', () => {
  it('hands one record per log event, with its user record’s identity, and skips health checks', async () => {
    const event = cloudWatchLogsBatch();
    const { seen, handle } = recordingHandler();
    expect(await handle(event, kplDeagg({ decode: { envelope: 'cloudwatch-logs' } }))).toEqual({
      batchItemFailures: [],
    });
    expect(seen.map((record) => userRecordText(record))).toEqual(['a0', 'a1', 'a2', 'c0']);
    expect(seen.map(({ kinesis }) => [kinesis.sequenceNumber, kinesis.innerIndex])).toEqual([
      [event.Records[0]!.kinesis.sequenceNumber, 0],
      [event.Records[0]!.kinesis.sequenceNumber, 1],
      [event.Records[0]!.kinesis.sequenceNumber, 2],
      [event.Records[2]!.kinesis.sequenceNumber, 0],
    ]);
    expect(seen[3]).toMatchObject({
      eventID: event.Records[2]!.eventID,
      kinesis: {
        partitionKey: 'g2',
        subSequenceNumber: 0,
        cloudWatchLogs: { logGroup: '/aws/lambda/orders', subscriptionFilters: ['to-kinesis'] },
      },
    });
  });

  it('reports a user record that does not decode as its parent, never hands it, and logs why', async () => {
    const event = zlibLinesBatch();
    const logger = recordingLogger();
    const { seen, handle } = recordingHandler();
    const response = await handle(event, kplDeagg({ decode: fluentBit, logger }));
    expect(seen.map(nOf)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
    expect(logger.lines.filter(([level]) => level === 'warn')).toEqual([
      [
        'warn',
        'User record data does not decode: reported as failed',
        expect.objectContaining({ subSequenceNumber: 2, reason: 'MALFORMED_COMPRESSION' }),
      ],
    ]);
  });

  it('fails a decompression bomb over maxDecodedBytes like a handler failure, and the rest goes on', async () => {
    const { gzipSync } = await import('node:zlib');
    const event = kinesisStreamEvent([
      plainRecord({ partitionKey: 'ok', data: gzipSync('{"n":1}') }),
      plainRecord({ partitionKey: 'bomb', data: gzipSync(Buffer.alloc(8 * 1024 * 1024)) }),
      plainRecord({ partitionKey: 'ok', data: gzipSync('{"n":2}') }),
    ]);
    const { seen, handle } = recordingHandler();
    const response = await handle(
      event,
      kplDeagg({
        decode: { compression: 'gzip', maxDecodedBytes: 65_536 },
        logger: recordingLogger(),
      }),
    );
    expect(seen.map(nOf)).toEqual([1, 2]);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[1]!.kinesis.sequenceNumber }],
    });
  });

  it('maps a failed log event to its parent, whatever identifier names it', async () => {
    const event = cloudWatchLogsBatch();
    const { handle } = recordingHandler((record) =>
      userRecordText(record) === 'a1'
        ? `${record.kinesis.sequenceNumber}:${record.kinesis.subSequenceNumber}:${record.kinesis.innerIndex}`
        : undefined,
    );
    expect(await handle(event, kplDeagg({ decode: { envelope: 'cloudwatch-logs' } }))).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
  });

  it('checkpoints whole user records: one whose lines partly failed runs again whole, its done siblings never', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    const runs: string[] = [];
    let failedOnce = false;
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ decode: fluentBit, checkpoints, logger: recordingLogger() }))
      .handler<KinesisStreamEvent>(
        async (event) =>
          Promise.allSettled(
            event.Records.map(async (record) => {
              runs.push(where(record));
              // The second line of user record 0 fails once.
              if (nOf(record) === 1 && !failedOnce) {
                failedOnce = true;
                throw new Error('down');
              }
            }),
          ) as never,
      );
    const event = zlibLinesBatch();
    const first = await handler(event, context);
    expect(runs).toEqual(['0.0', '0.1', '1.0', '0.0', '0.1', '0.2']);
    runs.length = 0;
    // Lambda delivers the first parent again: user record 0 runs whole, 1 was done, 2 still
    // does not decode; the plain parent after it was done too.
    const second = await handler(retryFrom(event, first)!, context);
    expect(runs).toEqual(['0.0', '0.1']);
    expect(second).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
  });

  it('counts in batchItemFailures terms: a user record reported by sub-sequence number stops the count there', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    const runs: string[] = [];
    let attempt = 0;
    const handler = middy<KinesisStreamEvent, KinesisStreamBatchResponse>()
      .use(kplDeagg({ decode: { envelope: 'cloudwatch-logs' }, checkpoints }))
      .handler<KinesisStreamEvent>(async (event) => {
        attempt++;
        for (const record of event.Records) {
          runs.push(userRecordText(record));
          if (attempt === 1 && userRecordText(record) === 'c0') {
            const { sequenceNumber, subSequenceNumber } = record.kinesis;
            return {
              batchItemFailures: [{ itemIdentifier: `${sequenceNumber}:${subSequenceNumber}` }],
            };
          }
        }
        return { batchItemFailures: [] };
      });
    const event = cloudWatchLogsBatch();
    const first = await handler(event, context);
    expect(await handler(retryFrom(event, first)!, context)).toEqual({ batchItemFailures: [] });
    expect(runs).toEqual(['a0', 'a1', 'a2', 'c0', 'c0']);
  });

  it('lets the filter see decoded records, and event-normalizer parse them after it', async () => {
    const event = zlibLinesBatch();
    const { seen, handle } = recordingHandler();
    await handle(
      event,
      kplDeagg({
        decode: fluentBit,
        filter: (record) => nOf(record) % 2 === 0,
        logger: recordingLogger(),
      }),
      eventNormalizer(),
    );
    expect(seen.map(({ kinesis }) => kinesis.data as unknown)).toEqual([
      { n: 0 },
      { n: 2 },
      { n: 4 },
    ]);
  });

  it('hands a corrupt aggregate passed through as it is, undecoded', async () => {
    const { corruptAggregatedRecord } = await import('@kpl-lambda/core/testing');
    const { seen, handle } = recordingHandler();
    await handle(
      kinesisStreamEvent([corruptAggregatedRecord()]),
      kplDeagg({ decode: fluentBit, logger: recordingLogger() }),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]!.kinesis.deaggregationError).toBeDefined();
    expect(seen[0]!.kinesis.innerIndex).toBeUndefined();
  });

  it('counts decoded records and decode failures in the metrics; failed user records once each', async () => {
    const added: Array<[string, string, number]> = [];
    const metrics = {
      addMetric: (name: string, unit: string, value: number) => added.push([name, unit, value]),
    };
    const { handle } = recordingHandler((record) =>
      nOf(record) >= 3 ? record.kinesis.sequenceNumber : undefined,
    );
    await handle(
      zlibLinesBatch(),
      kplDeagg({ decode: fluentBit, metrics, logger: recordingLogger() }),
    );
    expect(Object.fromEntries(added.map(([name, , value]) => [name, value]))).toMatchObject({
      KplUserRecords: 4,
      KplDecodedRecords: 6,
      KplPayloadDecodeFailures: 1,
      // The plain parent's user record (three lines reported) and the one that did not decode.
      KplFailedUserRecords: 2,
      KplParentsReported: 2,
    });
  });

  it('counts the user records handed as failed when the handler throws', async () => {
    const metrics = new Metrics({ namespace: 'logs', serviceName: 'consumer' });
    const added: Record<string, number> = {};
    metrics.addMetric = ((name: string, _unit: string, value: number) => {
      added[name] = value;
    }) as never;
    const handler = middy<KinesisStreamEvent>()
      .use(kplDeagg({ decode: fluentBit, metrics, logger: recordingLogger() }))
      .handler<KinesisStreamEvent>(async () => {
        throw new Error('down');
      });
    await expect(handler(zlibLinesBatch(), context)).rejects.toThrow('down');
    expect(added).toMatchObject({ KplFailedUserRecords: 4, KplPayloadDecodeFailures: 1 });
  });

  it.each([
    [{ compresion: 'gzip' }, 'decode.compresion'],
    [{ envelope: 'json' }, 'decode.envelope'],
    [{}, 'decode.compression'],
    [{ compression: 'gzip', maxDecodedBytes: -1 }, 'decode.maxDecodedBytes'],
  ])('refuses decode %j when kplDeagg() is called, naming %s', (decode, option) => {
    expect(() => kplDeagg({ decode: decode as never })).toThrow(
      expect.objectContaining({ name: 'KplDeaggConfigurationError', option }),
    );
  });

  it('refuses a decode that is not an object, and zstd where Node.js lacks it', () => {
    expect(() => kplDeagg({ decode: 'gzip' as never })).toThrow(KplDeaggConfigurationError);
    if (canDecompress('zstd'))
      expect(() => kplDeagg({ decode: { compression: 'zstd' } })).not.toThrow();
    else expect(() => kplDeagg({ decode: { compression: 'zstd' } })).toThrow(/Node\.js 22\.15/);
  });
});
