import { callFailure, entryFailure, RetryPolicy } from '../src/sending/RetryPolicy.js';

const named = (name: string, extra: object = {}) =>
  Object.assign(new Error(`${name}!`), { name, ...extra });

describe('callFailure', () => {
  it.each([
    ['throttling', named('ProvisionedThroughputExceededException'), true, false],
    ['a network error', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), true, false],
    ['an error the SDK marks retryable', named('SomethingNew', { $retryable: {} }), true, false],
    ['a server error', named('SomethingNew', { $metadata: { httpStatusCode: 503 } }), true, false],
    [
      'access denied',
      named('AccessDeniedException', { $metadata: { httpStatusCode: 400 } }),
      false,
      false,
    ],
    ['a missing stream', named('ResourceNotFoundException', { $retryable: {} }), false, true],
    ['a thrown non-error', 'boom', false, false],
    ['a thrown null', null, false, false],
  ])('classifies %s', (_, error, retryable, fatal) => {
    expect(callFailure(error)).toMatchObject({ retryable, fatal });
  });

  it('names a missing answer for an entry as an internal failure, worth a retry', () => {
    expect(callFailure(undefined)).toEqual({
      code: 'InternalFailure',
      message: 'PutRecords returned fewer results than records',
      retryable: true,
      fatal: false,
    });
  });

  it('takes an entry failure for retryable', () => {
    expect(entryFailure('InternalFailure', undefined)).toEqual({
      code: 'InternalFailure',
      message: '',
      retryable: true,
      fatal: false,
    });
  });
});

describe('RetryPolicy', () => {
  const policy = new RetryPolicy({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 250 });
  const throttled = entryFailure('ProvisionedThroughputExceededException', 'slow down');

  it('backs off with full jitter under an exponential, capped ceiling', () => {
    for (let i = 0; i < 100; i++) {
      const first = policy.nextAttemptAt(1, throttled, 1_000)!;
      const second = policy.nextAttemptAt(2, throttled, 1_000)!;
      expect(first).toBeGreaterThanOrEqual(1_000);
      expect(first).toBeLessThanOrEqual(1_100);
      expect(second).toBeLessThanOrEqual(1_200);
    }
  });

  it('gives up after maxAttempts, and at once on what is not retryable', () => {
    expect(policy.nextAttemptAt(3, throttled, 0)).toBeUndefined();
    expect(policy.nextAttemptAt(1, callFailure(named('AccessDeniedException')), 0)).toBeUndefined();
  });

  it('gives a time, never NaN, after more attempts than 2 ** attempts can count', () => {
    // 2 ** 1100 is Infinity, and 0 * Infinity NaN: a timer set for NaN fires at once.
    const patient = { maxAttempts: 2_000, maxDelayMs: 250 };
    const noBackoff = new RetryPolicy({ ...patient, baseDelayMs: 0 });
    const backoff = new RetryPolicy({ ...patient, baseDelayMs: 100 });

    expect(noBackoff.nextAttemptAt(1_100, throttled, 1_000)).toBe(1_000);
    expect(backoff.nextAttemptAt(1_100, throttled, 1_000)).toBeLessThanOrEqual(1_250);
  });
});
