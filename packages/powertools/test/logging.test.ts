// The logging rule of every package: no logger, warnings and errors as JSON lines on the console;
// `logger: false`, nothing; a logger without a method the processor calls is refused.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { KplBatchConfigurationError, KplBatchProcessor } from '@kpl-lambda/powertools';
import {
  batchWithCorruptAggregate,
  sequenceNumbers,
  withConsoleLines,
} from '@kpl-lambda/testing-utils';
import type { Context } from 'aws-lambda';

const context = {} as Context;
const handleAll = async () => {};

describe('KplBatchProcessor logging', () => {
  it('writes a corrupt aggregate as one JSON warning on the console when given no logger', async () => {
    const event = batchWithCorruptAggregate();
    const { lines } = await withConsoleLines(() =>
      processPartialResponse(event, handleAll, new KplBatchProcessor(), { context }),
    );

    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toBe('warn');
    expect(JSON.parse(lines[0]![1])).toMatchObject({
      level: 'WARN',
      message: 'Corrupt KPL aggregate',
      sequenceNumber: sequenceNumbers(event)[1],
    });
  });

  it("writes nothing with logger: false, Powertools' own lines included", async () => {
    const processor = new KplBatchProcessor({ logger: false });
    const { result, lines } = await withConsoleLines(() =>
      processPartialResponse(batchWithCorruptAggregate(), handleAll, processor, { context }),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(lines).toEqual([]);
  });

  it.each([[true], ['console'], [{ warn() {} }], [null]])('refuses the logger %j', (logger) => {
    expect(() => new KplBatchProcessor({ logger } as never)).toThrow(
      expect.objectContaining({ name: KplBatchConfigurationError.name, option: 'logger' }),
    );
  });
});
