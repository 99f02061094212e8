// What every package logs when given no logger: one JSON line per warning or error, nothing else.
import { consoleLogger, type KplConfigurationError } from '@kpl-lambda/core';
import { assertLogger, loggerOf } from '@kpl-lambda/core/internal';
import { withConsoleLines } from '@kpl-lambda/testing-utils';

// A plain error: what each package's own factory makes is tested with the package.
const E = (option: string, message: string) =>
  Object.assign(new Error(message), { option }) as unknown as KplConfigurationError;
const linesOf = async (log: () => void) =>
  (await withConsoleLines(async () => log())).lines.map(([method, text]) => [
    method,
    JSON.parse(text),
  ]);

describe('consoleLogger', () => {
  it('writes warnings and errors as one JSON line each, and leaves debug and info out', async () => {
    const error = new TypeError('refused');
    const lines = await linesOf(() => {
      consoleLogger.debug('summary', { userRecords: 3 });
      consoleLogger.info('resharding noticed');
      consoleLogger.warn('Corrupt KPL aggregate', { sequenceNumber: '4954', level: 'mine' });
      consoleLogger.error('Kinesis records given up', error, 7n, 'why', undefined);
    });

    expect(lines).toEqual([
      ['warn', { level: 'WARN', message: 'Corrupt KPL aggregate', sequenceNumber: '4954' }],
      [
        'error',
        {
          level: 'ERROR',
          message: 'Kinesis records given up',
          error: { name: 'TypeError', message: 'refused', stack: error.stack },
          details: ['7', 'why'],
        },
      ],
    ]);
  });

  it('still says what happened when a field cannot be written as JSON', async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const lines = await linesOf(() => consoleLogger.warn('Corrupt KPL aggregate', { cycle }));

    expect(lines).toEqual([
      ['warn', expect.objectContaining({ level: 'WARN', message: 'Corrupt KPL aggregate' })],
    ]);
  });
});

describe('loggerOf and assertLogger', () => {
  it('gives the console logger for none, nothing for false, and the logger given made safe', async () => {
    const seen: unknown[] = [];
    const given = loggerOf({
      warn: (...line: unknown[]) => {
        seen.push(line);
        throw new Error('logger down');
      },
    });
    const lines = await linesOf(() => {
      loggerOf(undefined).warn('to the console');
      loggerOf(false).warn('to nowhere');
      given.warn('to the logger');
      given.error('a method it lacks');
    });

    expect(lines).toEqual([['warn', { level: 'WARN', message: 'to the console' }]]);
    expect(seen).toEqual([['to the logger']]);
  });

  it('takes none, false, or an object with the methods named; refuses the rest naming logger', () => {
    for (const value of [undefined, false, console, { warn() {}, error() {} }]) {
      expect(() => assertLogger(value, ['warn', 'error'], E)).not.toThrow();
    }
    for (const value of [true, null, 'console', { warn() {} }, { warn() {}, error: 'no' }]) {
      expect(() => assertLogger(value, ['warn', 'error'], E)).toThrow(
        expect.objectContaining({
          option: 'logger',
          message: expect.stringContaining('warn, error'),
        }),
      );
    }
  });
});
