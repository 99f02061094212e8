// redrive() against a local Kinesis (kinesalite): it reads a given-up batch's parents back, runs
// what the store does not have as done, and records what ran.
import {
  DescribeStreamSummaryCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import { aggregate, SubSequenceSet } from '@kpl-lambda/core';
import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';

let kinesis: LocalKinesis;
let streams = 0;
beforeAll(async () => {
  kinesis = await startLocalKinesis();
});
afterAll(() => kinesis.stop());

/** A one-shard stream holding three aggregates of four user records `p<parent>-<i>`. */
async function streamOfThreeParents() {
  const streamName = `redrive-${++streams}`;
  await kinesis.createStream(streamName, 1);
  const Records = [0, 1, 2].map((p) => {
    const [aggregated] = aggregate(
      [0, 1, 2, 3].map((i) => ({ partitionKey: 'k', data: `p${p}-${i}` })),
      { aggregateSingleRecord: true },
    );
    return { PartitionKey: 'k', Data: aggregated!.data };
  });
  const { Records: written = [] } = await kinesis.client.send(
    new PutRecordsCommand({ StreamName: streamName, Records }),
  );
  const { StreamDescriptionSummary } = await kinesis.client.send(
    new DescribeStreamSummaryCommand({ StreamName: streamName }),
  );
  return {
    streamName,
    batchInfo: {
      shardId: written[0]!.ShardId!,
      startSequenceNumber: written[0]!.SequenceNumber!,
      endSequenceNumber: written[1]!.SequenceNumber!,
      streamArn: StreamDescriptionSummary!.StreamARN!,
    },
    sequenceNumbers: written.map((entry) => entry.SequenceNumber!),
  };
}

describe('redrive', () => {
  it('runs the given-up parents, only what is not done, and records what ran', async () => {
    const { batchInfo, sequenceNumbers } = await streamOfThreeParents();
    const checkpoints = new InMemoryCheckpointStore();
    const parent = {
      streamArn: batchInfo.streamArn,
      shardId: batchInfo.shardId,
      sequenceNumber: sequenceNumbers[0]!,
    };
    await checkpoints.save([{ parent, done: SubSequenceSet.of([0, 1, 3]) }]);
    const ran: string[] = [];

    const report = await redrive({
      kinesis: kinesis.client,
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
    expect(report).toMatchObject({ ran: 4, skipped: 3 });
    expect(report.failed).toEqual([
      { sequenceNumber: sequenceNumbers[1], subSequenceNumber: 1, error: expect.any(Error) },
    ]);

    const second: string[] = [];
    await redrive({
      kinesis: kinesis.client,
      checkpoints,
      batchInfo,
      handler: (userRecord) => {
        second.push(Buffer.from(userRecord.data).toString());
      },
    });
    expect(second).toEqual(['p1-1']);
  });

  it('reads a shard that a reshard has closed', async () => {
    const { streamName, batchInfo } = await streamOfThreeParents();
    await kinesis.client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: batchInfo.shardId,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    const ran: string[] = [];

    const report = await redrive({
      kinesis: kinesis.client,
      checkpoints: new InMemoryCheckpointStore(),
      batchInfo,
      handler: (userRecord) => {
        ran.push(Buffer.from(userRecord.data).toString());
      },
    });

    expect(report).toMatchObject({ ran: 8, skipped: 0, failed: [] });
    expect(ran[0]).toBe('p0-0');
  });
});
