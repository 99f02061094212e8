/** Adds up the amounts of each key: the totals of a window, or of what a test put. */
export function sumByKey(amounts: Iterable<readonly [string, number]>): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const [key, amount] of amounts) totals[key] = (totals[key] ?? 0) + amount;
  return totals;
}
