import { PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { KplConfigurationError } from '@kpl-lambda/core';
import {
  type KinesisOnFailureRecord,
  KplDrainStoppedError,
} from '@kpl-lambda/local-event-source-mapping';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { mappingsOf } from './helpers/mappingsOf.js';

let kinesis: LocalKinesis;
let streams = 0;
beforeAll(async () => {
  kinesis = await startLocalKinesis();
});
afterAll(() => kinesis.stop());

/** A stream holding `count` records `r0`, `r1`, ... in one shard. */
async function streamOf(count: number, shards = 1) {
  const streamName = `esm-${++streams}`;
  await kinesis.createStream(streamName, shards);
  await write(streamName, 0, count);
  return streamName;
}

async function write(streamName: string, from: number, to: number, size = 0) {
  const perCall = size > 0 ? 4 : 500;
  for (let start = from; start < to; start += perCall) {
    const Records = [];
    for (let i = start; i < Math.min(to, start + perCall); i++) {
      Records.push({
        PartitionKey: `key-${i}`,
        Data: Buffer.from(size ? `r${i}:${'x'.repeat(size)}` : `r${i}`),
      });
    }
    await kinesis.client.send(new PutRecordsCommand({ StreamName: streamName, Records }));
  }
}

const text = (record: KinesisStreamRecord) =>
  Buffer.from(record.kinesis.data, 'base64').toString().split(':')[0]!;

/** A handler that records each delivery and answers with what `respond` says. */
function recorder(respond: (event: KinesisStreamEvent) => unknown = () => undefined) {
  const deliveries: string[][] = [];
  const handler = async (event: KinesisStreamEvent) => {
    deliveries.push(event.Records.map(text));
    return respond(event);
  };
  return { deliveries, handler };
}

const mapping = mappingsOf(() => kinesis);

describe('KinesisEventSourceMapping', () => {
  it('delivers a record written without a partition key with partitionKey null, as Lambda does', async () => {
    const streamName = `esm-${++streams}`;
    await kinesis.createStream(streamName, 1, { recordDistribution: 'AUTO' });
    await kinesis.client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: [{ Data: Buffer.from('r0') }, { Data: Buffer.from('r1'), PartitionKey: 'k' }],
      }),
    );
    const keys: unknown[] = [];
    await mapping(streamName, {
      handler: (event) => {
        keys.push(...event.Records.map((record) => record.kinesis.partitionKey));
      },
    }).drain();
    expect(keys).toEqual([null, 'k']);
  });

  it('delivers every record once, in order, in batches of batchSize, as Lambda shapes them', async () => {
    const streamName = await streamOf(250);
    const { deliveries, handler } = recorder();
    let first: KinesisStreamEvent | undefined;

    await mapping(streamName, {
      batchSize: 100,
      handler: (event, context) => {
        first ??= event;
        expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
        return handler(event);
      },
    }).drain();

    expect(deliveries.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(deliveries.flat()).toEqual(Array.from({ length: 250 }, (_, i) => `r${i}`));
    const record = first!.Records[0]!;
    expect(record).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'key-0',
        sequenceNumber: expect.stringMatching(/^\d{56}$/),
        data: Buffer.from('r0').toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${record.kinesis.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: expect.stringMatching(/^arn:aws:iam::/),
      awsRegion: 'us-east-1',
      eventSourceARN: expect.stringMatching(new RegExp(`:stream/${streamName}$`)),
    });
  });

  it('checkpoints before the lowest reported failure and retries from it', async () => {
    const streamName = await streamOf(10);
    let failed = false;
    const { deliveries, handler } = recorder((event) => {
      const r5 = event.Records.find((record) => text(record) === 'r5');
      const r7 = event.Records.find((record) => text(record) === 'r7');
      if (failed || !r5 || !r7) return { batchItemFailures: [] };
      failed = true;
      return {
        batchItemFailures: [
          { itemIdentifier: r7.kinesis.sequenceNumber },
          { itemIdentifier: r5.kinesis.sequenceNumber },
        ],
      };
    });
    const esm = mapping(streamName, {
      handler,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });

    await esm.drain();

    expect(deliveries).toEqual([
      Array.from({ length: 10 }, (_, i) => `r${i}`),
      ['r5', 'r6', 'r7', 'r8', 'r9'],
    ]);
    expect(esm.counters).toMatchObject({ invocations: 2, retries: 1, recordsDelivered: 15 });
  });

  it('ignores partial batch responses unless ReportBatchItemFailures is on', async () => {
    const streamName = await streamOf(3);
    const { deliveries, handler } = recorder((event) => ({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }],
    }));

    await mapping(streamName, { handler }).drain();

    expect(deliveries).toHaveLength(1);
  });

  it.each([
    ['an empty identifier', ''],
    ['an identifier of no record of the batch', '12345'],
  ])('takes %s as a failure of the whole batch', async (_, itemIdentifier) => {
    const streamName = await streamOf(3);
    const { deliveries, handler } = recorder(() => ({ batchItemFailures: [{ itemIdentifier }] }));
    const esm = mapping(streamName, {
      handler,
      functionResponseTypes: ['ReportBatchItemFailures'],
      maximumRetryAttempts: 1,
    });

    await esm.drain();

    expect(deliveries).toEqual([
      ['r0', 'r1', 'r2'],
      ['r0', 'r1', 'r2'],
    ]);
    expect(esm.counters.invalidResponses).toBe(2);
  });

  it('bisects a failing batch down to the poison record and gives it up after its retries', async () => {
    const streamName = await streamOf(8);
    const givenUp: KinesisOnFailureRecord[] = [];
    const { deliveries, handler } = recorder((event) => {
      if (event.Records.some((record) => text(record) === 'r5')) throw new Error('poison');
    });
    const esm = mapping(streamName, {
      handler,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      onFailure: (record) => {
        givenUp.push(record);
      },
    });

    await esm.drain();

    expect(deliveries).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'],
      ['r0', 'r1', 'r2', 'r3'],
      ['r4', 'r5', 'r6', 'r7'],
      ['r4', 'r5'],
      ['r4'],
      ['r5'],
      // In order, as Lambda: the poison record is given up before the records after it go on.
      ['r6', 'r7'],
    ]);
    expect(givenUp).toHaveLength(1);
    expect(givenUp[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 },
      responseContext: { functionError: 'Unhandled' },
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        batchSize: 1,
        streamArn: expect.stringContaining(streamName),
      },
    });
    expect(givenUp[0]!.KinesisBatchInfo.startSequenceNumber).toBe(
      givenUp[0]!.KinesisBatchInfo.endSequenceNumber,
    );
    expect(esm.counters).toMatchObject({ bisections: 3, batchesGivenUp: 1 });
  });

  it('retries a failing batch whole without bisection, then gives it up', async () => {
    const streamName = await streamOf(4);
    const givenUp: KinesisOnFailureRecord[] = [];
    const { deliveries, handler } = recorder(() => {
      throw new Error('down');
    });

    await mapping(streamName, {
      handler,
      maximumRetryAttempts: 2,
      onFailure: (record) => void givenUp.push(record),
    }).drain();

    expect(deliveries).toHaveLength(3);
    expect(givenUp.map((record) => record.KinesisBatchInfo.batchSize)).toEqual([4]);
  });

  it('keeps each event within the 6 MB payload limit', async () => {
    const streamName = `esm-${++streams}`;
    await kinesis.createStream(streamName, 1);
    await write(streamName, 0, 12, 900_000);
    const sizes: number[] = [];

    await mapping(streamName, {
      batchSize: 10,
      handler: (event) => {
        sizes.push(JSON.stringify(event).length);
      },
    }).drain();

    expect(sizes.every((size) => size <= 6_291_456)).toBe(true);
    expect(sizes.length).toBeGreaterThan(2);
  });

  it('reads a parent shard to its end before its children, after SplitShard', async () => {
    const streamName = await streamOf(50);
    await kinesis.client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await write(streamName, 50, 100);
    const shardsInOrder: string[] = [];
    const { deliveries, handler } = recorder();

    await mapping(streamName, {
      handler: (event) => {
        shardsInOrder.push(event.Records[0]!.eventID.split(':')[0]!);
        return handler(event);
      },
    }).drain();

    expect(deliveries.flat().sort()).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`).sort());
    expect(shardsInOrder[0]).toBe('shardId-000000000000');
    expect(shardsInOrder.slice(1).every((shard) => shard !== 'shardId-000000000000')).toBe(true);
  });

  it('delivers only what is new when drained again', async () => {
    const streamName = await streamOf(5);
    const { deliveries, handler } = recorder();
    const esm = mapping(streamName, { handler });

    await esm.drain();
    await write(streamName, 5, 7);
    await esm.drain();

    expect(deliveries).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4'],
      ['r5', 'r6'],
    ]);
  });
});

describe('a handler that always fails, retried for ever (maximumRetryAttempts: -1)', () => {
  const alwaysFailing = async () => {
    throw new Error('always');
  };

  it('stops drain() after timeoutMs, and never starves timers meanwhile', async () => {
    const streamName = await streamOf(3);
    const esm = mapping(streamName, { handler: alwaysFailing });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);

    await expect(esm.drain({ timeoutMs: 300 })).rejects.toThrow(KplDrainStoppedError);
    clearInterval(ticker);

    expect(ticks).toBeGreaterThan(5);
    expect(esm.counters.retries).toBeGreaterThan(10);
  });

  it('starts no retry once stopped, even one already waiting for its turn', async () => {
    const abort = new AbortController();
    const esm = mapping(await streamOf(1), {
      handler: async () => {
        // Stopped while the retry waits for its turn, after the failure was read.
        setImmediate(() => abort.abort());
        throw new Error('always');
      },
    });

    await expect(esm.drain({ signal: abort.signal })).rejects.toThrow(KplDrainStoppedError);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(esm.counters.invocations).toBe(1);
  });

  it('stops drain() when its signal aborts', async () => {
    const esm = mapping(await streamOf(1), { handler: alwaysFailing });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);

    await expect(
      esm.drain({ signal: abort.signal, timeoutMs: Number.POSITIVE_INFINITY }),
    ).rejects.toThrow('aborted');
  });
});

describe('a handler whose promise never settles', () => {
  /** A handler that never settles, and a promise of its first call. */
  const hanging = () => {
    let started: () => void = () => {};
    const whenStarted = new Promise<void>((resolve) => (started = resolve));
    const handler = () => {
      started();
      return new Promise<never>(() => {});
    };
    return { handler, whenStarted };
  };

  it('stops drain() after timeoutMs all the same', async () => {
    const { handler } = hanging();
    const esm = mapping(await streamOf(2), { handler });

    // Long enough for the first invocation to start on a loaded machine; it then never ends.
    await expect(esm.drain({ timeoutMs: 1_000 })).rejects.toThrow(KplDrainStoppedError);
    expect(esm.counters.invocations).toBe(1);
  });

  it('stops drain() when its signal aborts, during the wait or before it', async () => {
    const { handler, whenStarted } = hanging();
    const esm = mapping(await streamOf(2), { handler });
    const abort = new AbortController();
    void whenStarted.then(() => abort.abort(new Error('test over')));

    await expect(
      esm.drain({ signal: abort.signal, timeoutMs: Number.POSITIVE_INFINITY }),
    ).rejects.toThrow(expect.objectContaining({ name: 'KplDrainStoppedError' }));
    expect(esm.counters.invocations).toBe(1);
    await expect(esm.drain({ signal: abort.signal })).rejects.toThrow(KplDrainStoppedError);
  });

  it('delivers nothing more once stopped, and the next drain() resumes after the handler settles', async () => {
    let release: (() => void) | undefined;
    const deliveries: string[][] = [];
    const abort = new AbortController();
    const esm = mapping(await streamOf(2), {
      batchSize: 1,
      handler: async (event: KinesisStreamEvent) => {
        deliveries.push(event.Records.map(text));
        if (deliveries.length === 1) {
          abort.abort();
          await new Promise<void>((resolve) => (release = resolve));
        }
      },
    });

    await expect(esm.drain({ signal: abort.signal })).rejects.toThrow(KplDrainStoppedError);
    const next = esm.drain();
    await new Promise((resolve) => setTimeout(resolve, 30));
    // One batch in flight per shard: the second drain waits for the hung one.
    expect(deliveries).toEqual([['r0']]);
    release!();
    await next;

    expect(deliveries).toEqual([['r0'], ['r1']]);
  });
});

describe('KinesisEventSourceMapping options', () => {
  it.each([
    [{ batchSize: 0 }, 'batchSize'],
    [{ batchsize: 10 }, 'batchsize'],
    [{ maximumRetryAttempt: 1 }, 'maximumRetryAttempt'],
    [{ onFailure: 'queue' }, 'onFailure'],
    [{ streamName: '' }, 'streamName'],
    [{ client: {} }, 'client'],
    [{ maximumRetryAttempts: -2 }, 'maximumRetryAttempts'],
    [{ handler: 'not a function' }, 'handler'],
  ])('refuses %j, naming the option', (options, option) => {
    expect(() => mapping('s', options as never)).toThrow(KplConfigurationError);
    expect(() => mapping('s', options as never)).toThrow(expect.objectContaining({ option }));
  });

  it.each([
    [{ timeout: 10 }, 'timeout'],
    [{ timeoutMs: 2 ** 31 }, 'timeoutMs'],
    [{ timeoutMs: -1 }, 'timeoutMs'],
  ])('drain() refuses %j, naming the option', async (options, option) => {
    const esm = mapping(await streamOf(0), {});
    await expect(esm.drain(options as never)).rejects.toThrow(expect.objectContaining({ option }));
  });
});

describe('an onInvoke report that throws', () => {
  it('changes nothing delivered or checkpointed', async () => {
    const { deliveries, handler } = recorder();
    const esm = mapping(await streamOf(3), {
      handler,
      onInvoke: () => {
        throw new Error('progress bar broke');
      },
    });

    await esm.drain();
    await esm.drain();

    expect(deliveries).toEqual([['r0', 'r1', 'r2']]);
  });
});
