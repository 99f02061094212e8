import { MAX_TIMER_MS } from '@kpl-lambda/core';
import { WakeUpTimer } from '../src/sending/WakeUpTimer.js';

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('WakeUpTimer', () => {
  it('calls back at the time set, once', () => {
    const wakeUp = jest.fn();
    new WakeUpTimer(wakeUp).set(100, 0);

    jest.advanceTimersByTime(99);
    expect(wakeUp).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1_000);
    expect(wakeUp).toHaveBeenCalledTimes(1);
  });

  it('waits for a time further than a timer can wait, instead of firing at once', () => {
    const wakeUp = jest.fn();
    const timer = new WakeUpTimer(wakeUp);

    // Node.js (and the fake clock, as it) fires a timer of more than MAX_TIMER_MS after 1 ms.
    timer.set(2 ** 32, 0);
    jest.advanceTimersByTime(60_000);

    expect(wakeUp).not.toHaveBeenCalled();
    // It wakes up no later than a timer can wait: early, which only costs one look.
    jest.advanceTimersByTime(MAX_TIMER_MS);
    expect(wakeUp).toHaveBeenCalledTimes(1);
  });

  it('sets no timer for never, and clears the one it had', () => {
    const wakeUp = jest.fn();
    const timer = new WakeUpTimer(wakeUp);

    timer.set(100, 0);
    timer.set(Number.POSITIVE_INFINITY, 0);

    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1_000);
    expect(wakeUp).not.toHaveBeenCalled();
  });
});
