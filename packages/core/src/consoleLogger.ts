import type { KplLogger } from './logger.js';

/**
 * What kpl-lambda packages log when they are given no `logger`: warnings and errors, each as one
 * JSON line (`{"level":"WARN","message":...,...fields}`) on `console.warn` and `console.error`,
 * which write to stderr (never to a KCL child's stdout, which belongs to the daemon). Debug and
 * info lines are left out. `logger: false` silences even these.
 *
 * @example
 * ```ts
 * import { consoleLogger } from '@kpl-lambda/core';
 * consoleLogger.warn('Corrupt KPL aggregate', { sequenceNumber: '4954' });
 * // {"level":"WARN","message":"Corrupt KPL aggregate","sequenceNumber":"4954"}
 * ```
 */
export const consoleLogger: KplLogger = Object.freeze({
  debug: () => {},
  info: () => {},
  warn: (message: string, ...extra: unknown[]) => console.warn(jsonLine('WARN', message, extra)),
  error: (message: string, ...extra: unknown[]) => console.error(jsonLine('ERROR', message, extra)),
});

/** The fields of `extra` (objects merged, an Error as `error`, anything else in `details`). */
function jsonLine(level: string, message: string, extra: readonly unknown[]): string {
  const fields: Record<string, unknown> = {};
  const details: unknown[] = [];
  for (const item of extra) {
    if (item instanceof Error) fields.error = item;
    else if (typeof item === 'object' && item !== null) Object.assign(fields, item);
    else if (item !== undefined) details.push(item);
  }
  if (details.length > 0) fields.details = details;
  try {
    return JSON.stringify(Object.assign({ level, message }, fields, { level, message }), readable);
  } catch (error) {
    // A cycle in what was logged: the line still says what happened.
    return JSON.stringify({ level, message, unserializable: String(error) });
  }
}

function readable(_key: string, value: unknown): unknown {
  if (value instanceof Error)
    return { name: value.name, message: value.message, stack: value.stack };
  return typeof value === 'bigint' ? value.toString() : value;
}
