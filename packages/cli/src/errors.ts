import {
  KplConfigurationError,
  type KplConfigurationErrorOptions,
  KplError,
} from '@kpl-lambda/core';

/**
 * Base class of the errors `kpl` commands fail with (a `KplError`, like every kpl-lambda error;
 * an `io` `main` cannot use is a {@link KplCliConfigurationError}). Thrown as it is where the
 * machine stops a command, a local port taken for one: `main` prints its message, exit code 1.
 *
 * @example
 * ```ts
 * import { KplCliError } from '@kpl-lambda/cli';
 * if (error instanceof KplCliError) console.error(error.message);
 * ```
 */
export class KplCliError extends KplError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplCliError';
  }
}

/**
 * A command line the `kpl` command cannot run: an unknown command or option, a missing value.
 * `main` prints its message and `kpl <command> --help`, and returns exit code 2.
 *
 * @example
 * ```ts
 * import { KplCliUsageError } from '@kpl-lambda/cli';
 * throw new KplCliUsageError('--stream is required');
 * ```
 */
export class KplCliUsageError extends KplCliError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplCliUsageError';
  }
}

/**
 * Input a command cannot read: a Lambda record whose `data` is not base64, JSON that does not
 * parse. `main` prints its message, one line, and returns exit code 1.
 *
 * @example
 * ```ts
 * import { KplCliInputError } from '@kpl-lambda/cli';
 * throw new KplCliInputError('Record 0 of the input: kinesis.data is not base64');
 * ```
 */
export class KplCliInputError extends KplCliError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplCliInputError';
  }
}

/**
 * `main` was called with an `io` it cannot use (`option` names the key): an unknown key, a
 * stream that is not one. Thrown (the promise rejects), since no exit code can say it.
 *
 * @example
 * ```ts
 * import { KplCliConfigurationError, main } from '@kpl-lambda/cli';
 * await main(['inspect'], { stdin, stdout, stderr, env, sigal }); // rejects: did you mean signal?
 * ```
 */
export class KplCliConfigurationError extends KplConfigurationError {
  public constructor(message: string, options: KplConfigurationErrorOptions) {
    super(message, options);
    this.name = 'KplCliConfigurationError';
  }
}

/** Standard input was being read when the command was stopped (Ctrl-C, a closed output). */
export class KplCliStoppedError extends KplCliError {
  public constructor() {
    super('stopped');
    this.name = 'KplCliStoppedError';
  }
}

/** The message of whatever was thrown (an error of another realm too: no `instanceof`). */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
