import {
  type CheckpointStore,
  deaggregateRecords,
  type ParentProgress,
  parentKey,
  SubSequenceSet,
} from '@kpl-lambda/core';
import { CheckpointedBatch, parentOf } from '@kpl-lambda/core/internal';
import { aggregatedRecord, kinesisStreamEvent, plainRecord } from '@kpl-lambda/core/testing';

const { Records } = kinesisStreamEvent([
  aggregatedRecord([
    { partitionKey: 'a', data: 'a0' },
    { partitionKey: 'a', data: 'a1' },
  ]),
  plainRecord({ partitionKey: 'b', data: 'b0' }),
]);
const userRecords = deaggregateRecords(Records);
const [aggregateParent, plainParent] = Records.map((record) => record.kinesis.sequenceNumber);

/** A store that answers `loaded` and keeps what it is asked to save, or refuses to save. */
function store(
  loaded: ReadonlyMap<string, Iterable<number>> = new Map(),
  refuseSaves = false,
): CheckpointStore & { saved: ParentProgress[][] } {
  const saved: ParentProgress[][] = [];
  return {
    saved,
    load: async () => loaded as ReadonlyMap<string, SubSequenceSet>,
    save: async (progress) => {
      if (refuseSaves) throw new Error('table is being deleted');
      saved.push([...progress]);
    },
  };
}

function warnings(): { warn: (message: string, extra?: unknown) => void; lines: unknown[][] } {
  const lines: unknown[][] = [];
  return { lines, warn: (message, extra) => lines.push([message, extra]) };
}

describe('CheckpointedBatch', () => {
  it('writes nothing when the failed parents from the lowest on have nothing done', async () => {
    const checkpoints = store();
    const batch = await CheckpointedBatch.load(checkpoints, Records, warnings());
    await batch.save([userRecords[0]!], [plainParent!]);
    expect(checkpoints.saved).toEqual([]);
  });

  it('warns, and resolves, when the store refuses the write: the records run again on retry', async () => {
    const log = warnings();
    const batch = await CheckpointedBatch.load(store(new Map(), true), Records, log);
    await expect(batch.save([userRecords[0]!], [aggregateParent!])).resolves.toBeUndefined();
    expect(log.lines).toEqual([
      [
        'Checkpoints could not be written: their user records run again on retry',
        { error: new Error('table is being deleted'), parents: 1 },
      ],
    ]);
  });

  it('reads progress a store answers as plain sub-sequence numbers (another copy of core)', async () => {
    const key = parentKey(parentOf(Records[0]!));
    const checkpoints = store(new Map([[key, [1]]]));
    const batch = await CheckpointedBatch.load(checkpoints, Records, warnings());
    expect(userRecords.map((record) => batch.isDone(record))).toEqual([false, true, false]);

    await batch.save([userRecords[0]!], [aggregateParent!]);
    expect(checkpoints.saved).toEqual([
      [{ parent: parentOf(Records[0]!), done: SubSequenceSet.of([0, 1]) }],
    ]);
  });
});
