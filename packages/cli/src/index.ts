export {
  KplCliConfigurationError,
  KplCliError,
  KplCliInputError,
  KplCliUsageError,
} from './errors.js';
export type { InspectedParent, InspectedUserRecord } from './inspect.js';
export { main } from './main.js';
export type { DataFormat } from './render.js';
export type { CliIo } from './types.js';
