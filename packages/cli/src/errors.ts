import { KplError } from '@kpl-lambda/core';

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
export class KplCliUsageError extends KplError {
  public constructor(message: string) {
    super(message);
    this.name = 'KplCliUsageError';
  }
}
