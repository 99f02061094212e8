import { KplError } from '@kpl-lambda/core';

/**
 * `drain()` stopped before every shard was read: its `timeoutMs` passed or its `signal` was
 * aborted (typically: a handler that always fails, with `maximumRetryAttempts: -1`). What was
 * checkpointed stays checkpointed; `drain()` may be called again.
 *
 * @example
 * ```ts
 * await expect(mapping.drain({ timeoutMs: 5_000 })).rejects.toThrow(KplDrainStoppedError);
 * ```
 */
export class KplDrainStoppedError extends KplError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KplDrainStoppedError';
  }
}
