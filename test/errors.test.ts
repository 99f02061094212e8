// One error family: `catch (error) { if (error instanceof KplError) ... }` covers every package.
import { KplConfigurationError, KplError } from '@kpl-lambda/core';
import { KplDrainStoppedError } from '@kpl-lambda/local-event-source-mapping';
import { KplDeaggConfigurationError } from '@kpl-lambda/middy';
import {
  KplBatchConfigurationError,
  KplBatchProcessorError,
  KplCorruptAggregateError,
  KplSkippedRecordError,
} from '@kpl-lambda/powertools';
import {
  KplProducerBufferFullError,
  KplProducerConfigurationError,
  KplProducerError,
} from '@kpl-lambda/producer';

describe('the kpl-lambda errors', () => {
  const errors = [
    new KplDeaggConfigurationError('x', { option: 'onCorrupt' }),
    new KplBatchConfigurationError('x', 'onCorrupt'),
    new KplCorruptAggregateError('x', 'TRUNCATED'),
    new KplSkippedRecordError('1', 0),
    new KplProducerConfigurationError('maxAttempts', 'x'),
    new KplProducerBufferFullError(1, 1),
    new KplDrainStoppedError('x'),
  ];

  it.each(errors.map((error) => [error.name, error]))('%s is a KplError', (_, error) => {
    expect(error).toBeInstanceOf(KplError);
    expect(error).toBeInstanceOf(Error);
  });

  it('has one parent for every configuration error, naming the option', () => {
    for (const error of errors.slice(0, 2).concat(errors[4]!)) {
      expect(error).toBeInstanceOf(KplConfigurationError);
      expect((error as KplConfigurationError).option).toEqual(expect.any(String));
    }
  });

  it("keeps each package's configuration error an instance of the package's own root", () => {
    expect(new KplProducerConfigurationError('o', 'x')).toBeInstanceOf(KplProducerError);
    expect(new KplBatchConfigurationError('x')).toBeInstanceOf(KplBatchProcessorError);
    expect(new KplProducerBufferFullError(1, 1)).not.toBeInstanceOf(KplConfigurationError);
    expect(new Error('x')).not.toBeInstanceOf(KplProducerError);
    expect(new KplCorruptAggregateError('x')).not.toBeInstanceOf(KplProducerError);
  });

  it('carries the stable reason of a corrupt aggregate', () => {
    expect(new KplCorruptAggregateError('x', 'TRUNCATED').reason).toBe('TRUNCATED');
  });
});
