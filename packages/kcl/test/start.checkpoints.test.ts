// What the checkpoint strategies count: user records, whether the processor takes them one at a
// time or a batch at a time.
import {
  type Checkpointer,
  type KclUserRecord,
  type RecordProcessor,
  start,
} from '@kpl-lambda/kcl';
import { fakeDaemon, processRecords } from './helpers/fakeDaemon.js';
import { quiet, startOn } from './helpers/startOn.js';

/** Runs `processor` on `batches` batches of 100 user records; the checkpoints, as seq:sub. */
async function checkpointsOf(
  processor: RecordProcessor,
  checkpointEveryRecords: number,
  batches = 20,
): Promise<string[]> {
  const daemon = fakeDaemon();
  const running = start(processor, {
    input: daemon.input,
    output: daemon.output,
    logger: quiet,
    checkpointEveryRecords,
  });
  for (let batch = 1; batch <= batches; batch++) {
    await daemon.send(
      processRecords(
        Array.from({ length: 100 }, (_, i): [string, number, string] => [`${batch}`, i, 'x']),
      ),
    );
  }
  daemon.end();
  await running;
  return daemon.checkpoints.map((c) => `${c.sequenceNumber}:${c.subSequenceNumber}`);
}

describe('checkpointEveryRecords counts user records', () => {
  const everyBatch = Array.from({ length: 20 }, (_, i) => `${i + 1}:99`);

  it('with processRecord', async () => {
    expect(await checkpointsOf({ processRecord() {} }, 100)).toEqual(everyBatch);
  });

  it('with processRecords: 2,000 user records in 20 batches make 20 checkpoints, not 0', async () => {
    expect(await checkpointsOf({ processRecords() {} }, 100)).toEqual(everyBatch);
  });

  it('with processRecords, at the end of the batch that reaches the count', async () => {
    expect(await checkpointsOf({ processRecords() {} }, 250)).toEqual([
      '3:99',
      '6:99',
      '9:99',
      '12:99',
      '15:99',
      '18:99',
    ]);
  });
});

describe('a checkpoint the daemon throttles', () => {
  it('is asked 6 times in all, then rejects with the ThrottlingException', async () => {
    const daemon = fakeDaemon(() => 'ThrottlingException');
    const running = start(
      { processRecord: () => true },
      { input: daemon.input, output: daemon.output, baseDelayMs: 0, logger: quiet },
    );

    void daemon.send(processRecords([['1', 0, 'x']]));

    await expect(running).rejects.toMatchObject({
      name: 'KplKclCheckpointError',
      error: 'ThrottlingException',
    });
    expect(daemon.checkpoints).toHaveLength(6);
  });
});

describe('where a checkpoint falls', () => {
  it('at sub-sequence 0 when the processor gives a sequence number alone', async () => {
    const { error, replies } = await startOn(
      {
        processRecord: async (record: KclUserRecord, checkpointer: Checkpointer) => {
          await checkpointer.checkpoint(record.sequenceNumber);
        },
      },
      {},
      [processRecords([['8', 3, 'x']]), { action: 'checkpoint', error: null }],
    );

    expect(error).toBeUndefined();
    expect(replies.split('\n')[0]).toBe(
      JSON.stringify({ action: 'checkpoint', sequenceNumber: '8', subSequenceNumber: 0 }),
    );
  });

  it('nowhere after a batch without records, however few records a checkpoint needs', async () => {
    const { error, replies } = await startOn(
      { processRecords() {} },
      { checkpointEveryRecords: 1 },
      [{ action: 'processRecords', records: [] }],
    );

    expect(error).toBeUndefined();
    expect(replies).toBe(
      `${JSON.stringify({ action: 'status', responseFor: 'processRecords' })}\n`,
    );
  });

  it('at the end of the shard: refused, the error says so', async () => {
    const { error } = await startOn({ processRecord() {} }, {}, [
      { action: 'shardEnded' },
      { action: 'checkpoint', error: 'ShutdownException' },
    ]);

    expect(error).toMatchObject({
      name: 'KplKclCheckpointError',
      error: 'ShutdownException',
      message: 'The KCL refused the checkpoint at the largest record: ShutdownException',
    });
  });
});
