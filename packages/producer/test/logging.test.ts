// The logging rule of every package: no logger, warnings and errors as JSON lines on the console;
// `logger: false`, nothing; a logger that throws or rejects changes nothing the producer does.
import { ListShardsCommand } from '@aws-sdk/client-kinesis';
import { KinesisProducer, KplProducerConfigurationError } from '@kpl-lambda/producer';
import {
  FAILING_LOGGERS,
  withConsoleLines,
  withUnhandledRejections,
} from '@kpl-lambda/testing-utils';
import { client, fast, kinesis, type MockStream, mockStream } from './helpers/mockKinesis.js';

let stream: MockStream;
beforeEach(() => {
  stream = mockStream(2);
  // Without ListShards the producer warns once, and aggregates per key.
  kinesis
    .on(ListShardsCommand)
    .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
});

const putTwo = async (logger?: false | ReturnType<(typeof FAILING_LOGGERS)[number][1]>) => {
  const producer = new KinesisProducer({ client, streamName: 's', ...fast, logger });
  producer.putMany([
    { partitionKey: 'a', data: 'one' },
    { partitionKey: 'b', data: 'two' },
  ]);
  return { flushed: await producer.flush(), counters: { ...producer.counters } };
};

describe('KinesisProducer logging', () => {
  it('writes its warning as one JSON line on the console when given no logger', async () => {
    const { lines } = await withConsoleLines(() => putTwo());

    expect(lines).toHaveLength(1);
    expect(lines[0]![0]).toBe('warn');
    expect(JSON.parse(lines[0]![1])).toMatchObject({
      level: 'WARN',
      message: expect.stringContaining('No shard map'),
    });
  });

  it('writes nothing with logger: false', async () => {
    const { lines } = await withConsoleLines(() => putTwo(false));

    expect(lines).toEqual([]);
  });

  it.each(FAILING_LOGGERS)('writes the same when the logger %s', async (_, logger) => {
    const quiet = await putTwo(false);
    const quietCalls = stream.calls.splice(0);

    const { result, unhandled } = await withUnhandledRejections(() => putTwo(logger()));

    expect(result).toEqual(quiet);
    expect(stream.calls).toEqual(quietCalls);
    expect(unhandled).toEqual([]);
  });

  it.each([[true], ['console'], [{ warn() {} }], [null]])('refuses the logger %j', (logger) => {
    expect(() => new KinesisProducer({ client, streamName: 's', logger } as never)).toThrow(
      expect.objectContaining({ name: KplProducerConfigurationError.name, option: 'logger' }),
    );
  });
});
