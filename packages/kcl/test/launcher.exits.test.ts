// How kpl-kcl ends when what it runs ends badly: a daemon killed by a signal, a Ctrl-C while Maven
// fetches the jars. The real java and mvn cannot be made to do that on cue, nor told apart from
// a run that worked: two shell scripts stand for them, and note each run. The real daemon is run
// by launcher.test.ts.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kplKcl } from './helpers/kplKcl.js';

const directory = mkdtempSync(join(tmpdir(), 'kpl-kcl-exits-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const bin = join(directory, 'bin');
const runs = join(directory, 'runs');
const properties = join(directory, 'app.properties');
const DAEMON_JAR = 'amazon-kinesis-client-multilang-3.1.3.jar';

/** `java -version` works; the daemon's run is noted, then killed by SIGKILL, as an OOM kill. */
const JAVA = `#!/bin/sh
[ "$1" = -version ] && exit 0
echo "java $*" >> '${runs}'
kill -KILL $$
`;

/** `mvn -v` works; a fetch is noted, writes the daemon's jar unless told not to, and exits. */
const MVN = `#!/bin/sh
[ "$1" = -v ] && exit 0
echo "mvn $*" >> '${runs}'
for arg; do case "$arg" in -DoutputDirectory=*) lib="\${arg#-DoutputDirectory=}";; esac; done
[ -n "$FAKE_MVN_NO_JARS" ] || { mkdir -p "$lib" && touch "$lib/${DAEMON_JAR}"; }
exit "\${FAKE_MVN_EXIT:-0}"
`;

beforeAll(() => {
  mkdirSync(bin);
  for (const [name, script] of [
    ['java', JAVA],
    ['mvn', MVN],
  ] as const) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(properties, 'streamName = orders\n');
});
beforeEach(() => rmSync(runs, { force: true }));

const runsSoFar = () => readFileSync(runs, 'utf8').trim().split('\n');
const env = (more: NodeJS.ProcessEnv = {}) => ({
  JAVA_HOME: directory,
  PATH: `${bin}:/usr/bin:/bin`,
  ...more,
});
const aborted = () => {
  const controller = new AbortController();
  controller.abort();
  return controller.signal;
};

describe('kpl-kcl, a daemon killed by a signal', () => {
  it('exits 1, not 0: the daemon has no exit code of its own', async () => {
    const cache = join(directory, 'cache-of-the-environment');
    mkdirSync(join(cache, '3.1.3/lib'), { recursive: true });
    writeFileSync(join(cache, '3.1.3/lib', DAEMON_JAR), '');

    const run = await kplKcl(['--properties', properties], env({ KPL_KCL_CACHE: cache }));

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`KCL 3.1.3 (jars in ${cache}/3.1.3)`);
    expect(runsSoFar()).toEqual([
      expect.stringMatching(/^java .* software\.amazon\.kinesis\.multilang\.MultiLangDaemon /),
    ]);
  });
});

describe('kpl-kcl stopped while Maven fetches the jars', () => {
  it('exits 130, and never starts the daemon', async () => {
    const cache = join(directory, 'cache-stopped');

    const run = await kplKcl(['--properties', properties, '--cache', cache], env(), {
      signal: aborted(),
    });

    expect(run.code).toBe(130);
    expect(runsSoFar()).toEqual([expect.stringMatching(/^mvn /)]);
  });

  it('exits 130 without a word of Maven failing: the Ctrl-C stopped it too', async () => {
    const cache = join(directory, 'cache-interrupted');

    const run = await kplKcl(
      ['--properties', properties, '--cache', cache],
      env({ FAKE_MVN_EXIT: '130', FAKE_MVN_NO_JARS: '1' }),
      { signal: aborted() },
    );

    expect(run.code).toBe(130);
    expect(run.stderr).not.toContain('Maven could not fetch');
    expect(runsSoFar()).toEqual([expect.stringMatching(/^mvn /)]);
  });
});

describe('kpl-kcl and a Maven that ends well without the jars', () => {
  it('exits 1, saying where they are missing', async () => {
    const cache = join(directory, 'cache-empty');

    const run = await kplKcl(
      ['--properties', properties, '--cache', cache],
      env({ FAKE_MVN_NO_JARS: '1' }),
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${cache}/3.1.3/lib`);
    expect(runsSoFar()).toEqual([expect.stringMatching(/^mvn /)]);
  });
});
