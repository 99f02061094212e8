// KplBatchProcessor({ decode }): each user record's data decoded before the record handler and
// the parser, failures reported through the parent, checkpoints and windows exact per user record.
import { FullBatchFailureError, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { Base64Encoded } from '@aws-lambda-powertools/parser/helpers';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import {
  canDecompress,
  type KinesisStreamUserRecord,
  type KinesisTumblingWindow,
  KplPayloadDecodeError,
  userRecordJson,
  userRecordText,
} from '@kpl-lambda/core';
import { corruptAggregatedRecord, kinesisStreamEvent } from '@kpl-lambda/core/testing';
import {
  KplBatchConfigurationError,
  KplBatchProcessor,
  KplCorruptAggregateError,
  processTumblingWindow,
} from '@kpl-lambda/powertools';
import {
  KinesisUserRecordPayloadSchema,
  KinesisUserRecordSchema,
} from '@kpl-lambda/powertools/schemas';
import { cloudWatchLogsBatch, retryFrom, zlibLinesBatch } from '@kpl-lambda/testing-utils';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { z } from 'zod';

const context = {} as Context;
const logger = { debug() {}, info() {}, warn() {}, error() {} };
const fluentBit = { compression: 'zlib', envelope: 'lines' } as const;
const nOf = (record: KinesisStreamUserRecord) => userRecordJson<{ n: number }>(record).n;
const where = ({ kinesis }: KinesisStreamUserRecord) =>
  `${kinesis.subSequenceNumber}.${kinesis.innerIndex}`;

describe.each([
  ['in parallel', true],
  ['sequentially', false],
])('KplBatchProcessor({ decode }) %s', (_, processInParallel) => {
  const run = (
    event: KinesisStreamEvent,
    recordHandler: (record: KinesisStreamUserRecord) => unknown,
    processor: KplBatchProcessor,
  ) => processPartialResponse(event, recordHandler, processor, { context, processInParallel });

  it('hands one record per log event with its user record’s identity, and skips health checks', async () => {
    const event = cloudWatchLogsBatch();
    const seen: KinesisStreamUserRecord[] = [];
    const response = await run(
      event,
      async (record) => {
        seen.push(record);
      },
      new KplBatchProcessor({ decode: { envelope: 'cloudwatch-logs' } }),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen.map((record) => userRecordText(record)).sort()).toEqual(['a0', 'a1', 'a2', 'c0']);
    const c0 = seen.find((record) => userRecordText(record) === 'c0')!;
    expect(c0).toMatchObject({
      eventID: event.Records[2]!.eventID,
      kinesis: {
        sequenceNumber: event.Records[2]!.kinesis.sequenceNumber,
        subSequenceNumber: 0,
        innerIndex: 0,
        cloudWatchLogs: { logGroup: '/aws/lambda/orders' },
      },
    });
  });

  it('fails a user record that does not decode without calling the handler, as its parent', async () => {
    const event = zlibLinesBatch();
    const seen: number[] = [];
    const processor = new KplBatchProcessor({ decode: fluentBit, logger });
    const response = await run(
      event,
      async (record) => {
        seen.push(nOf(record));
      },
      processor,
    );
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
    expect(processor.errors).toEqual([expect.any(KplPayloadDecodeError)]);
    expect(processor.errors[0]).toMatchObject({
      reason: 'MALFORMED_COMPRESSION',
      subSequenceNumber: 2,
    });
  });

  it('checkpoints whole user records: one whose lines partly failed runs again whole', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    const runs: string[] = [];
    let failedOnce = false;
    const recordHandler = async (record: KinesisStreamUserRecord) => {
      runs.push(where(record));
      if (nOf(record) === 1 && !failedOnce) {
        failedOnce = true;
        throw new Error('down');
      }
    };
    const processor = () => new KplBatchProcessor({ decode: fluentBit, checkpoints, logger });
    const event = zlibLinesBatch();
    const first = await run(event, recordHandler, processor());
    expect(runs.sort()).toEqual(['0.0', '0.0', '0.1', '0.1', '0.2', '1.0']);
    runs.length = 0;
    const second = await run(retryFrom(event, first)!, recordHandler, processor());
    expect(runs.sort()).toEqual(['0.0', '0.1']);
    expect(second).toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    });
  });

  it('fails the whole batch when every record fails, decode failures included', async () => {
    await expect(
      run(
        zlibLinesBatch(),
        async () => {
          throw new Error('down');
        },
        new KplBatchProcessor({ decode: fluentBit, logger }),
      ),
    ).rejects.toThrow(FullBatchFailureError);
  });
});

describe('KplBatchProcessor({ decode }) with the parser', () => {
  it('parses each decoded record with innerSchema and keeps its position and log event', async () => {
    const seen: unknown[] = [];
    const processor = new KplBatchProcessor({
      decode: { envelope: 'cloudwatch-logs' },
      parser,
      innerSchema: z.string().regex(/^[a-c]\d$/),
      transformer: 'base64',
      logger,
    });
    await processPartialResponse(
      cloudWatchLogsBatch(),
      async (record: KinesisStreamUserRecord) => {
        seen.push(record.kinesis);
      },
      processor,
      { context, processInParallel: false },
    );
    expect(seen).toEqual([
      expect.objectContaining({
        data: 'a0',
        innerIndex: 0,
        cloudWatchLogs: expect.objectContaining({ logStream: expect.any(String) }),
      }),
      expect.objectContaining({ data: 'a1', innerIndex: 1 }),
      expect.objectContaining({ data: 'a2', innerIndex: 2 }),
      expect.objectContaining({ data: 'c0', innerIndex: 0, subSequenceNumber: 0 }),
    ]);
  });

  it('parses decoded JSON lines with a full schema built on the shipped one, which keeps innerIndex', async () => {
    const schema = KinesisUserRecordSchema.extend({
      kinesis: KinesisUserRecordPayloadSchema.extend({
        data: Base64Encoded(z.object({ n: z.number().int() })),
      }),
    });
    const seen: Array<[number, number | undefined]> = [];
    const processor = new KplBatchProcessor({ decode: fluentBit, parser, schema, logger });
    const response = await processPartialResponse(
      zlibLinesBatch(),
      async (record: z.infer<typeof schema>) => {
        seen.push([record.kinesis.data.n, record.kinesis.innerIndex]);
      },
      processor,
      { context, processInParallel: false },
    );
    expect(seen).toEqual([
      [0, 0],
      [1, 1],
      [2, 0],
      [3, 0],
      [4, 1],
      [5, 2],
    ]);
    expect(response.batchItemFailures).toHaveLength(1);
  });
});

describe('KplBatchProcessor({ decode }) metrics, options and windows', () => {
  it('counts user records as such, the decoded records and the decode failures', async () => {
    const added: Record<string, number> = {};
    const metrics = {
      addMetric: (name: string, _unit: string, value: number) => {
        added[name] = value;
      },
    };
    await processPartialResponse(
      zlibLinesBatch(),
      async (record: KinesisStreamUserRecord) => {
        if (nOf(record) >= 3) throw new Error('down');
      },
      new KplBatchProcessor({ decode: fluentBit, metrics, logger }),
      { context },
    );
    expect(added).toMatchObject({
      KplParentRecords: 2,
      KplUserRecords: 4,
      KplAggregatedUserRecords: 3,
      KplDecodedRecords: 6,
      KplPayloadDecodeFailures: 1,
      KplFailedUserRecords: 2,
      KplParentsReported: 2,
    });
  });

  it.each([
    [{ compresion: 'gzip' }, 'decode.compresion'],
    [{ envelope: 'xml' }, 'decode.envelope'],
    [{ compression: 'none' }, 'decode.compression'],
    ['gzip', 'decode'],
  ])('refuses decode %j when made, naming %s', (decode, option) => {
    const make = () => new KplBatchProcessor({ decode: decode as never });
    expect(make).toThrow(KplBatchConfigurationError);
    expect(make).toThrow(expect.objectContaining({ option }));
  });

  it('leaves a corrupt aggregate undecoded, to onCorrupt', async () => {
    const processor = new KplBatchProcessor({ decode: fluentBit, onCorrupt: 'fail', logger });
    const event = kinesisStreamEvent([corruptAggregatedRecord()]);
    await expect(
      processPartialResponse(event, async () => undefined, processor, { context }),
    ).rejects.toThrow(FullBatchFailureError);
    expect(processor.errors).toEqual([expect.any(KplCorruptAggregateError)]);
  });

  it('takes zstd where Node.js has it', () => {
    const make = () => new KplBatchProcessor({ decode: { compression: 'zstd' } });
    if (canDecompress('zstd')) expect(make).not.toThrow();
    else expect(make).toThrow(/Node\.js 22\.15/);
  });

  it('folds into a window the records of user records done whole, once, after a retry', async () => {
    type Totals = Record<string, number>;
    const inWindow = (event: KinesisStreamEvent, state: Totals) =>
      ({
        ...event,
        window: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z' },
        state,
        shardId: 'shardId-000000000000',
        eventSourceARN: event.Records[0]!.eventSourceARN,
        isFinalInvokeForWindow: false,
        isWindowTerminatedEarly: false,
      }) as KinesisStreamEvent & KinesisTumblingWindow<Totals>;
    let failedOnce = false;
    const recordHandler = async (record: KinesisStreamUserRecord) => {
      if (nOf(record) === 1 && !failedOnce) {
        failedOnce = true;
        throw new Error('down');
      }
      return nOf(record);
    };
    const options = {
      context,
      reduceState: (totals: Totals, n: number) => ({
        ...totals,
        sum: (totals.sum ?? 0) + n,
        count: (totals.count ?? 0) + 1,
      }),
    };
    const event = zlibLinesBatch();
    const processor = () => new KplBatchProcessor({ decode: fluentBit, logger });
    const first = await processTumblingWindow(
      inWindow(event, {}),
      recordHandler,
      processor(),
      options,
    );
    // Line 0 succeeded, but its user record did not: it is not in the state yet.
    expect(first.state).toMatchObject({ sum: 2 + 3 + 4 + 5, count: 4 });
    const retry = retryFrom(event, first)!;
    const second = await processTumblingWindow(
      inWindow(retry, first.state),
      recordHandler,
      processor(),
      options,
    );
    expect(second.state).toMatchObject({ sum: 15, count: 6 });
  });
});
