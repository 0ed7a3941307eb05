// Finds the TypeScript a reader is shown — the ```ts blocks of the README and the guides, and the
// `@example` of every generated Helix function — and type-checks each
// as a module of its own with the repository's TypeScript (TS 7, the native `tsc`), `helixkit`
// and its subpaths resolved to src/ through `paths`. Names a block uses without defining (your
// client id, a client) are declared once in docs/snippet-globals.d.ts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

/** A block of code, with where it starts: its first line of code, 1-based, in `file`. */
export interface Snippet {
  file: string;
  line: number;
  code: string;
}

/** A block that opted out, and why. */
export interface Skipped {
  file: string;
  line: number;
  reason: string;
}

/** Written on the line before a block that is deliberately partial. Keep it rare. */
export const OPT_OUT = /<!-- not type-checked: (.+?) -->\s*$/;

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** The ```ts (or ```typescript) blocks of a Markdown text, indented ones (in lists) included. */
export function markdownSnippets(file: string, text: string): { snippets: Snippet[]; skipped: Skipped[] } {
  const snippets: Snippet[] = [];
  const skipped: Skipped[] = [];
  for (const block of text.matchAll(/^( *)```(?:ts|typescript)\n([\s\S]*?)^\1```$/gm)) {
    const indent = block[1]!.length;
    const code = block[2]!
      .split('\n')
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    const line = lineOf(text, block.index) + 1;
    const marker = OPT_OUT.exec(text.slice(0, block.index).trimEnd());
    if (marker) skipped.push({ file, line, reason: marker[1]! });
    else snippets.push({ file, line, code });
  }
  return { snippets, skipped };
}

/** The `@example` blocks of a source file's doc comments (` * ` prefixes removed). */
export function docExamples(file: string, text: string): Snippet[] {
  return [...text.matchAll(/^ \* @example\n \* ```ts\n((?: \*.*\n)*?) \* ```$/gm)].map((block) => ({
    file,
    line: lineOf(text, block.index) + 2,
    code: block[1]!.replace(/^ \* ?/gm, ''),
  }));
}

/** `helixkit/…` → the source file of that entry, from package.json's `exports` (dist/x.d.ts → src/x.ts). */
export function packagePaths(): Record<string, string[]> {
  const { name, exports } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { types?: string }>;
  };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(exports)) {
    if (typeof target === 'string' || !target.types) continue;
    const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
    const source = join(repo, target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'));
    paths[specifier] = [source];
    paths[`npm:${specifier}`] = [source]; // Deno's spelling
  }
  return paths;
}

export interface SnippetError {
  /** `file:line` of the block's code, or the path of another file the error is in. */
  at: string;
  message: string;
}

/**
 * Type-checks every snippet in one `tsc` run (strict, DOM and Node types, as a user of the
 * package in a browser or Node project would have) and maps each error back to its block.
 */
export function typeCheck(snippets: Snippet[], dir: string): SnippetError[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = snippets.map((snippet, i) => {
    const name = `snippet-${i}.ts`;
    // `export {}` makes every block a module: its own scope, top-level await allowed.
    writeFileSync(join(dir, name), `${snippet.code}\nexport {};\n`);
    return name;
  });
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      resolveJsonModule: true,
      paths: packagePaths(),
    },
    files: [...files, join(repo, 'docs/snippet-globals.d.ts')],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
  // node_modules/.bin/tsc starts TypeScript 7's native compiler, whatever Node runs this test.
  const run = spawnSync(join(repo, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  const errors: SnippetError[] = [];
  for (const line of `${run.stdout}${run.stderr}`.split('\n')) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line.trim());
    if (!match) continue;
    const [, path, row, , message] = match;
    const index = files.indexOf(relative(dir, join(dir, path!)));
    const snippet = snippets[index];
    errors.push({ at: snippet ? `${snippet.file}:${snippet.line + Number(row) - 1}` : `${path}:${row}`, message: message! });
  }
  if (run.status !== 0 && errors.length === 0) throw new Error(`tsc failed without an error line:\n${run.stdout}${run.stderr}`);
  return errors;
}
