import { KplKclError } from '../errors.js';

/** A command line `kpl-kcl` cannot run: it prints the message and its usage, exit code 2. */
export class LaunchUsageError extends KplKclError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LaunchUsageError';
  }
}

/** What stops the daemon from starting (no Java, no jars): `kpl-kcl` says it, exit code 1. */
export class LaunchError extends KplKclError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LaunchError';
  }
}
