// Compile-time checks, run by `tsc -b` (npm test): an expectTypeOf that does not hold, or an
// expected type error that does not happen, fails the type check. Jest runs main once.
import { PassThrough } from 'node:stream';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  type CliIo,
  type DataFormat,
  type InspectedParent,
  type InspectedUserRecord,
  KplCliConfigurationError,
  type KplCliError,
  type KplCliInputError,
  type KplCliUsageError,
  main,
} from '@kpl-lambda/cli';
import type { KplConfigurationError, KplError } from '@kpl-lambda/core';
import { expectTypeOf } from 'expect-type';

const streams = () => ({
  stdin: new PassThrough(),
  stdout: new PassThrough(),
  stderr: new PassThrough(),
});

describe('cli types', () => {
  it('runs main(argv, io) on the process streams, as the README shows, and resolves to the exit code', async () => {
    expectTypeOf(main).parameters.toEqualTypeOf<[argv: readonly string[], io: CliIo]>();
    expectTypeOf(main).returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf({
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
    }).toMatchTypeOf<CliIo>();
    expectTypeOf(['inspect', '--json'] as const).toMatchTypeOf<Parameters<typeof main>[0]>();
    const io = { ...streams(), env: {} };
    await expect(main(['--help'], io)).resolves.toBe(0);
    expect(String(io.stdout.read())).toContain('kpl');
  });

  it('refuses a misspelt io key', () =>
    expect(
      main(['--help'], {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        env: {},
        // @ts-expect-error not a key: signal
        abortSignal: new AbortController().signal,
      }),
    ).rejects.toThrow(KplCliConfigurationError));

  it('types io: the streams, env, a signal and a Kinesis client of its own', () => {
    expectTypeOf<CliIo['env']>().toEqualTypeOf<NodeJS.ProcessEnv>();
    expectTypeOf<CliIo['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<NonNullable<CliIo['kinesisClient']>>().returns.toEqualTypeOf<KinesisClient>();
    expectTypeOf<NonNullable<CliIo['kinesisClient']>>().parameter(0).toEqualTypeOf<{
      endpoint?: string | undefined;
      region?: string | undefined;
    }>();
    expectTypeOf<{ stdout: PassThrough; stderr: PassThrough }>().not.toMatchTypeOf<CliIo>();
  });

  it('types what inspect --json writes', () => {
    expectTypeOf<DataFormat>().toEqualTypeOf<'auto' | 'text' | 'json' | 'hex' | 'base64'>();
    expectTypeOf<InspectedParent['type']>().toEqualTypeOf<'parent'>();
    expectTypeOf<InspectedParent['kind']>().toEqualTypeOf<'aggregate' | 'plain' | 'corrupt'>();
    expectTypeOf<InspectedParent['digest']>().toEqualTypeOf<'valid' | 'mismatch' | 'none'>();
    expectTypeOf<InspectedParent['outsideShard']>().toEqualTypeOf<number | null>();
    expectTypeOf<InspectedUserRecord['type']>().toEqualTypeOf<'userRecord'>();
    expectTypeOf<InspectedUserRecord['partitionKey']>().toEqualTypeOf<string | null>();
    expectTypeOf<InspectedUserRecord['format']>().toEqualTypeOf<Exclude<DataFormat, 'auto'>>();
    expectTypeOf<InspectedUserRecord['data']>().toEqualTypeOf<string>();
    expectTypeOf<InspectedUserRecord['innerIndex']>().toEqualTypeOf<number | null | undefined>();
  });

  it('has errors of the kpl-lambda hierarchy, and leaks no any', () => {
    expectTypeOf<KplCliUsageError>().toMatchTypeOf<KplCliError>();
    expectTypeOf<KplCliInputError>().toMatchTypeOf<KplCliError>();
    expectTypeOf<KplCliError>().toMatchTypeOf<KplError>();
    expectTypeOf<KplCliConfigurationError>().toMatchTypeOf<KplConfigurationError>();
    expectTypeOf<CliIo>().not.toBeAny();
    expectTypeOf<InspectedParent>().not.toBeAny();
    expectTypeOf<InspectedUserRecord>().not.toBeAny();
    expectTypeOf<InspectedUserRecord['cloudWatchLogs']>().not.toBeAny();
  });
});
