import { InMemoryCheckpointStore } from '@kpl-lambda/checkpoints';
import { type ParentRecordId, parentKey, SubSequenceSet } from '@kpl-lambda/core';

const parent: ParentRecordId = {
  streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
  shardId: 'shardId-000000000000',
  sequenceNumber: '1',
};

describe('InMemoryCheckpointStore', () => {
  it('merges progress, and writes nothing for progress it holds already', async () => {
    const store = new InMemoryCheckpointStore();

    await store.save([{ parent, done: SubSequenceSet.of([0, 1]) }]);
    await store.save([{ parent, done: SubSequenceSet.of([1]) }]);
    expect(store.counters.writes).toBe(1);
    await store.save([{ parent, done: SubSequenceSet.of([2]) }]);

    expect(store.counters.writes).toBe(2);
    expect((await store.load([parent])).get(parentKey(parent))?.toString()).toBe('0-2');
  });
});
