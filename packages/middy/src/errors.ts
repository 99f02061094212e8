import { KplConfigurationError, type KplConfigurationErrorOptions } from '@kpl-lambda/core';

/**
 * An option of `kplDeagg()` is wrong (`option` names it), or the middleware is placed where it
 * cannot work (`option` is then `use`): the Kinesis records it receives were already decoded,
 * typically by `@middy/event-normalizer` used before it. Decoded aggregates cannot be recovered,
 * so the invocation fails before the handler runs. As Middy's own errors, its `cause` names the
 * package and carries what went wrong as `data`. The only error of `@kpl-lambda/middy`.
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
  public constructor(message: string, { option, cause }: KplConfigurationErrorOptions) {
    super(message, { option, cause: { package: '@kpl-lambda/middy', data: cause } });
    this.name = 'KplDeaggConfigurationError';
  }
}
