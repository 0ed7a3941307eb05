// `npm start` (scripts/demo.ts on the built package): the scripted stream plays and the
// terminal shows what the SDK received; Ctrl-C stops it cleanly.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { createMockTwitch } from '../../src/testing/mock.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function startDemo(args: string[]) {
  const child = spawn(process.execPath, ['scripts/demo.ts', ...args], { cwd: repo, env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

test('npm start -- --once plays the stream headless and exits 0', async () => {
  const demo = startDemo(['--once']);
  const timer = setTimeout(() => demo.child.kill('SIGKILL'), 15_000);
  const code = await demo.exited;
  clearTimeout(timer);
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

test('npm start prints the overlay address, and Ctrl-C stops it with exit code 0', async () => {
  const demo = startDemo([]);
  const timer = setTimeout(() => demo.child.kill('SIGKILL'), 15_000);
  try {
    await expect.poll(() => demo.output(), { timeout: 10_000 }).toMatch(/Overlay for FakeStreamer: http:\/\/127\.0\.0\.1:\d+\//);
    const page = /Overlay for FakeStreamer: (\S+)/.exec(demo.output())![1]!;
    const start = await fetch(page);
    expect(start.status).toBe(200);
    expect(await start.text()).toContain('/examples/script-tag-overlay/#');
    await expect.poll(() => demo.output(), { timeout: 10_000 }).toMatch(/sdk +← follow/);
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain('stopped.');
    // The fake Twitch is gone with it.
    await expect(fetch(page)).rejects.toThrow();
  } finally {
    clearTimeout(timer);
  }
});
