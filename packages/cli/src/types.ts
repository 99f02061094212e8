import type { KinesisClient } from '@aws-sdk/client-kinesis';

/**
 * Where a command reads and writes: the process's own streams, or a test's. `main` refuses a key
 * it does not know.
 */
export interface CliIo {
  /** Read when a command's input is `-` or absent; a terminal gets a hint on `stderr`. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** A terminal's (`isTTY`) gets tables cut to its `columns`. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * `AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_KINESIS`, `AWS_ENDPOINT_URL_DYNAMODB`:
   * the endpoints and region of the clients a command makes (the SDK reads the rest, such as
   * credentials, from the process).
   */
  env: NodeJS.ProcessEnv;
  /**
   * Stops a command (Ctrl-C in the binary, or its standard output closing): `tail` ends, the
   * others finish the record in hand, report what they did, and exit with 130.
   */
  signal?: AbortSignal;
  /** Makes the Kinesis client of `tail`, `put` and `redrive`; default: from the flags and `env`. */
  kinesisClient?: (options: {
    endpoint?: string | undefined;
    region?: string | undefined;
  }) => KinesisClient;
}
