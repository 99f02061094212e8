/**
 * How the user records of a test fare, each known by a key of its own (an index, a message):
 * `handle(key)` throws when `fails(key, attempt)` says so (the first attempt is 1), else counts a
 * success. `attempts` counts every run, `successes` the ones that did not throw.
 */
export function outcomes<Key>(fails: (key: Key, attempt: number) => boolean) {
  const attempts = new Map<Key, number>();
  const successes = new Map<Key, number>();
  const handle = (key: Key) => {
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    if (fails(key, attempt)) throw new Error(`${String(key)} failed`);
    successes.set(key, (successes.get(key) ?? 0) + 1);
  };
  return { attempts, successes, handle };
}
