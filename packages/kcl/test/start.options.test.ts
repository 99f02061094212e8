// Options start cannot honour are refused before anything is read: start(p, { checkpointEvery })
// used to run with the defaults.
import { MAX_TIMER_MS } from '@kpl-lambda/core';
import { KplKclConfigurationError, type StartOptions, start } from '@kpl-lambda/kcl';
import { startOn } from './helpers/startOn.js';

const processor = { async processRecord() {} };

describe('start refuses options it cannot honour', () => {
  it('refuses an unknown option, naming the closest, before it reads or answers anything', async () => {
    const { error, replies, unread } = await startOn(processor, { checkpointEvery: 100 });

    expect(error).toBeInstanceOf(KplKclConfigurationError);
    expect(error).toMatchObject({
      option: 'checkpointEvery',
      message:
        'Unknown option checkpointEvery: did you mean checkpointEveryRecords or checkpointEverySeconds?',
    });
    expect(replies).toBe('');
    expect(unread).toBeGreaterThan(0);
  });

  it.each<[keyof StartOptions, unknown]>([
    ['checkpointEveryRecords', 0],
    ['checkpointEveryRecords', 2.5],
    ['checkpointEveryRecords', '100'],
    ['checkpointEveryRecords', Number.NaN],
    ['checkpointEverySeconds', 0],
    ['checkpointEverySeconds', -1],
    ['checkpointEverySeconds', '30'],
    ['checkpointEverySeconds', Number.NaN],
    ['checkpointEverySeconds', Number.POSITIVE_INFINITY],
    ['checkpointEverySeconds', (MAX_TIMER_MS + 1) / 1_000],
    ['checkpointEverySeconds', Object.create(null)],
    ['maxAttempts', 0],
    ['maxAttempts', 1.5],
    ['maxAttempts', Number.POSITIVE_INFINITY],
    ['baseDelayMs', -1],
    ['baseDelayMs', 0.5],
    ['baseDelayMs', MAX_TIMER_MS + 1],
    ['onError', 'Skip'],
    ['onError', null],
    ['onError', 1n],
    ['onError', Symbol('skip')],
    ['input', {}],
    ['output', 'stdout'],
    ['logger', {}],
    ['logger', { info() {}, warn() {} }],
    ['logger', null],
  ])('refuses %s: %p', async (option, value) => {
    const { error, replies } = await startOn(processor, { [option]: value });

    expect(error).toBeInstanceOf(KplKclConfigurationError);
    expect(error).toMatchObject({ option });
    expect(replies).toBe('');
  });

  it('refuses options that are not an object', async () => {
    await expect(start(processor, 'fast' as never)).rejects.toMatchObject({
      name: 'KplKclConfigurationError',
      option: 'options',
    });
  });

  it.each<[keyof StartOptions, unknown]>([
    ['maxAttempts', 5],
    ['onError', 'skip'],
  ])('refuses %s with processRecords, which handles its failures itself', async (option, value) => {
    const { error } = await startOn({ async processRecords() {} }, { [option]: value });

    expect(error).toMatchObject({
      name: 'KplKclConfigurationError',
      option,
      message: expect.stringContaining('processRecords gets a whole batch'),
    });
  });

  it.each<[string, StartOptions]>([
    ['checkpointEveryRecords 1', { checkpointEveryRecords: 1 }],
    ['checkpointEverySeconds 0.5', { checkpointEverySeconds: 0.5 }],
    [
      'checkpointEverySeconds at the longest timer',
      { checkpointEverySeconds: MAX_TIMER_MS / 1_000 },
    ],
    ['maxAttempts 1', { maxAttempts: 1 }],
    ['baseDelayMs 0', { baseDelayMs: 0 }],
    ['baseDelayMs at the longest timer', { baseDelayMs: MAX_TIMER_MS }],
    ["onError 'stop'", { onError: 'stop' }],
    ['onError a function', { onError: () => 'skip' }],
    ['console as the logger', { logger: console }],
  ])('takes %s', async (_, options) => {
    const { error } = await startOn(processor, options, []);

    expect(error).toBeUndefined();
  });
});
