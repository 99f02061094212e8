import { closestNames, optionNames } from '@kpl-lambda/core/internal';
import { KplKclConfigurationError } from './errors.js';
import type { RecordProcessor } from './types.js';

/** The methods the daemon's messages call; the compiler keeps the list in step with the type. */
const PROCESSOR_METHODS = optionNames<RecordProcessor>({
  initialize: true,
  processRecord: true,
  processRecords: true,
  leaseLost: true,
  shardEnded: true,
  shutdownRequested: true,
});

const E = (message: string) => new KplKclConfigurationError(message, { option: 'processor' });

/**
 * Refuses a processor that would lose records without a word: without `processRecord` or
 * `processRecords` (a misspelt one), every record would be answered and checkpointed unread.
 * Also refused: both of them, a method that is not a function, and a name the daemon never calls:
 * any other key of a plain object, and on a class instance, whose fields and helpers are its own,
 * a method whose name is close to one of the daemon's (a typo). Methods are looked up through the
 * prototype chain, where a class keeps them.
 */
export function assertRecordProcessor(processor: unknown): asserts processor is RecordProcessor {
  if (typeof processor !== 'object' || processor === null) {
    throw E(
      `The processor must be an object with processRecord or processRecords, got ${processor === null ? 'null' : typeof processor}${typeof processor === 'function' ? ' (a class? give an instance of it)' : ''}`,
    );
  }
  const methods = processor as Record<string, unknown>;
  const plain = [Object.prototype, null].includes(Object.getPrototypeOf(processor));
  for (const key of keysOf(processor)) {
    if (PROCESSOR_METHODS.includes(key)) continue;
    const near = closestNames(key, PROCESSOR_METHODS);
    if (!plain && (near.length === 0 || typeof methods[key] !== 'function')) continue;
    throw E(
      near.length > 0
        ? `The processor has ${key}, which the daemon never calls: did you mean ${near.join(' or ')}?`
        : `The processor has ${key}, which the daemon never calls; its methods are ${PROCESSOR_METHODS.join(', ')}`,
    );
  }
  for (const method of PROCESSOR_METHODS) {
    const value = methods[method];
    if (value !== undefined && typeof value !== 'function') {
      throw E(
        `processor.${method} must be a function, got ${value === null ? 'null' : typeof value}`,
      );
    }
  }
  const one = typeof methods.processRecord === 'function';
  const batch = typeof methods.processRecords === 'function';
  if (!one && !batch) {
    throw E(
      'The processor has neither processRecord nor processRecords: every record would be answered and checkpointed without running',
    );
  }
  if (one && batch) {
    throw E(
      'The processor has both processRecord and processRecords: give one, the records go to one of them only',
    );
  }
}

/** Its own keys and those of its classes, up to `Object.prototype` (`constructor` aside). */
function keysOf(processor: object): string[] {
  const keys = new Set(Object.getOwnPropertyNames(processor));
  for (
    let prototype: object | null = Object.getPrototypeOf(processor);
    prototype !== null && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const key of Object.getOwnPropertyNames(prototype)) {
      if (key !== 'constructor') keys.add(key);
    }
  }
  return [...keys];
}
