// redrive() across an empty GetRecords page in the middle of a shard, which Kinesis answers
// (MillisBehindLatest above zero) and kinesalite never does: hence the mocked client.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { redrive } from '@kpl-lambda/checkpoints/redrive';
import type { ParentRecordId } from '@kpl-lambda/core';
import { mockClient } from 'aws-sdk-client-mock';
import { keepingTexts } from './helpers/keepingTexts.js';

const record = (sequenceNumber: string, text: string): KinesisRecord => ({
  SequenceNumber: sequenceNumber,
  Data: Buffer.from(text),
  PartitionKey: 'k',
});

describe('redrive across an empty page', () => {
  it('reads on to the batch end, and asks the store about no page without parents', async () => {
    const kinesis = mockClient(KinesisClient);
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'first' });
    kinesis
      .on(GetRecordsCommand, { ShardIterator: 'first' })
      .resolves({ Records: [record('1', 'a')], NextShardIterator: 'second', MillisBehindLatest: 9 })
      // Records left out: the SDK types it optional.
      .on(GetRecordsCommand, { ShardIterator: 'second' })
      .resolves({ NextShardIterator: 'third', MillisBehindLatest: 9 })
      .on(GetRecordsCommand, { ShardIterator: 'third' })
      .resolves({
        Records: [record('2', 'b')],
        NextShardIterator: 'fourth',
        MillisBehindLatest: 0,
      });
    const checkpoints = new InMemoryCheckpointStore();
    const asked: Array<readonly ParentRecordId[]> = [];
    const load = checkpoints.load.bind(checkpoints);
    checkpoints.load = (parents) => {
      asked.push(parents);
      return load(parents);
    };
    const ran: string[] = [];

    const report = await redrive({
      kinesis: new KinesisClient({ region: 'us-east-1' }),
      checkpoints,
      batchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: '1',
        endSequenceNumber: '2',
        streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
      },
      handler: keepingTexts(ran),
    });

    expect(report).toEqual({ ran: 2, skipped: 0, failed: [], complete: true });
    expect(ran).toEqual(['a', 'b']);
    expect(asked.map((parents) => parents.length)).toEqual([1, 1]);
    kinesis.restore();
  });
});
