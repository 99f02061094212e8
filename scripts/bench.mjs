// Timing for `npm run bench`, shared by the packages' benchmarks.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

/**
 * Median milliseconds per run of each task (`{ name: fn }`, in the order given). The tasks take
 * turns over several short rounds, in alternating order, and each round's median counts once:
 * on a shared machine a neighbour's burst or a garbage collection then moves one round of one
 * task, not the comparison.
 */
export async function medianMilliseconds(tasks, { rounds = 7, time = 300, iterations = 5 } = {}) {
  const names = Object.keys(tasks);
  const samples = new Map(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // At least `time` ms and `iterations` runs per task and round (tinybench's default is 64 runs).
    const bench = new Bench({
      time,
      iterations,
      warmupTime: round === 0 ? 300 : 50,
      warmupIterations: round === 0 ? iterations : 1,
      // A full collection before each task's turn (node --expose-gc), so that no task pays for
      // the garbage another left behind.
      setup: () => globalThis.gc?.(),
    });
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) bench.add(name, tasks[name]);
    await bench.run();
    for (const task of bench.tasks) samples.get(task.name).push(task.result.latency.p50);
  }
  return names.map((name) => medianOf(samples.get(name)));
}

/**
 * Runs each case of a benchmark file in processes of its own and returns, per case name, what
 * each process's run returned (JSON). What one case leaves in V8 (optimised code, allocation
 * sites it chose to pretenure) would otherwise weigh on the next, and how V8 happens to optimise
 * a process moves a whole run, so several processes are taken. `cases` maps a name to an async
 * function returning a JSON value; `url` is the benchmark file's `import.meta.url`. In a child,
 * runs the one case named on its command line, prints its result and returns undefined.
 */
export async function runCasesInProcesses(cases, url, processes) {
  const caseName = process.argv[2];
  if (caseName !== undefined) {
    process.stdout.write(JSON.stringify(await cases[caseName]()));
    return undefined;
  }
  const runs = new Map();
  for (const name of Object.keys(cases)) {
    const args = [...process.execArgv, fileURLToPath(url), name];
    runs.set(
      name,
      Array.from({ length: processes }, () =>
        JSON.parse(
          execFileSync(process.execPath, args, {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit'],
            maxBuffer: 64 * 1024 * 1024,
          }),
        ),
      ),
    );
  }
  return runs;
}

/** The median of numbers (the upper one of an even count). */
export const medianOf = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
