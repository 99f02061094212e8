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
 * missing is skipped, and one that throws is ignored. No log line is worth a lost record.
 *
 * @example
 * ```ts
 * import { safeLogger } from '@kpl-lambda/core';
 * const log = safeLogger(options.logger);
 * log.warn('Corrupt KPL aggregate', { sequenceNumber }); // never throws
 * ```
 */
export function safeLogger(logger: Partial<KplLogger> | undefined): KplLogger {
  const safe = {} as KplLogger;
  for (const level of LEVELS) {
    safe[level] = (message, ...extra) => {
      try {
        logger?.[level]?.(message, ...extra);
      } catch {
        // Swallowed on purpose: see above.
      }
    };
  }
  return safe;
}
