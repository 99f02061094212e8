// redrive() against a local Kinesis (kinesalite): it reads a given-up batch's parents back, runs
// what the store does not have as done, and records what ran.
import { PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { type RedriveOptions, redrive } from '@kpl-lambda/checkpoints/redrive';
import { aggregate, type ParentRecordId, SubSequenceSet } from '@kpl-lambda/core';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { batchInfoOf } from './helpers/batchInfoOf.js';
import { keepingTexts } from './helpers/keepingTexts.js';
import { refusal } from './helpers/refusal.js';

const kinesis = useLocalKinesis();
let streams = 0;

/**
 * A one-shard stream holding three aggregates of four user records `p<parent>-<i>`, and a batch of
 * the first two.
 */
async function streamOfThreeParents() {
  const streamName = `redrive-${++streams}`;
  await kinesis().createStream(streamName, 1);
  const Records = [0, 1, 2].map((p) => {
    const [aggregated] = aggregate(
      [0, 1, 2, 3].map((i) => ({ partitionKey: 'k', data: `p${p}-${i}` })),
      { aggregateSingleRecord: true },
    );
    return { PartitionKey: 'k', Data: aggregated!.data };
  });
  const { Records: written = [] } = await kinesis().client.send(
    new PutRecordsCommand({ StreamName: streamName, Records }),
  );
  const batchInfo = batchInfoOf(streamName, written[0]!, written[1]!);
  const parents = written.map(
    (entry): ParentRecordId => ({
      streamArn: batchInfo.streamArn,
      shardId: entry.ShardId!,
      sequenceNumber: entry.SequenceNumber!,
    }),
  );
  return { streamName, batchInfo, parents };
}

describe('redrive', () => {
  it('runs the given-up parents, only what is not done, and records what ran', async () => {
    const { batchInfo, parents } = await streamOfThreeParents();
    const checkpoints = new InMemoryCheckpointStore();
    await checkpoints.save([{ parent: parents[0]!, done: SubSequenceSet.of([0, 1, 3]) }]);
    const ran: string[] = [];

    const report = await redrive({
      kinesis: kinesis().client,
      checkpoints,
      batchInfo,
      handler: (userRecord) => {
        const text = Buffer.from(userRecord.data).toString();
        if (text === 'p1-1') throw new Error('still failing');
        ran.push(text);
      },
    });

    // The third parent is after the batch's end: not read.
    expect(ran).toEqual(['p0-2', 'p1-0', 'p1-2', 'p1-3']);
    expect(report).toMatchObject({ ran: 4, skipped: 3, complete: true });
    expect(report.failed).toEqual([
      {
        sequenceNumber: parents[1]!.sequenceNumber,
        subSequenceNumber: 1,
        error: expect.any(Error),
      },
    ]);

    const second: string[] = [];
    await redrive({
      kinesis: kinesis().client,
      checkpoints,
      batchInfo,
      handler: keepingTexts(second),
    });
    expect(second).toEqual(['p1-1']);
  });

  it('reads a shard that a reshard has closed', async () => {
    const { streamName, batchInfo } = await streamOfThreeParents();
    await kinesis().client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: batchInfo.shardId,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    const ran: string[] = [];

    const report = await redrive({
      kinesis: kinesis().client,
      checkpoints: new InMemoryCheckpointStore(),
      batchInfo,
      handler: keepingTexts(ran),
    });

    expect(report).toMatchObject({ ran: 8, skipped: 0, failed: [] });
    expect(ran[0]).toBe('p0-0');
  });
});

describe('redrive on a service-managed stream', () => {
  it('runs records written without a partition key, and records them as done', async () => {
    await kinesis().createStream('redrive-auto', 1, { recordDistribution: 'AUTO' });
    const [aggregated] = aggregate(
      ['a', 'b'].map((key) => ({ partitionKey: key, data: `in ${key}` })),
      { aggregateSingleRecord: true },
    );
    const { Records: written = [] } = await kinesis().client.send(
      new PutRecordsCommand({
        StreamName: 'redrive-auto',
        Records: [{ Data: Buffer.from('no key') }, { Data: aggregated!.data }],
      }),
    );
    const batchInfo = batchInfoOf('redrive-auto', written[0]!, written[1]!);
    const checkpoints = new InMemoryCheckpointStore();
    const ran: Array<[string | undefined, string]> = [];
    const handler: RedriveOptions['handler'] = (userRecord) => {
      ran.push([userRecord.partitionKey, Buffer.from(userRecord.data).toString()]);
    };

    expect(await redrive({ kinesis: kinesis().client, checkpoints, batchInfo, handler })).toEqual({
      ran: 3,
      skipped: 0,
      failed: [],
      complete: true,
    });
    expect(ran).toEqual([
      [undefined, 'no key'],
      ['a', 'in a'],
      ['b', 'in b'],
    ]);
    expect(await redrive({ kinesis: kinesis().client, checkpoints, batchInfo, handler })).toEqual({
      ran: 0,
      skipped: 3,
      failed: [],
      complete: true,
    });
  });
});

describe('redrive without recording', () => {
  it('reads the store but never writes to it with recordDone: false', async () => {
    const { batchInfo, parents } = await streamOfThreeParents();
    const checkpoints = new InMemoryCheckpointStore();
    await checkpoints.save([{ parent: parents[0]!, done: SubSequenceSet.of([0, 1]) }]);
    const writesBefore = checkpoints.counters.writes;
    const shown: string[] = [];

    const dryRun = await redrive({
      kinesis: kinesis().client,
      checkpoints,
      batchInfo,
      recordDone: false,
      handler: keepingTexts(shown),
    });

    expect(dryRun).toMatchObject({ ran: 6, skipped: 2, failed: [], complete: true });
    expect(shown).toEqual(['p0-2', 'p0-3', 'p1-0', 'p1-1', 'p1-2', 'p1-3']);
    expect(checkpoints.counters.writes).toBe(writesBefore);
    // What was only shown is run by the real redrive.
    const ran: string[] = [];
    await redrive({
      kinesis: kinesis().client,
      checkpoints,
      batchInfo,
      handler: keepingTexts(ran),
    });
    expect(ran).toEqual(shown);
  });
});

describe('redrive stopped by its signal', () => {
  it('finishes the user record running, records what ran, and says it is not complete', async () => {
    const { batchInfo } = await streamOfThreeParents();
    const checkpoints = new InMemoryCheckpointStore();
    const controller = new AbortController();
    const first: string[] = [];

    const stopped = await redrive({
      kinesis: kinesis().client,
      checkpoints,
      batchInfo,
      signal: controller.signal,
      handler: (userRecord) => {
        first.push(Buffer.from(userRecord.data).toString());
        if (first.length === 3) controller.abort();
      },
    });

    expect(stopped).toMatchObject({ ran: 3, skipped: 0, failed: [], complete: false });
    const rest: string[] = [];
    const again = await redrive({
      kinesis: kinesis().client,
      checkpoints,
      batchInfo,
      handler: keepingTexts(rest),
    });
    expect(again).toMatchObject({ ran: 5, skipped: 3, complete: true });
    expect([...first, ...rest]).toEqual(
      [0, 1].flatMap((p) => [0, 1, 2, 3].map((i) => `p${p}-${i}`)),
    );
  });
});

describe('redrive options', () => {
  const batchInfo = {
    shardId: 'shardId-000000000000',
    startSequenceNumber: '1',
    endSequenceNumber: '2',
    streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
  };
  const valid = (): RedriveOptions => ({
    kinesis: kinesis().client,
    checkpoints: new InMemoryCheckpointStore(),
    batchInfo,
    handler: () => undefined,
  });

  it('names the field of batchInfo that is missing, instead of a TypeError', async () => {
    const { batchInfo: _, ...withoutBatchInfo } = valid();
    expect(await refusal(withoutBatchInfo)).toEqual({
      option: 'batchInfo',
      message: expect.stringContaining('batchInfo is required'),
    });
    expect(await refusal({ ...valid(), batchInfo: null })).toEqual({
      option: 'batchInfo',
      message: expect.stringMatching(/^batchInfo is required: .* got null$/),
    });
    const { shardId: __, ...withoutShard } = batchInfo;
    expect(await refusal({ ...valid(), batchInfo: withoutShard })).toEqual({
      option: 'batchInfo.shardId',
      message: expect.stringContaining('batchInfo.shardId is missing'),
    });
    expect(
      await refusal({ ...valid(), batchInfo: { ...batchInfo, endSequenceNumber: 'latest' } }),
    ).toEqual({
      option: 'batchInfo.endSequenceNumber',
      message: 'batchInfo.endSequenceNumber must be a sequence number (decimal digits), got latest',
    });
  });

  it('refuses an unknown option with the closest known one', async () => {
    expect(await refusal({ ...valid(), recordDon: false })).toEqual({
      option: 'recordDon',
      message: 'Unknown option recordDon: did you mean recordDone?',
    });
  });

  it('refuses what it cannot call', async () => {
    expect((await refusal(undefined)).option).toBe('options');
    expect((await refusal({ ...valid(), kinesis: {} })).option).toBe('kinesis');
    expect((await refusal({ ...valid(), checkpoints: undefined })).option).toBe('checkpoints');
    expect((await refusal({ ...valid(), checkpoints: { load: () => 1 } })).option).toBe(
      'checkpoints',
    );
    expect((await refusal({ ...valid(), handler: 'print' })).option).toBe('handler');
    expect((await refusal({ ...valid(), recordDone: 'no' })).option).toBe('recordDone');
    expect((await refusal({ ...valid(), signal: {} })).option).toBe('signal');
  });
});
