import { absorbRejection, safeLogger } from '@kpl-lambda/core/internal';
import { rejectingLogger, withUnhandledRejections } from '@kpl-lambda/testing-utils';

describe('safeLogger', () => {
  it('calls the methods there are, and never throws', () => {
    const lines: unknown[][] = [];
    const log = safeLogger({
      info: (...line: unknown[]) => lines.push(line),
      error: () => {
        throw new Error('logger down');
      },
    });

    log.info('hello', { n: 1 });
    expect(() => log.error('boom')).not.toThrow();
    expect(() => log.warn('no such method')).not.toThrow();
    expect(() => safeLogger(undefined).debug('nothing')).not.toThrow();
    expect(lines).toEqual([['hello', { n: 1 }]]);
  });
});

describe('safeLogger with an async logger', () => {
  it('absorbs a method that returns a rejected promise, for every level', async () => {
    const log = safeLogger(rejectingLogger());
    const { unhandled } = await withUnhandledRejections(async () => {
      for (const level of ['debug', 'info', 'warn', 'error'] as const) log[level]('line');
    });
    expect(unhandled).toEqual([]);
  });

  it('leaves a logger that returns a value, or a thenable whose then throws, alone', () => {
    const hostile = {
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what is tested.
      get then() {
        throw new Error('no then for you');
      },
    };
    expect(() => safeLogger({ info: () => hostile as never }).info('x')).not.toThrow();
    expect(() => safeLogger({ info: () => 42 as never }).info('x')).not.toThrow();
  });
});

describe('absorbRejection', () => {
  it('hands a rejection to onRejected, and ignores what is not a promise', async () => {
    const seen: unknown[] = [];
    absorbRejection(Promise.reject(new Error('no')), (error) =>
      seen.push((error as Error).message),
    );
    absorbRejection('not a promise', () => seen.push('called'));
    absorbRejection(null);
    absorbRejection(Promise.resolve(1), () => seen.push('called'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['no']);
  });

  it('leaves an object whose then is not a function alone, as a logger may return one', async () => {
    const seen: unknown[] = [];
    // biome-ignore lint/suspicious/noThenProperty: a then that is no function is what is tested.
    absorbRejection({ then: 'later' }, () => seen.push('called'));
    expect(() => safeLogger({ info: () => ({ written: true }) as never }).info('x')).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([]);
  });

  it('absorbs an onRejected that throws, which would otherwise be an unhandled rejection', async () => {
    const { unhandled } = await withUnhandledRejections(async () => {
      absorbRejection(Promise.reject(new Error('sink down')), () => {
        throw new Error('the report failed too');
      });
      await new Promise((resolve) => setImmediate(resolve));
    });
    expect(unhandled).toEqual([]);
  });
});
