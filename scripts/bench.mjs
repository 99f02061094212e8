// Timing for `npm run bench`, shared by the packages' benchmarks.
import { Bench } from 'tinybench';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

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
    });
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) bench.add(name, tasks[name]);
    await bench.run();
    for (const task of bench.tasks) samples.get(task.name).push(task.result.latency.p50);
  }
  return names.map((name) => median(samples.get(name)));
}
