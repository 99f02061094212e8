import { EXPIRED, FATAL_ERROR_CODES, RETRYABLE_ERROR_CODES } from '../constants.js';

/** The entry error code of a write past a shard's limits. */
export const THROTTLED = 'ProvisionedThroughputExceededException';

/** What a failed call or entry was, as the producer decides on it. */
export interface Failure {
  code: string;
  message: string;
  /** Worth another try: throttling, a server or network error. */
  retryable: boolean;
  /** No retry can fix it, for any record: the stream is not there, or the request is wrong. */
  fatal: boolean;
}

/**
 * When a Kinesis record that failed may go again: exponential backoff with full jitter, a
 * bounded number of attempts, and no retry of what cannot succeed.
 */
export class RetryPolicy {
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #failIfThrottled: boolean;

  public constructor(options: {
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    failIfThrottled?: boolean;
  }) {
    this.#maxAttempts = options.maxAttempts;
    this.#baseDelayMs = options.baseDelayMs;
    this.#maxDelayMs = options.maxDelayMs;
    this.#failIfThrottled = options.failIfThrottled === true;
  }

  /** The time of the next attempt after `attempts` failed ones, or undefined: give it up. */
  public nextAttemptAt(attempts: number, failure: Failure, now: number): number | undefined {
    if (!failure.retryable || attempts >= this.#maxAttempts) return undefined;
    if (this.#failIfThrottled && failure.code === THROTTLED) return undefined;
    // The exponent stops growing where the cap is passed anyway: a large enough power of two is
    // Infinity, and a base of 0 times Infinity is NaN, which a timer takes as now.
    const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** Math.min(attempts - 1, 64));
    return now + Math.random() * ceiling;
  }
}

/** A failed PutRecords entry: Kinesis names only throttling and internal failures there. */
export function entryFailure(errorCode: string, errorMessage: string | undefined): Failure {
  return { code: errorCode, message: errorMessage ?? '', retryable: true, fatal: false };
}

/** A call that failed as a whole (or answered for fewer entries than it was sent). */
export function callFailure(error: unknown): Failure {
  if (error === undefined) {
    return {
      code: 'InternalFailure',
      message: 'PutRecords returned fewer results than records',
      retryable: true,
      fatal: false,
    };
  }
  const { name, code, message, $retryable, $metadata } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const failureCode = code ?? name ?? 'Error';
  const fatal = FATAL_ERROR_CODES.has(failureCode);
  // Throttling, server and network errors are worth another try; the rest (no such stream,
  // access denied, validation) are not.
  const retryable =
    !fatal &&
    (RETRYABLE_ERROR_CODES.has(failureCode) ||
      $retryable !== undefined ||
      ($metadata?.httpStatusCode ?? 0) >= 500);
  return { code: failureCode, message: message ?? String(error), retryable, fatal };
}

/**
 * A Kinesis record whose time to live ran out before it was written: the last error it met, if
 * any, is in the message.
 */
export function expiredFailure(ttlMs: number, lastErrorCode: string | undefined): Failure {
  const last = lastErrorCode === undefined ? '' : `; its last attempt failed with ${lastErrorCode}`;
  return {
    code: EXPIRED,
    message: `Not written within recordTtlMs (${ttlMs} ms) of its put${last}`,
    retryable: false,
    fatal: false,
  };
}

/** A producer's own error, as the failure of the records it gives up. */
export function failureOf(error: Error): Failure {
  return { code: error.name, message: error.message, retryable: false, fatal: false };
}
