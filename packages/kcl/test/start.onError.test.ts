// An onError function decides what happens to a user record that keeps failing; one that throws,
// rejects or answers something else must not change the guarantee: nothing is checkpointed past
// the record, and start() rejects with the record's error.
import { type KclUserRecord, type OnRecordError, type StartOptions, start } from '@kpl-lambda/kcl';
import { withUnhandledRejections } from '@kpl-lambda/testing-utils';
import { fakeDaemon, processRecords } from './helpers/fakeDaemon.js';
import { quiet, startOn } from './helpers/startOn.js';

const text = (record: KclUserRecord) => Buffer.from(record.data).toString();

/** Runs ok, poison, ok with `onError`; what start settled with, and the checkpoints' sub-sequence numbers. */
async function runPoison(onError: StartOptions['onError']) {
  const daemon = fakeDaemon();
  const errors: unknown[] = [];
  const running = start(
    {
      processRecord: (record) => {
        if (text(record) === 'poison') throw new Error('poison');
      },
    },
    {
      input: daemon.input,
      output: daemon.output,
      checkpointEveryRecords: 1,
      maxAttempts: 1,
      onError,
      logger: { ...quiet, error: (_: string, extra: unknown) => void errors.push(extra) },
    },
  );
  const { result: settled, unhandled } = await withUnhandledRejections(async () => {
    void daemon
      .send(
        processRecords([
          ['1', 0, 'ok'],
          ['1', 1, 'poison'],
          ['1', 2, 'ok'],
        ]),
      )
      .then(() => daemon.end());
    return running.then(
      () => 'resolved',
      (error: unknown) => error,
    );
  });
  return { settled, unhandled, errors, subs: daemon.checkpoints.map((c) => c.subSequenceNumber) };
}

describe('onError fails closed', () => {
  it.each<[string, () => unknown]>([
    [
      'throws',
      () => {
        throw new Error('onError broke');
      },
    ],
    ['rejects', () => Promise.reject(new Error('onError broke'))],
    ["returns 'Skip'", () => 'Skip'],
    ['returns nothing', () => undefined],
  ])('stops without a checkpoint past the record when onError %s', async (_, onError) => {
    const { settled, unhandled, errors, subs } = await runPoison(onError as () => OnRecordError);

    expect(settled).toMatchObject({ message: 'poison' });
    expect(subs).toEqual([0]);
    expect(unhandled).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
  });

  it("goes on when onError resolves to 'skip' (an async function, in JavaScript)", async () => {
    const { settled, subs } = await runPoison((async () => 'skip') as never);

    expect(settled).toBe('resolved');
    expect(subs).toEqual([0, 1, 2]);
  });
});

describe('the backoff between tries', () => {
  it('never asks a timer for more than it can wait, however large baseDelayMs and maxAttempts', async () => {
    const delays: number[] = [];
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout').mockImplementation(((
      callback: () => void,
      ms?: number,
    ) => {
      delays.push(ms ?? 0);
      callback();
      return 0 as never;
    }) as unknown as typeof setTimeout);
    try {
      const { error } = await startOn(
        {
          processRecord: () => {
            throw new Error('poison');
          },
        },
        { maxAttempts: 4, baseDelayMs: 2 ** 30 },
      );
      expect(error).toEqual(new Error('poison'));
    } finally {
      setTimeoutSpy.mockRestore();
    }
    expect(delays).toEqual([2 ** 30, 2 ** 31 - 1, 2 ** 31 - 1]);
  });
});
