/** Groups shown at most: past them, one line says how many more. */
const MAX_GROUPS = 10;
/** Ranges of line numbers shown at most. */
const MAX_RANGES = 20;

const count = (value: number) => value.toLocaleString('en-US');

/** Line numbers as ranges (`1-5, 9, 12-20`), the first few of them when there are many. */
export function lineRanges(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]! <= sorted[j]! + 1) j++;
    ranges.push(sorted[i] === sorted[j] ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  const shown = ranges.slice(0, MAX_RANGES).join(', ');
  return ranges.length > MAX_RANGES ? `${shown}, ... (${count(sorted.length)} lines)` : shown;
}

/**
 * One line per distinct message, most frequent first, with how many times it came and the lines
 * it came from (when known): 20,000 undeliverable records of one cause are one line, not 20,000.
 */
export function groupedLines(
  prefix: string,
  items: ReadonlyArray<{ message: string; line?: number | undefined }>,
): string[] {
  const groups = new Map<string, { times: number; lines: number[] }>();
  for (const { message, line } of items) {
    const group = groups.get(message) ?? { times: 0, lines: [] };
    group.times++;
    if (line !== undefined) group.lines.push(line);
    groups.set(message, group);
  }
  const ordered = [...groups].sort(([, a], [, b]) => b.times - a.times);
  const lines = ordered.slice(0, MAX_GROUPS).map(([message, { times, lines: numbers }]) => {
    const where =
      numbers.length === 0
        ? ''
        : ` (line${numbers.length === 1 ? '' : 's'} ${lineRanges(numbers)})`;
    return `${prefix}${count(times)} × ${message}${where}`;
  });
  if (ordered.length > MAX_GROUPS) {
    const rest = ordered.slice(MAX_GROUPS).reduce((sum, [, { times }]) => sum + times, 0);
    lines.push(
      `${prefix}${MAX_GROUPS} errors shown, ${ordered.length - MAX_GROUPS} more (${count(rest)} times)`,
    );
  }
  return lines;
}
