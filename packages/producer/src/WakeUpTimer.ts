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

  /** Calls back at `at` (never, with `Infinity`), instead of any time set before. */
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
      Math.max(0, at - now),
    );
  }
}
