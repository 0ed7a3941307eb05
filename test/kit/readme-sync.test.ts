// The testing guide's complete example is a test of its own (readme-example.test.ts, named from
// when the README held it); this keeps the two identical, so the code users copy is code that passes.
import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';

test('the testing guide shows exactly test/kit/readme-example.test.ts', async () => {
  const guide = await readFile(new URL('../../docs/guides/testing.md', import.meta.url), 'utf8');
  const code = await readFile(new URL('./readme-example.test.ts', import.meta.url), 'utf8');
  expect(guide).toContain('```ts\n' + code + '```');
});
