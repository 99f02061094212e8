// A logger that throws or rejects changes nothing: every record runs, every message is answered,
// the checkpoints fall where they would, and no rejection is left to end the process.
import { type KclUserRecord, start } from '@kpl-lambda/kcl';
import { FAILING_LOGGERS, withUnhandledRejections } from '@kpl-lambda/testing-utils';
import { fakeDaemon, processRecords } from './helpers/fakeDaemon.js';

const text = (record: KclUserRecord) => Buffer.from(record.data).toString();

describe.each(FAILING_LOGGERS)('a logger that %s', (_, logger) => {
  it('loses nothing and ends nothing', async () => {
    const daemon = fakeDaemon();
    const seen: string[] = [];
    const { result: replies, unhandled } = await withUnhandledRejections(async () => {
      const running = start(
        {
          processRecord: (record) => {
            seen.push(text(record));
            if (text(record) === 'poison') throw new Error('poison');
          },
        },
        {
          input: daemon.input,
          output: daemon.output,
          checkpointEveryRecords: 2,
          maxAttempts: 2,
          baseDelayMs: 0,
          onError: 'skip',
          logger: logger(),
        },
      );
      // Each of these logs: a line that is no message, a record that fails.
      daemon.writeRaw('not json');
      const replies = [
        ...(await daemon.send({ action: 'initialize', shardId: 'shardId-1' })),
        ...(await daemon.send(
          processRecords([
            ['1', 0, 'a'],
            ['1', 1, 'poison'],
            ['1', 2, 'b'],
            ['1', 3, 'c'],
          ]),
        )),
        ...(await daemon.send({ action: 'shutdownRequested' })),
      ];
      daemon.end();
      await running;
      return replies;
    });

    expect(seen).toEqual(['a', 'poison', 'poison', 'b', 'c']);
    expect(replies).toEqual([
      { action: 'status', responseFor: 'initialize' },
      { action: 'checkpoint', sequenceNumber: '1', subSequenceNumber: 1 },
      { action: 'checkpoint', sequenceNumber: '1', subSequenceNumber: 3 },
      { action: 'status', responseFor: 'processRecords' },
      { action: 'status', responseFor: 'shutdownRequested' },
    ]);
    expect(unhandled).toEqual([]);
  });
});
