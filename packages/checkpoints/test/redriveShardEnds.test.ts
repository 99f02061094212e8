// redrive() of a batch whose end its shard does not hold: it runs and records what it read, then
// fails closed naming the end, whether the shard is open (caught up) or closed by a reshard.
import { PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { InMemoryCheckpointStore, KplRedriveRecordsMissingError } from '@kpl-lambda/checkpoints';
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import { useLocalKinesis } from '@kpl-lambda/testing-utils';
import { batchInfoOf } from './helpers/batchInfoOf.js';
import { keepingTexts } from './helpers/keepingTexts.js';

const kinesis = useLocalKinesis();
let streams = 0;

/** A one-shard stream holding `a` and `b`, and a batch from `a` to past the shard's last record. */
async function batchPastTheShard() {
  const streamName = `redrive-ends-${++streams}`;
  await kinesis().createStream(streamName, 1);
  const { Records: written = [] } = await kinesis().client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: ['a', 'b'].map((text) => ({ PartitionKey: 'k', Data: Buffer.from(text) })),
    }),
  );
  const pastEnd = (BigInt(written[1]!.SequenceNumber!) + 1n).toString();
  const batchInfo = batchInfoOf(streamName, written[0]!, {
    ...written[1]!,
    SequenceNumber: pastEnd,
  });
  return { streamName, batchInfo, pastEnd };
}

async function redriveOf(batchInfo: Awaited<ReturnType<typeof batchPastTheShard>>['batchInfo']) {
  const checkpoints = new InMemoryCheckpointStore();
  const ran: string[] = [];
  const error = await redrive({
    kinesis: kinesis().client,
    checkpoints,
    batchInfo,
    handler: keepingTexts(ran),
  }).catch((caught: unknown) => caught);
  return { error, ran, writes: checkpoints.counters.writes };
}

describe('redrive of a batch its shard ends before', () => {
  it('fails closed on an open shard it has caught up with, having recorded what ran', async () => {
    const { batchInfo, pastEnd } = await batchPastTheShard();

    const { error, ran, writes } = await redriveOf(batchInfo);

    expect(error).toBeInstanceOf(KplRedriveRecordsMissingError);
    expect(error).toMatchObject({ sequenceNumber: pastEnd });
    expect((error as Error).message).toContain('the shard ends before it');
    expect(ran).toEqual(['a', 'b']);
    expect(writes).toBe(2);
  });

  it('fails closed at the end of a shard a reshard has closed', async () => {
    const { streamName, batchInfo, pastEnd } = await batchPastTheShard();
    await kinesis().client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: batchInfo.shardId,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );

    const { error, ran } = await redriveOf(batchInfo);

    expect(error).toMatchObject({ sequenceNumber: pastEnd });
    expect((error as Error).message).toContain('the shard ends before it');
    expect(ran).toEqual(['a', 'b']);
  });
});

describe('redrive given a signal already aborted', () => {
  it('runs nothing and says it is not complete', async () => {
    const { batchInfo } = await batchPastTheShard();
    const ran: string[] = [];

    const report = await redrive({
      kinesis: kinesis().client,
      checkpoints: new InMemoryCheckpointStore(),
      batchInfo,
      signal: AbortSignal.abort(),
      handler: keepingTexts(ran),
    });

    expect(report).toEqual({ ran: 0, skipped: 0, failed: [], complete: false });
    expect(ran).toEqual([]);
  });
});
