import type { KinesisClient } from '@aws-sdk/client-kinesis';

/** Where a command reads and writes: the process's own streams, or a test's. */
export interface CliIo {
  /** Read when a command's input is `-` or absent. */
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** `AWS_REGION`, `AWS_ENDPOINT_URL_KINESIS` and the rest, as the SDK reads them. */
  env: NodeJS.ProcessEnv;
  /** Stops `kpl tail` (Ctrl-C in the binary). */
  signal?: AbortSignal;
  /** Makes the Kinesis client of `tail`, `put` and `redrive`; default: from `--endpoint` and env. */
  kinesisClient?: (options: {
    endpoint?: string | undefined;
    region?: string | undefined;
  }) => KinesisClient;
}
