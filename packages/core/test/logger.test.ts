import { safeLogger } from '@kpl-lambda/core';

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
