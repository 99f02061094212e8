export { KplDeaggConfigurationError } from './errors.js';
export { default, kplDeagg } from './kplDeagg.js';
export type {
  KplDeaggOnCorrupt,
  KplDeaggOptions,
  KplDeaggResponse,
} from './types.js';
