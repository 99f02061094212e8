// Timing for `npm run bench`, shared by the packages' benchmarks.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { Bench } from 'tinybench';

/**
 * `npm run bench -- --quick` (about two minutes in all): one process per case, fewer and shorter
 * rounds, smaller batches where a case is long, and no peak-RSS processes (each is a second of
 * start-up for one figure). Figures for READMEs come from the full mode only.
 */
export const QUICK = process.argv.includes('--quick') || process.env.KPL_BENCH_QUICK === '1';

/**
 * Median milliseconds per run of each task (`{ name: task }`, in the order given). The tasks take
 * turns over several short rounds, in alternating order, and each round's median counts once:
 * on a shared machine a neighbour's burst then moves one round of one task, not the comparison. A task is a function, or `{ fn, beforeEach }` (see
 * {@link onFreshRecords}).
 */
export async function medianMilliseconds(
  tasks,
  { rounds = QUICK ? 3 : 7, time = QUICK ? 40 : 300, iterations = QUICK ? 3 : 5 } = {},
) {
  const names = Object.keys(tasks);
  const samples = new Map(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // At least `time` ms and `iterations` runs per task and round (tinybench's default is 64 runs).
    const bench = new Bench({
      time,
      iterations,
      warmupTime: round === 0 ? (QUICK ? 100 : 300) : 50,
      warmupIterations: round === 0 ? iterations : 1,
      // No forced collection: each task pays for the collections its garbage and its turn bring
      // about, as a function does in Lambda. Taking turns spreads what one leaves to the next.
    });
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const { fn, beforeEach } = partsOf(tasks[name]);
      bench.add(name, fn, { beforeEach });
    }
    await bench.run();
    for (const task of bench.tasks) {
      if (task.result.error) throw task.result.error;
      samples.get(task.name).push(task.result.latency.p50);
    }
  }
  return names.map((name) => medianOf(samples.get(name)));
}

/**
 * A task on `records` whose every run, timed or not, is given them afresh, untimed: new objects
 * with the same data and their partition keys as new strings, as a new event or request brings
 * them. Records used again would carry what earlier runs left on them: V8 keeps a string's hash
 * in the string, and turns one it looked up by text into a pointer to its own copy, so from the
 * second run every key would be found faster than in real use (5% to 10% of the producer's time,
 * and of `aws-kinesis-agg`'s, in single runs of 2026-12-05).
 */
export function onFreshRecords(records, fn) {
  let fresh;
  return {
    beforeEach: () => {
      fresh = freshCopyOf(records);
    },
    fn: () => fn(fresh),
  };
}

/** New objects with the same data, and their partition keys as new strings (see onFreshRecords). */
export const freshCopyOf = (records) =>
  records.map((record) => ({
    ...record,
    partitionKey: Buffer.from(record.partitionKey, 'utf8').toString('utf8'),
  }));

const partsOf = (task) => (typeof task === 'function' ? { fn: task } : task);

/**
 * Runs each case of a benchmark file in processes of its own and returns, per case name, what
 * each process's run returned (JSON). What one case leaves in V8 (optimised code, allocation
 * sites it chose to pretenure) would otherwise weigh on the next, and how V8 happens to optimise
 * a process moves a whole run, so several processes are taken. `cases` maps a name to an async
 * function returning a JSON value; `url` is the benchmark file's `import.meta.url`. In a child,
 * runs the one case named on its command line, prints its result and returns undefined.
 * `rssTasksOf(caseName)` names the tasks whose peak RSS is measured, each in processes of its own
 * (the case then returns {@link rssGrowthOf} of the task named by {@link rssTask}); each run's
 * `rss` maps them to the median growth in bytes.
 */
export async function runCasesInProcesses(cases, url, processes, { rssTasksOf = () => [] } = {}) {
  if (QUICK) processes = 1;
  if (runsOneCase() !== undefined) return runCase(cases);
  const runs = new Map();
  for (const name of Object.keys(cases)) {
    const caseRuns = Array.from({ length: processes }, () =>
      runChild(url, name, process.execArgv, {}),
    );
    const rss = peakRssOf(url, name, rssTasksOf(name), Math.min(processes, 3));
    for (const caseRun of caseRuns) caseRun.rss = rss;
    runs.set(name, caseRuns);
  }
  return runs;
}

/** In a child: the case named on its command line; undefined in the process that starts them. */
export const runsOneCase = () =>
  process.argv.slice(2).find((argument) => !argument.startsWith('--'));

async function runCase(cases) {
  process.stdout.write(JSON.stringify(await cases[runsOneCase()]()));
  return undefined;
}

function runChild(url, name, execArgv, env, node = process.execPath) {
  return JSON.parse(
    execFileSync(node, [...execArgv, fileURLToPath(url), name], {
      encoding: 'utf8',
      env: { ...process.env, KPL_BENCH_QUICK: QUICK ? '1' : '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
}

/** Peak RSS needs a process of its own per task, with V8's default heap sizes. */
function peakRssOf(url, name, tasks, processes) {
  const rss = {};
  for (const task of QUICK ? [] : tasks) {
    const growths = Array.from({ length: processes }, () =>
      runChild(url, name, ['--expose-gc'], { [RSS_TASK]: task }),
    );
    rss[task] = medianOf(growths);
  }
  return rss;
}

/**
 * The young generation Lambda gives a function of each memory size (`--max-semi-space-size`, about
 * memory / 20 MB), each timed on the primary Node.js; Node.js 20 at 1 GB, for the record.
 */
export const LAMBDA_SETTINGS = [
  { label: '128 MB', semiSpaceMb: 6 },
  { label: '1 GB', semiSpaceMb: 51 },
  { label: '3 GB', semiSpaceMb: 150 },
  { label: '1 GB, Node.js 20', semiSpaceMb: 51, node: '20' },
];
/** The size the floors are compared at, and the one size of the quick mode. */
export const FLOOR_SETTING = '1 GB';
const QUICK_SETTINGS = LAMBDA_SETTINGS.filter(({ label }) => label === FLOOR_SETTING);

/** In a process that measures memory (not timed): see {@link runCasesAtLambdaSizes}. */
export const MEASURING_MEMORY = process.env.KPL_BENCH_MEMORY === '1';

/**
 * {@link runCasesInProcesses} at Lambda's memory sizes: each case runs in `processes` fresh
 * processes per setting of {@link LAMBDA_SETTINGS}, with that young generation and no way to force
 * a collection (`times`: case name to setting label to the runs), and once more with V8's default
 * heap and `--expose-gc`, with {@link MEASURING_MEMORY} set, for what it allocates and keeps
 * (`memory`: case name to that run, whose `rss` holds the peak RSS growths of `rssTasksOf`), and
 * the labels of the settings run (`settings`, in order).
 */
export async function runCasesAtLambdaSizes(cases, url, processes, { rssTasksOf = () => [] } = {}) {
  if (QUICK) processes = 1;
  if (runsOneCase() !== undefined) return runCase(cases);
  const times = new Map();
  const memory = new Map();
  const settings = QUICK ? QUICK_SETTINGS : LAMBDA_SETTINGS;
  for (const name of Object.keys(cases)) {
    const bySetting = new Map();
    for (const setting of settings) {
      const flags = [`--max-semi-space-size=${setting.semiSpaceMb}`];
      const node = setting.node === undefined ? process.execPath : nodeOf(setting.node);
      bySetting.set(
        setting.label,
        Array.from({ length: processes }, () => runChild(url, name, flags, {}, node)),
      );
    }
    times.set(name, bySetting);
    const memoryRun = runChild(url, name, ['--expose-gc'], { KPL_BENCH_MEMORY: '1' });
    memoryRun.rss = peakRssOf(url, name, rssTasksOf(name), Math.min(processes, 3));
    memory.set(name, memoryRun);
  }
  return { times, memory, settings: settings.map(({ label }) => label) };
}

const nodes = new Map();
/** The path of a Node.js release's binary, from the npm registry's `node` package (cached by npx). */
function nodeOf(major) {
  if (!nodes.has(major)) {
    const path = execFileSync(
      'npx',
      ['--yes', '-p', `node@${major}`, '--', 'node', '-p', 'process.execPath'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    ).trim();
    nodes.set(major, path);
  }
  return nodes.get(major);
}

/** Bytes as whole kilobytes, for the tables. */
export const kilobytes = (bytes) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;

/** A task's peak RSS growth from a run's `rss`; empty where none was measured (quick mode). */
export const rssCell = (rss, task) => (task in rss ? kilobytes(rss[task]) : '');

const RSS_TASK = 'KPL_BENCH_RSS_TASK';

/** In a child started for peak RSS, the task it is to run once; otherwise undefined. */
export const rssTask = process.env[RSS_TASK];

/**
 * How much one call of `task` grows the resident set of a fresh process, in bytes, whose setup is
 * done and collected: the pages the call needed, at V8's default heap sizes (a collection during
 * the call keeps its pages resident, so what is left after is the peak). The first call, as in a
 * cold Lambda invocation: compiling is part of it, and small against a batch.
 */
export async function rssGrowthOf(task) {
  const { fn, beforeEach } = partsOf(task);
  await beforeEach?.();
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage().rss;
  const result = await fn();
  const growth = process.memoryUsage().rss - before;
  if (result === undefined) throw new Error('rssGrowthOf needs the task to return what it made');
  return growth;
}

/**
 * The floor's one copy of the data: each user record's bytes in turn into fresh buffers of the
 * given sizes (the aggregates an implementation writes: each makes its own), as one buffer fills
 * the next is made. One buffer of the whole input instead is mapped afresh on every run, and its
 * page faults and collections made that floor slower than the producer it bounds (119 to 263 ms
 * against 92 ms for 200 MB).
 */
export function copyIntoBuffersOf(sizes, datas) {
  const buffers = [];
  let into = Buffer.alloc(0);
  let at = 0;
  for (const data of datas) {
    if (at + data.length > into.length) {
      into = Buffer.allocUnsafe(Math.max(sizes[buffers.length] ?? 0, data.length));
      buffers.push(into);
      at = 0;
    }
    into.set(data, at);
    at += data.length;
  }
  return buffers;
}

/** The median of numbers (the upper one of an even count). */
export const medianOf = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * The memory one call of `task` allocates and keeps, in bytes of V8 heap plus the Buffers outside
 * it: `allocated` is everything the call makes, garbage included: the growth over the call plus
 * what each collection during it freed (the aggregates' external memory can start one even in a
 * large young generation; `collections` counts them); `retained` is what is left after a full
 * collection with the result still held.
 */
export async function memoryOf(task) {
  const { fn, beforeEach } = partsOf(task);
  // One source for the totals and for the collections' before and after: V8's.
  const used = () => {
    const { used_heap_size, external_memory } = getHeapStatistics();
    return used_heap_size + external_memory;
  };
  const usedIn = ({ heapStatistics }) =>
    heapStatistics.usedHeapSize + heapStatistics.externalMemory;
  // Compiled and warm, like the timed runs. In a function of its own: an async function keeps what
  // an await gave in its frame until the next await, which would count this run's output as
  // there before the measured one, and free it during it.
  await beforeEach?.();
  await warmUp(fn);
  // The measured call's own input, made before the baseline: it is not counted as allocated.
  await beforeEach?.();
  // Twice: Buffers are freed by the collection after the one that found them unreachable.
  globalThis.gc();
  globalThis.gc();
  const profiler = new GCProfiler();
  const before = used();
  profiler.start();
  const result = await fn();
  const { statistics } = profiler.stop();
  const freed = statistics.reduce(
    (sum, { beforeGC, afterGC }) => sum + usedIn(beforeGC) - usedIn(afterGC),
    0,
  );
  const allocated = used() - before + freed;
  globalThis.gc();
  globalThis.gc();
  const retained = used() - before;
  if (result === undefined) throw new Error('memoryOf needs the task to return what it made');
  return { allocated, retained, collections: statistics.length };
}

async function warmUp(task) {
  await task();
}

/**
 * Replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in a results file
 * (a package's BENCHMARKS.md) with `markdown`, stamped with the date, Node.js and machine; only
 * in the full mode.
 */
export function updateResults(fileUrl, name, markdown) {
  if (QUICK) return;
  const path = fileURLToPath(fileUrl);
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`${path} has no ${start} ... ${end}`);
  const stamp = `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\`, Node.js ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim()}.`;
  writeFileSync(
    path,
    `${text.slice(0, from + start.length)}\n${stamp}\n\n${markdown}\n${text.slice(to)}`,
  );
}
