// The logging rule of every package: no logger, warnings and errors as JSON lines on the console;
// `logger: false`, nothing; a logger that throws or rejects changes nothing Lambda is told.
import kplDeagg, { KplDeaggConfigurationError } from '@kpl-lambda/middy';
import {
  batchWithCorruptAggregate,
  FAILING_LOGGERS,
  sequenceNumbers,
  withConsoleLines,
  withUnhandledRejections,
} from '@kpl-lambda/testing-utils';
import { recordingHandler } from './helpers/recordingHandler.js';

// The third user record is the corrupt aggregate, passed through: failing it reports its parent.
const failCorrupt = recordingHandler((record) =>
  record.kinesis.deaggregationError === undefined ? undefined : record.kinesis.sequenceNumber,
);

describe('kplDeagg logging', () => {
  it('writes a corrupt aggregate as one JSON warning on the console when given no logger', async () => {
    const event = batchWithCorruptAggregate();
    const { lines } = await withConsoleLines(() => recordingHandler().handle(event, kplDeagg()));

    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toBe('warn');
    expect(JSON.parse(lines[0]![1])).toMatchObject({
      level: 'WARN',
      message: 'Corrupt KPL aggregate',
      sequenceNumber: sequenceNumbers(event)[1],
    });
  });

  it('writes nothing with logger: false', async () => {
    const { lines } = await withConsoleLines(() =>
      recordingHandler().handle(batchWithCorruptAggregate(), kplDeagg({ logger: false })),
    );

    expect(lines).toEqual([]);
  });

  it.each(FAILING_LOGGERS)('tells Lambda the same when the logger %s', async (_, logger) => {
    const event = batchWithCorruptAggregate();
    const quiet = await failCorrupt.handle(event, kplDeagg({ logger: false }));

    const { result, unhandled } = await withUnhandledRejections(() =>
      failCorrupt.handle(event, kplDeagg({ logger: logger() })),
    );

    expect(result).toEqual(quiet);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumbers(event)[1] }] });
    expect(unhandled).toEqual([]);
  });

  it.each([[true], ['console'], [{ warn() {} }], [null]])('refuses the logger %j', (logger) => {
    expect(() => kplDeagg({ logger } as never)).toThrow(
      expect.objectContaining({ name: KplDeaggConfigurationError.name, option: 'logger' }),
    );
  });
});
