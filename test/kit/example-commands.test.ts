// Every command an example's README tells a user to type is run by a test in test/kit/ (through
// `runCommand`, as typed, `NAME=…` placeholders filled by `fill`). The exceptions are said in
// the README itself: `npm install` (the clone's install, which CI runs before `npm test`), and a
// block marked `<!-- not run by the tests: why -->`.
import { readdir, readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';

const UNTESTED = /<!-- not run by the tests: (.+?) -->\s*$/;

/** The shell commands of a README's ```sh blocks, and the blocks it marks as untested. */
function documentedCommands(readme: string): { commands: string[]; untested: { reason: string; commands: string[] }[] } {
  const commands: string[] = [];
  const untested: { reason: string; commands: string[] }[] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1]!
      .replace(/\\\n\s*/g, '') // continuation lines
      .split('\n')
      .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
      .filter(Boolean);
    const before = readme.slice(0, block.index).trimEnd();
    const marker = UNTESTED.exec(before);
    if (marker) untested.push({ reason: marker[1]!, commands: lines });
    else commands.push(...lines);
  }
  return { commands, untested };
}

test('every command in every example README is run by a test', async () => {
  const kit = new URL('./', import.meta.url);
  const sources = await Promise.all(
    (await readdir(kit)).filter((name) => name.endsWith('.test.ts')).map((name) => readFile(new URL(name, kit), 'utf8')),
  );
  const examples = new URL('../../examples/', import.meta.url);
  const missing: string[] = [];
  let checked = 0;
  for (const name of await readdir(examples)) {
    const readme = await readFile(new URL(`${name}/README.md`, examples), 'utf8');
    const { commands } = documentedCommands(readme);
    for (const command of commands) {
      if (command === 'npm install') continue;
      checked++;
      const quoted = ["'", '"', '`'].map((q) => `${q}${command}${q}`);
      if (!sources.some((source) => quoted.some((literal) => source.includes(literal)))) missing.push(`examples/${name}: ${command}`);
    }
  }
  expect(missing, 'documented commands that no test in test/kit/ runs').toEqual([]);
  expect(checked).toBeGreaterThan(8);
});

test('a README says why a block of commands is not run', () => {
  const readme = 'Run:\n\n```sh\nnpm run a # comment\nA=… \\\n  npm run b\n```\n\n<!-- not run by the tests: needs an account -->\n```sh\nnpx deploy\n```\n';
  expect(documentedCommands(readme)).toEqual({
    commands: ['npm run a', 'A=… npm run b'],
    untested: [{ reason: 'needs an account', commands: ['npx deploy'] }],
  });
});
