import { consoleLogger } from './consoleLogger.js';
import { type KplLogger, safeLogger } from './logger.js';
import type { ConfigurationErrorFactory } from './options.js';

/**
 * The logger a package writes to for its `logger` option, made safe ({@link safeLogger}): the
 * one given, none for `false`, and {@link consoleLogger} when it was left out.
 *
 * @example
 * ```ts
 * import { loggerOf } from '@kpl-lambda/core/internal';
 * const log = loggerOf(options.logger);
 * log.warn('Corrupt KPL aggregate', { sequenceNumber }); // to console.warn unless told otherwise
 * ```
 */
export function loggerOf(option: Partial<KplLogger> | false | undefined): KplLogger {
  if (option === false) return safeLogger(undefined);
  return safeLogger(option ?? consoleLogger);
}

/**
 * Throws a configuration error naming `logger` unless `value` is undefined, `false`, or an object
 * with each of `methods`: a logger without a method the package calls would lose its lines.
 *
 * @example
 * ```ts
 * import { assertLogger } from '@kpl-lambda/core/internal';
 * assertLogger(options.logger, ['debug', 'warn', 'error'], E);
 * ```
 */
export function assertLogger(
  value: unknown,
  methods: ReadonlyArray<keyof KplLogger>,
  makeError: ConfigurationErrorFactory,
): void {
  if (value === undefined || value === false) return;
  const logger = value as Partial<Record<string, unknown>> | null;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    methods.some((m) => typeof logger[m] !== 'function')
  ) {
    throw makeError(
      'logger',
      `logger must be false or have ${methods.join(', ')} (a Powertools Logger or console fits)`,
    );
  }
}
