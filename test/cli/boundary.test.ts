// src/cli/ is the Node-only command: it may use the library, but nothing in the library may
// import it (it would drag Node builtins into browser bundles).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const IMPORTS_CLI = /(?:from\s*|import\s*\(\s*)['"][^'"]*\/cli\/[^'"]*['"]/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('nothing in src/ outside src/cli/ imports from src/cli/', () => {
  const outside = files(src).filter((path) => !/^cli[\\/]/.test(relative(src, path)));
  expect(outside.length).toBeGreaterThan(50);
  expect(outside.filter((path) => IMPORTS_CLI.test(readFileSync(path, 'utf8'))).map((path) => relative(src, path))).toEqual([]);
});

test('the pattern catches what it is meant to', () => {
  for (const line of ["import { run } from './cli/main.js';", "export * from '../cli/args.js';", "await import('./cli/token.js')"]) {
    expect(IMPORTS_CLI.test(line), line).toBe(true);
  }
  expect(IMPORTS_CLI.test("import { scopes } from '../auth/scopes.js';")).toBe(false);
});
