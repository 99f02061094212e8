// The habits that keep the repository one house: what each published package ships, the
// package.json fields a registry page needs, the one build script, the references `tsc -b`
// follows, and a release that lerna can version from the conventional commits.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license: string;
  repository?: { directory?: string };
  bugs?: { url?: string };
  homepage?: string;
  publishConfig?: { access?: string };
  scripts?: { build?: string };
  bin?: Record<string, string>;
}

const packages = readdirSync(join(root, 'packages')).map((directory) => ({
  directory,
  manifest: readJson(join(root, 'packages', directory, 'package.json')) as Manifest,
}));
const published = packages.filter(({ manifest }) => manifest.private !== true);

describe.each(published.map((entry) => [entry.manifest.name, entry]))(
  '%s',
  (_, { directory, manifest }) => {
    const packageDirectory = join(root, 'packages', directory);

    it('ships only its builds, its bin entry, README, CHANGELOG and LICENSE', () => {
      const [packed] = JSON.parse(
        execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
          cwd: packageDirectory,
          encoding: 'utf8',
        }),
      ) as Array<{ files: Array<{ path: string }> }>;
      const files = packed!.files.map((file) => file.path);

      const bins = Object.values(manifest.bin ?? {}).map((path) => path.replace(/^\.\//, ''));
      expect(
        files.filter(
          (file) =>
            !bins.includes(file) &&
            !/^(dist\/(esm|cjs)\/.+\.(js|d\.ts|js\.map)|dist\/cjs\/package\.json|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/.test(
              file,
            ),
        ),
      ).toEqual([]);
      expect(files).toEqual(
        expect.arrayContaining([
          'LICENSE',
          'README.md',
          'CHANGELOG.md',
          'dist/esm/index.js',
          'dist/esm/index.d.ts',
          'dist/cjs/index.js',
          'dist/cjs/package.json',
        ]),
      );
    });

    it('says where it comes from and how it is published', () => {
      expect(manifest).toMatchObject({
        license: 'MIT-0',
        repository: { directory: `packages/${directory}` },
        bugs: { url: expect.stringMatching(/^https:/) },
        homepage: expect.stringContaining(`packages/${directory}`),
        publishConfig: { access: 'public' },
      });
    });

    it('builds with the one build script, and is a reference of the root tsconfig', () => {
      expect(manifest.scripts?.build).toBe('node ../../scripts/build-package.mjs');
      const references = (
        readJson(join(root, 'tsconfig.json')) as { references: Array<{ path: string }> }
      ).references.map((reference) => reference.path);
      expect(references).toEqual(
        expect.arrayContaining([`packages/${directory}`, `packages/${directory}/test`]),
      );
    });
  },
);

it('versions a release with lerna from the conventional commits, without pushing or tagging', () => {
  const copy = mkdtempSync(join(tmpdir(), 'kpl-lambda-release-'));
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', ...args], {
        cwd: copy,
        encoding: 'utf8',
      });
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const file of tracked) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      try {
        writeFileSync(join(copy, file), readFileSync(join(root, file)));
      } catch {
        // a file deleted in the work tree but not yet in git
      }
    }
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'fix(core): a fix to release');
    execFileSync(
      process.execPath,
      [
        require.resolve('lerna/dist/cli.js'),
        'version',
        'patch',
        '--no-push',
        '--no-git-tag-version',
        '--yes',
      ],
      {
        cwd: copy,
        encoding: 'utf8',
        stdio: 'pipe',
      },
    );

    for (const { directory, manifest } of published) {
      const next = readJson(join(copy, 'packages', directory, 'package.json')) as Manifest;
      expect(next.version).not.toBe(manifest.version);
      expect(readFileSync(join(copy, 'packages', directory, 'CHANGELOG.md'), 'utf8')).toContain(
        `## ${next.version}`,
      );
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}, 60_000);

it('runs its own tests on the primary Node.js, the one its `node` devDependency pins', () => {
  // npm puts node_modules/.bin first on the PATH of its scripts: `npm test` runs this Node.js.
  const { devDependencies, engines } = readJson(join(root, 'package.json'));
  expect(process.versions.node).toBe(devDependencies.node);
  expect(devDependencies.node).toMatch(/^22\./);
  expect(engines.node).toBe('>=20');
});
