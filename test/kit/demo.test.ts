// `npm start` (scripts/demo.ts on the built package, which `npm test` has just built, so it is
// not built again here): the scripted stream plays and the terminal shows what the SDK received;
// Ctrl-C stops it cleanly. Run as typed, through npm.
import { expect, test } from 'vitest';
import { createMockTwitch } from '../../src/testing/mock.js';
import { runCommand } from './commands.ts';

test('npm start -- --once plays the stream headless and exits 0', async () => {
  const demo = runCommand('npm start -- --once', { limit: 15_000 });
  const code = await demo.exited;
  const output = demo.output();
  expect(code, output).toBe(0);
  expect(output).toMatch(/sdk +← follow +Viewer\d\d followed FakeStreamer/);
  expect(output).toMatch(/sdk +← chat +Viewer\d\d: hello chat!/);
  expect(output).toMatch(/sdk +← chat +FakeStreamer: welcome viewer\d\d!/);
  expect(output).toMatch(/sdk +← cheer +Viewer\d\d cheered 100 bits/);
  expect(output).toMatch(/sdk +← handover +same session/);
  expect(output).toContain('stopped.');
  // The demo's fake is seeded (2024): the same seed gives the same tokens, none of them printed.
  const same = createMockTwitch({ seed: 2024 });
  for (const secret of [same.tokens.user, same.tokens.app, same.clientSecret]) expect(output).not.toContain(secret);
});

test('npm start prints the overlay address, and Ctrl-C stops it', async () => {
  const demo = runCommand('npm start');
  let page = '';
  try {
    page = (await demo.waitFor(/Overlay for FakeStreamer: (http:\/\/127\.0\.0\.1:\d+\/)/))[1]!;
    const start = await fetch(page);
    expect(start.status).toBe(200);
    expect(await start.text()).toContain('/examples/script-tag-overlay/#');
    await demo.waitFor(/sdk +← follow/);
  } finally {
    expect(await demo.interrupt()).toBe(130);
  }
  expect(demo.output()).toContain('stopped.');
  // dist/ is fresh (npm test built it), so npm start must not rebuild it under the other tests.
  expect(demo.output(), 'npm start rebuilt a fresh dist/').not.toContain('built dist/');
  // The fake Twitch is gone with it.
  await expect(fetch(page)).rejects.toThrow();
});
