// helixkit runs where there is no Node: nothing in src/ (but the Node-only test server, node.ts
// and the `helixkit` command in src/cli/) may reach for Node builtins, `process` or `Buffer`, and
// neither may the built files, the Node build's included (Deno and Bun load that one too).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const NODE_ONLY = /(?:from\s*|import\s*\(\s*|require\s*\(\s*)['"](?:node:[\w/]+|fs|path|events|crypto|stream|http|https|net|tls|ws|os|child_process|zlib)['"]|\bprocess\s*\.\s*(?:env|versions|argv|exit|on|nextTick|platform|cwd)\b|\bBuffer\s*\./;

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ext) : ext.test(name) ? [path] : [];
  });
}

function offenders(dir: string, ext: RegExp): string[] {
  return files(join(root, dir), ext)
    .filter((path) => !/^\w+[\\/](?:node-bundle[\\/])?(?:testing[\\/]server\.|cli[\\/]|node\.)/.test(relative(root, path)))
    .filter((path) => NODE_ONLY.test(readFileSync(path, 'utf8')))
    .map((path) => relative(root, path));
}

describe('no Node-only code outside the test server', () => {
  test('src/', () => {
    expect(offenders('src', /\.ts$/)).toEqual([]);
  });
  test('dist/', () => {
    expect(offenders('dist', /\.js$/)).toEqual([]);
  });
  test('the pattern catches what it is meant to', () => {
    for (const line of ["import { readFile } from 'node:fs';", 'const x = process.env.TOKEN;', 'Buffer.from(x)', "await import('node:crypto')"]) {
      expect(NODE_ONLY.test(line), line).toBe(true);
    }
    expect(NODE_ONLY.test("import ky from 'ky';")).toBe(false);
  });
});
