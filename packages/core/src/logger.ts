/**
 * The logging methods kpl-lambda packages call: a Powertools `Logger`, `console`, pino or any
 * object with these methods fits. Each package asks only for the methods it calls.
 */
export interface KplLogger {
  /** Detail for debugging: a summary per invocation. */
  debug(message: string, ...extra: unknown[]): void;
  /** Something worth knowing that needs no action, such as resharding noticed. */
  info(message: string, ...extra: unknown[]): void;
  /** Something handled that may need a look: a corrupt aggregate, a failed user record. */
  warn(message: string, ...extra: unknown[]): void;
  /** Something given up or refused: records not written, a failure that matches no record. */
  error(message: string, ...extra: unknown[]): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * Wraps a user's logger so that logging can never change what the caller does: a method that is
 * missing is skipped, one that throws is ignored, and one that returns a promise that rejects (a
 * logger that ships lines over the network) has the rejection absorbed, where Node.js would
 * otherwise end the process. No log line is worth a lost record.
 *
 * @example
 * ```ts
 * import { safeLogger } from '@kpl-lambda/core/internal';
 * const log = safeLogger(options.logger);
 * log.warn('Corrupt KPL aggregate', { sequenceNumber }); // never throws, never rejects
 * ```
 */
export function safeLogger(logger: Partial<KplLogger> | undefined): KplLogger {
  const safe = {} as KplLogger;
  for (const level of LEVELS) {
    safe[level] = (message, ...extra) => {
      try {
        absorbRejection(logger?.[level]?.(message, ...extra));
      } catch {
        // Swallowed on purpose: see above.
      }
    };
  }
  return safe;
}

/**
 * Absorbs the rejection of what a user's callback returned, when it returned a promise (or any
 * thenable), handing it to `onRejected`; anything else is left alone. For the callbacks whose
 * result nothing waits for (a logger, a metrics sink): an unhandled rejection ends the process.
 *
 * @example
 * ```ts
 * import { absorbRejection } from '@kpl-lambda/core/internal';
 * absorbRejection(metrics.addMetric('KplUserRecords', 'Count', 3), (error) => log.warn('Metrics refused', { error }));
 * ```
 */
export function absorbRejection(value: unknown, onRejected: (error: unknown) => void = noop): void {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return;
  try {
    const then = (value as { then?: unknown }).then;
    if (typeof then !== 'function') return;
    then.call(value, noop, (error: unknown) => {
      try {
        onRejected(error);
      } catch {
        // A throwing handler must not become an unhandled rejection either.
      }
    });
  } catch {
    // A thenable whose then throws: nothing is left to absorb.
  }
}

function noop(): void {}
