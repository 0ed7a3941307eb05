// The README's testing example is a test of its own (readme-example.test.ts); this keeps the two
// identical, so the code users copy is code that passes.
import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';

test('the README shows exactly test/kit/readme-example.test.ts', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const code = await readFile(new URL('./readme-example.test.ts', import.meta.url), 'utf8');
  expect(readme).toContain('```ts\n' + code + '```');
});
