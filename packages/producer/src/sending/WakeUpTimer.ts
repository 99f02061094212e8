import { MAX_TIMER_MS } from '@kpl-lambda/core';

/**
 * One timer for the earliest time something buffered may be sent (a linger ending, a backoff
 * ending). It is not unref'd: records are waiting, and a process that exits now would lose them.
 */
export class WakeUpTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #at = Number.POSITIVE_INFINITY;
  readonly #wakeUp: () => void;

  public constructor(wakeUp: () => void) {
    this.#wakeUp = wakeUp;
  }

  /**
   * Calls back at `at` (never, with `Infinity`), instead of any time set before. A time further
   * than a timer can wait calls back early, at the longest wait: Node.js would fire it at once.
   */
  public set(at: number, now: number): void {
    if (at === this.#at) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#at = Number.POSITIVE_INFINITY;
        this.#wakeUp();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at - now)),
    );
  }
}
