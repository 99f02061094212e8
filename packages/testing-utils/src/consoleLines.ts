const METHODS = ['debug', 'info', 'log', 'warn', 'error'] as const;

/** A line written to the console while {@link withConsoleLines} ran: its method and its text. */
export type ConsoleLine = [method: (typeof METHODS)[number], text: string];

/**
 * Runs `run` with the console's methods replaced by a recorder (nothing reaches the terminal),
 * and returns what it returned and each line written, for tests of what a package logs when it
 * is given no logger.
 */
export async function withConsoleLines<T>(
  run: () => Promise<T>,
): Promise<{ result: T; lines: ConsoleLine[] }> {
  const lines: ConsoleLine[] = [];
  const originals = METHODS.map((method) => [method, console[method]] as const);
  for (const method of METHODS) {
    console[method] = (...args: unknown[]) => lines.push([method, args.map(String).join(' ')]);
  }
  try {
    return { result: await run(), lines };
  } finally {
    for (const [method, original] of originals) console[method] = original;
  }
}
