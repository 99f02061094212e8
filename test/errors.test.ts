// One error family across the packages: every error is a `KplError`; a wrong option, of any
// package, is a `KplConfigurationError` naming it; what fails at run time is under its package's
// root. Plain prototype chains: no `Symbol.hasInstance` patch anywhere.
import { PassThrough } from 'node:stream';
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import * as checkpoints from '@kpl-lambda/checkpoints';
import * as cli from '@kpl-lambda/cli';
import * as core from '@kpl-lambda/core';
import * as kcl from '@kpl-lambda/kcl';
import * as localEventSourceMapping from '@kpl-lambda/local-event-source-mapping';
import * as middyAdapter from '@kpl-lambda/middy';
import * as powertools from '@kpl-lambda/powertools';
import * as producer from '@kpl-lambda/producer';
import { batchOfThreeParents, batchWithCorruptAggregate } from '@kpl-lambda/testing-utils';
import middy from '@middy/core';
import type { KinesisStreamEvent } from 'aws-lambda';

const { KplConfigurationError, KplDecodeError, KplError, KplInvalidRecordError } = core;
type ErrorClass = abstract new (...args: never[]) => Error;

/** Each package: its exports, its run-time root (middy has none), its configuration error. */
const PACKAGES: Array<{
  name: string;
  exports: object;
  root: ErrorClass | undefined;
  configuration: ErrorClass;
  misspelt: () => unknown;
}> = [
  {
    name: 'core',
    exports: core,
    root: KplError,
    configuration: KplConfigurationError,
    misspelt: () => new core.RecordAggregator({ aggregationMaxBites: 1 } as never),
  },
  {
    name: 'middy',
    exports: middyAdapter,
    root: undefined,
    configuration: middyAdapter.KplDeaggConfigurationError,
    misspelt: () => middyAdapter.kplDeagg({ onCorupt: 'fail' } as never),
  },
  {
    name: 'powertools',
    exports: powertools,
    root: powertools.KplBatchProcessorError,
    configuration: powertools.KplBatchConfigurationError,
    misspelt: () => new powertools.KplBatchProcessor({ onCorupt: 'fail' } as never),
  },
  {
    name: 'checkpoints',
    exports: checkpoints,
    root: checkpoints.KplCheckpointsError,
    configuration: checkpoints.KplCheckpointsConfigurationError,
    misspelt: () => new checkpoints.InMemoryCheckpointStore({ consumer: 'c' } as never),
  },
  {
    name: 'kcl',
    exports: kcl,
    root: kcl.KplKclError,
    configuration: kcl.KplKclConfigurationError,
    misspelt: () => kcl.start({ async processRecord() {} }, { checkpointEveryRecord: 1 } as never),
  },
  {
    name: 'cli',
    exports: cli,
    root: cli.KplCliError,
    configuration: cli.KplCliConfigurationError,
    misspelt: () =>
      cli.main(['--help'], {
        stdin: new PassThrough(),
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        env: {},
        sigal: undefined,
      } as never),
  },
  {
    name: 'producer',
    exports: producer,
    root: producer.KplProducerError,
    configuration: producer.KplProducerConfigurationError,
    misspelt: () =>
      new producer.KinesisProducer({
        client: new KinesisClient({ region: 'us-east-1' }),
        streamName: 'orders',
        maxAtempts: 3,
      } as never),
  },
  {
    name: 'local-event-source-mapping',
    exports: localEventSourceMapping,
    root: localEventSourceMapping.KplEventSourceMappingError,
    configuration: localEventSourceMapping.KplEventSourceMappingConfigurationError,
    misspelt: () =>
      new localEventSourceMapping.KinesisEventSourceMapping({
        client: new KinesisClient({ region: 'us-east-1' }),
        streamName: 'orders',
        handler: async () => undefined,
        batchSise: 10,
      } as never),
  },
];

/** What a call throws or rejects with. */
async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

function errorClassesOf(exports: object): Array<[string, ErrorClass]> {
  return Object.entries(exports).filter(
    (entry): entry is [string, ErrorClass] =>
      typeof entry[1] === 'function' && entry[1].prototype instanceof Error,
  );
}

/** The class and every class it extends, up to `Error`. */
function lineageOf(errorClass: ErrorClass): object[] {
  const lineage: object[] = [];
  for (let c: object = errorClass; c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    lineage.push(c);
  }
  return lineage;
}

describe.each(PACKAGES)('the errors of $name', ({ exports, root, configuration, misspelt }) => {
  const classes = errorClassesOf(exports);

  it('exports its root and configuration error', () => {
    expect(classes.map(([, errorClass]) => errorClass)).toEqual(
      expect.arrayContaining(root === undefined ? [configuration] : [root, configuration]),
    );
  });

  it.each(classes)(
    '%s is a KplError, under its root or KplConfigurationError, named as its class',
    (exportName, errorClass) => {
      expect(errorClass.name).toBe(exportName);
      expect(errorClass === KplError || errorClass.prototype instanceof KplError).toBe(true);
      const isConfiguration =
        errorClass === KplConfigurationError ||
        errorClass.prototype instanceof KplConfigurationError;
      const underRoot =
        root !== undefined && (errorClass === root || errorClass.prototype instanceof root);
      expect(isConfiguration || underRoot).toBe(true);
      // Core's root is every package's: below it, a class is one or the other.
      if (root !== KplError) expect(isConfiguration && underRoot).toBe(false);
      for (const c of lineageOf(errorClass)) {
        expect(Object.getOwnPropertySymbols(c)).not.toContain(Symbol.hasInstance);
      }
    },
  );

  it('refuses a misspelt option with its configuration error, naming it and the closest', async () => {
    const error = await failureOf(misspelt);
    expect(error).toBeInstanceOf(configuration);
    expect(error).toBeInstanceOf(KplConfigurationError);
    expect(error).toBeInstanceOf(KplError);
    expect((error as Error).name).toBe(configuration.name);
    expect((error as Error).message).toMatch(/^Unknown option \w+: did you mean \w+\?$/);
    expect((error as InstanceType<typeof KplConfigurationError>).option).toMatch(
      /^(aggregationMaxBites|onCorupt|consumer|checkpointEveryRecord|sigal|maxAtempts|batchSise)$/,
    );
    if (root !== undefined && root !== KplError) expect(error).not.toBeInstanceOf(root);
  });
});

describe('every error class', () => {
  it('takes its message first and keeps the cause it is given', () => {
    const cause = new Error('underneath');
    const made = [
      new KplConfigurationError('m', { option: 'o', cause }),
      new KplDecodeError('m', { reason: 'TRUNCATED', cause }),
      new core.KplPayloadDecodeError('m', { reason: 'TOO_LARGE', cause }),
      new KplInvalidRecordError('m', { cause }),
      new powertools.KplBatchConfigurationError('m', { option: 'o', cause }),
      new powertools.KplCorruptAggregateError('m', { reason: 'TRUNCATED', cause }),
      new checkpoints.KplCheckpointsConfigurationError('m', { option: 'o', cause }),
      new checkpoints.KplCheckpointsError('m', { cause }),
      new kcl.KplKclConfigurationError('m', { option: 'o', cause }),
      new kcl.KplKclProtocolError('m', { cause }),
      new cli.KplCliConfigurationError('m', { option: 'o', cause }),
      new cli.KplCliUsageError('m', { cause }),
      new cli.KplCliInputError('m', { cause }),
      new producer.KplProducerConfigurationError('m', { option: 'o', cause }),
      new producer.KplProducerError('m', { cause }),
      new localEventSourceMapping.KplEventSourceMappingConfigurationError('m', {
        option: 'o',
        cause,
      }),
      new localEventSourceMapping.KplDrainStoppedError('m', { cause }),
    ];
    for (const error of made) {
      expect(error).toMatchObject({ message: 'm', cause, name: error.constructor.name });
    }
    // As Middy's own errors: the package, and what went wrong as its data.
    expect(new middyAdapter.KplDeaggConfigurationError('m', { option: 'o', cause })).toMatchObject({
      message: 'm',
      option: 'o',
      cause: { package: '@kpl-lambda/middy', data: cause },
    });
  });

  it('keeps the domain fields of the errors that write their own message', () => {
    expect(new core.KplRecordTooLargeError(2048, 1024)).toMatchObject({
      name: 'KplRecordTooLargeError',
      recordBytes: 2048,
      maxBytes: 1024,
    });
    expect(new powertools.KplSkippedRecordError('1', 0).name).toBe('KplSkippedRecordError');
    expect(new producer.KplProducerBufferFullError(1, 1).name).toBe('KplProducerBufferFullError');
    expect(
      new producer.KplUndeliverableRecordError({
        record: { data: 'x' },
        errorCode: 'Expired',
        errorMessage: 'ttl',
      }),
    ).toMatchObject({ name: 'KplUndeliverableRecordError', errorCode: 'Expired' });
    expect(new kcl.KplKclCheckpointError('ShutdownException', '1')).toMatchObject({
      name: 'KplKclCheckpointError',
      error: 'ShutdownException',
    });
  });
});

describe('a wrapped error', () => {
  it('keeps what it wraps as its cause: a corrupt aggregate (core)', () => {
    const error = (() => {
      try {
        core.deaggregateRecords(batchWithCorruptAggregate().Records, { onCorrupt: 'throw' });
      } catch (thrown) {
        return thrown as InstanceType<typeof KplDecodeError>;
      }
    })();
    expect(error).toBeInstanceOf(KplDecodeError);
    expect(error?.cause).toBeInstanceOf(KplDecodeError);
    expect(error?.cause).toMatchObject({ reason: error?.reason });
  });

  const decodedFirst = (): KinesisStreamEvent => {
    const event = batchOfThreeParents();
    for (const record of event.Records) record.kinesis.data = { decoded: true } as never;
    return event;
  };

  it('keeps what it wraps as its cause: records decoded before kplDeagg() (middy)', async () => {
    const handler = middy(async () => undefined).use(middyAdapter.kplDeagg());
    const error = await failureOf(() => handler(decodedFirst() as never, {} as never));
    expect(error).toBeInstanceOf(middyAdapter.KplDeaggConfigurationError);
    expect(error).toMatchObject({ option: 'use' });
    expect((error as { cause: { data: unknown } }).cause.data).toBeInstanceOf(
      KplInvalidRecordError,
    );
  });

  it('keeps what it wraps as its cause: records decoded before the processor (powertools)', async () => {
    const error = await failureOf(() =>
      processPartialResponse(
        decodedFirst(),
        async () => undefined,
        new powertools.KplBatchProcessor(),
      ),
    );
    expect(error).toBeInstanceOf(powertools.KplBatchConfigurationError);
    expect(error).toMatchObject({ option: 'parser' });
    expect((error as Error).cause).toBeInstanceOf(KplInvalidRecordError);
  });
});
