import { PayloadDecoder } from '@kpl-lambda/core';
import {
  assertCheckpointStore,
  assertKnownOptions,
  assertLogger,
  assertMetrics,
  assertOneOf,
  assertTypeOf,
  BATCH_ON_CORRUPT_MODES,
  optionNames,
} from '@kpl-lambda/core/internal';
import { KplDeaggConfigurationError } from './errors.js';
import type { KplDeaggOptions } from './types.js';

export const defaults: Required<Pick<KplDeaggOptions, 'onCorrupt'>> & KplDeaggOptions = {
  onCorrupt: 'passthrough',
  filter: undefined,
  logger: undefined,
  checkpoints: undefined,
  metrics: undefined,
  decode: undefined,
};

const KPL_DEAGG_OPTIONS = optionNames<KplDeaggOptions>({
  onCorrupt: true,
  filter: true,
  logger: true,
  checkpoints: true,
  metrics: true,
  decode: true,
});

/**
 * Merges the options with the defaults and checks them at the factory, as Middy's own
 * middlewares do, naming the wrong one: an unknown key (a typo) is refused, never ignored.
 */
export function validateOptions(
  opts: KplDeaggOptions,
): typeof defaults & { decoder: PayloadDecoder | undefined } {
  const E = (option: string, message: string) =>
    new KplDeaggConfigurationError(message, { option });
  assertKnownOptions(opts, KPL_DEAGG_OPTIONS, E);
  const options = { ...defaults, ...opts };
  assertOneOf('onCorrupt', options.onCorrupt, BATCH_ON_CORRUPT_MODES, E);
  assertTypeOf('filter', options.filter, 'function', E);
  assertLogger(options.logger, ['debug', 'warn', 'error'], E);
  assertMetrics(options.metrics, E);
  assertCheckpointStore(options.checkpoints, E);
  assertTypeOf('decode', options.decode, 'object', E);
  const decoder =
    options.decode === undefined
      ? undefined
      : new PayloadDecoder(options.decode, (option, message) => E(`decode.${option}`, message));
  return { ...options, decoder };
}
