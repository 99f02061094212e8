import { KplConfigurationError } from '@kpl-lambda/core';

/**
 * An option of `kplDeagg()` is wrong (`option` names it), or the middleware is placed where it
 * cannot work: the Kinesis records it receives were already
 * decoded, typically by `@middy/event-normalizer` used before it. Decoded aggregates cannot be
 * recovered, so the invocation fails before the handler runs.
 *
 * @example
 * ```ts
 * // Wrong: the normalizer decodes the binary aggregates first.
 * middy(handler).use(eventNormalizer()).use(kplDeagg());
 * // Right: deaggregate first, then normalize the user records.
 * middy(handler).use(kplDeagg()).use(eventNormalizer());
 * ```
 */
export class KplDeaggConfigurationError extends KplConfigurationError {
  public constructor(message: string, options: { option?: string; cause?: unknown } = {}) {
    // As Middy's own errors: the cause names the package, and carries what went wrong.
    super(options.option ?? 'use', message, {
      cause: { package: '@kpl-lambda/middy', data: options.cause },
    });
    this.name = 'KplDeaggConfigurationError';
  }
}
