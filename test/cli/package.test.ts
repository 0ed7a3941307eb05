// The command as users get it: the package's files in node_modules/helixkit with only its own
// dependencies (ky, valibot) beside it, none of the dev tools. `token` and `validate` need
// nothing more; `mock` says which optional packages to install.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let bin: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helixkit-installed-'));
  const modules = join(dir, 'node_modules');
  await mkdir(join(modules, 'helixkit'), { recursive: true });
  await cp(join(repo, 'dist'), join(modules, 'helixkit', 'dist'), { recursive: true });
  await cp(join(repo, 'package.json'), join(modules, 'helixkit', 'package.json'));
  for (const dependency of ['ky', 'valibot']) await symlink(join(repo, 'node_modules', dependency), join(modules, dependency), 'dir');
  bin = join(modules, 'helixkit', 'dist', 'cli', 'main.js');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

test('runs with only the package dependencies installed', async () => {
  const help = await run(['token', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('Usage: helixkit token');
  const usage = await run(['token', '--client-id', 'abc', '--scopes', 'chat:reed']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('did you mean chat:read?');
});

test('mock without msw and ws says what to install, exit 1', async () => {
  const { code, stderr } = await run(['mock']);
  expect(code).toBe(1);
  expect(stderr).toContain('npm install --save-dev msw ws');
});
