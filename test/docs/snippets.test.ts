// Item 9 of "a newcomer's first hour": every TypeScript block the README and the guides show, and
// every generated Helix @example, type-checks against the package as it is. A block that is
// deliberately partial opts out with `<!-- not type-checked: why -->` on the line before it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { docExamples, markdownSnippets, repo, typeCheck, type Snippet, type Skipped } from './snippets.ts';

const read = (file: string) => readFileSync(join(repo, file), 'utf8');
const list = (dir: string, suffix: string) =>
  readdirSync(join(repo, dir))
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => `${dir}/${name}`);

const markdown = ['README.md', ...list('docs/guides', '.md')];

/** A block that must fail, checked in the same run: proves that an error is found and placed. */
const CANARY = "Text.\n\n```ts\nimport { getUsers } from 'helixkit';\n\nawait getUsers(client, { logn: 'twitchdev' });\n```\n";

test('every TypeScript block of the README, the guides and the Helix @examples type-checks', () => {
  const snippets: Snippet[] = [];
  const skipped: Skipped[] = [];
  for (const file of markdown) {
    const found = markdownSnippets(file, read(file));
    snippets.push(...found.snippets);
    skipped.push(...found.skipped);
  }
  const guides = snippets.length;
  for (const file of list('src/helix', '.ts')) snippets.push(...docExamples(file, read(file)));
  const canary = markdownSnippets('canary.md', CANARY).snippets;

  const errors = typeCheck([...snippets, ...canary], join(repo, '.tmp/snippets'));

  expect(errors.filter((error) => error.at.startsWith('canary.md'))).toEqual([
    { at: 'canary.md:6', message: expect.stringMatching(/^TS(2353|2561): .*'logn'/) },
  ]);
  expect(errors.filter((error) => !error.at.startsWith('canary.md')), 'blocks that do not type-check').toEqual([]);
  expect(guides).toBeGreaterThan(35);
  expect(snippets.length - guides).toBe(149); // one @example per Helix function
  expect(skipped.length, `opted out: ${skipped.map((s) => `${s.file}:${s.line} (${s.reason})`).join(', ')}`).toBeLessThanOrEqual(3);
});

test('a block marked as not type-checked is skipped, with its reason; indented blocks are found', () => {
  const text = [
    '# Guide',
    '',
    '```ts',
    'const a = 1;',
    '```',
    '',
    '<!-- not type-checked: a fragment of the block above -->',
    '```ts',
    'a + 1;',
    '```',
    '',
    '- In a list:',
    '',
    '  ```ts',
    '  const b = 2;',
    '  ```',
    '',
    '```sh',
    'npm test',
    '```',
  ].join('\n');
  expect(markdownSnippets('guide.md', text)).toEqual({
    snippets: [
      { file: 'guide.md', line: 4, code: 'const a = 1;\n' },
      { file: 'guide.md', line: 15, code: 'const b = 2;\n' },
    ],
    skipped: [{ file: 'guide.md', line: 9, reason: 'a fragment of the block above' }],
  });
});

test("a Helix function's @example is read from its doc comment", () => {
  const source = "/**\n * Looks up users.\n *\n * @example\n * ```ts\n * import { getUsers } from 'helixkit';\n *\n * const { data } = await getUsers(client);\n * ```\n */\n";
  expect(docExamples('users.ts', source)).toEqual([
    { file: 'users.ts', line: 6, code: "import { getUsers } from 'helixkit';\n\nconst { data } = await getUsers(client);\n" },
  ]);
});
