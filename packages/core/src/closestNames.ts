/**
 * The known names near enough `key` to be what was meant: those fewest edits away (a typo, a
 * swap), else those that share the longest start with it (`maxBufferedMilliseconds`,
 * `checkpointEvery`); none when nothing is near. What `assertKnownOptions` suggests, for
 * the names a package checks that are not options (the methods of a processor).
 *
 * @example
 * ```ts
 * import { closestNames } from '@kpl-lambda/core/internal';
 * closestNames('processRecrod', ['processRecord', 'processRecords', 'leaseLost']); // ['processRecord']
 * ```
 */
export function closestNames(key: string, known: readonly string[]): string[] {
  const lower = key.toLowerCase();
  const byDistance = bestOf(known, (name) => {
    const distance = editDistance(lower, name.toLowerCase());
    const near =
      distance <= Math.max(1, Math.floor(key.length / 4)) &&
      distance < Math.min(key.length, name.length) / 2;
    return near ? -distance : undefined;
  });
  if (byDistance.length > 0) return byDistance;
  return bestOf(known, (name) => {
    const shared = sharedStart(lower, name.toLowerCase());
    return shared >= 5 && shared >= Math.min(key.length, name.length) * 0.6 ? shared : undefined;
  });
}

/** The names of the highest score (undefined: not a candidate). */
function bestOf(names: readonly string[], score: (name: string) => number | undefined): string[] {
  let best: string[] = [];
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const name of names) {
    const value = score(name);
    if (value === undefined || value < bestScore) continue;
    if (value > bestScore) best = [];
    best.push(name);
    bestScore = value;
  }
  return best;
}

function sharedStart(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

/** Levenshtein distance, with a swap of two neighbours counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
      }
    }
  }
  return rows[a.length]![b.length]!;
}
