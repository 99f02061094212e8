// Where the tests find the Python tools they run (the AWS SAM CLI, cfn-lint): the virtual
// environment .ci/run makes at the repository's root (.venv), else the PATH.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const virtualEnvironment = join(__dirname, '../../.venv/bin');

/** The command for a Python tool, or undefined (with a printed reason) when it is not here. */
export function pythonTool(name: string, purpose: string): string | undefined {
  const inVenv = join(virtualEnvironment, name);
  const command = existsSync(inVenv) ? inVenv : name;
  if (spawnSync(command, ['--version']).status === 0) return command;
  console.warn(
    `${name} is not installed here (.ci/run installs it in .venv): ${purpose} is SKIPPED.`,
  );
  return undefined;
}
