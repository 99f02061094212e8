import { KplError } from '@kpl-lambda/core';

/** A command line `kpl-kcl` cannot run: it prints the message and its usage, exit code 2. */
export class LaunchUsageError extends KplError {
  public constructor(message: string) {
    super(message);
    this.name = 'LaunchUsageError';
  }
}

/** What stops the daemon from starting (no Java, no jars): `kpl-kcl` says it, exit code 1. */
export class LaunchError extends KplError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LaunchError';
  }
}
