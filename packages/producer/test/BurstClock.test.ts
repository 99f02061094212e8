import { setTimeout as sleep } from 'node:timers/promises';
import { BurstClock } from '../src/sending/BurstClock.js';

describe('BurstClock', () => {
  it('gives every read of one synchronous burst the moment it began, and a new one after', async () => {
    const clock = new BurstClock();
    const began = clock.now();
    const busyUntil = Date.now() + 5;
    while (Date.now() < busyUntil) {
      // a long loop of puts
    }
    expect(clock.now()).toBe(began);

    await sleep(5);
    expect(clock.now()).toBeGreaterThanOrEqual(began + 5);
  });
});
