/**
 * The middleware is placed where it cannot work: the Kinesis records it receives were already
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
export class KplDeaggConfigurationError extends Error {
  public constructor(message: string) {
    super(message, { cause: { package: '@kpl-lambda/middy' } });
    this.name = 'KplDeaggConfigurationError';
  }
}
