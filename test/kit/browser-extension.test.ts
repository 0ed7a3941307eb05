// examples/browser-extension: the device-flow sign-in and the live list, against
// createMockTwitch under msw (the extension's code talks to Twitch's real URLs); the bundle step
// an MV3 extension needs (no remote code, no bare imports); and the README's steps: its esbuild
// command, then the folder loaded unpacked in Chromium, signing in against the fake Twitch.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { setupServer } from 'msw/node';
import { chromium as playwright } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMockTwitch } from '../../src/testing/mock.js';
import { startMockTwitch } from '../../src/testing/server.js';
import { CHROMIUM_ARGS, findChromium } from '../chromium.ts';
import { repo, runCommand } from './commands.ts';
// The example imports the built package, so its errors are the built package's classes.
import { AuthError } from 'helixkit';
// @ts-expect-error: plain JavaScript files of the example, without declarations
import { currentSession, signIn, signOut } from '../../examples/browser-extension/login.js';
// @ts-expect-error: as above
import { liveFollows } from '../../examples/browser-extension/live.js';

const twitch = createMockTwitch({ seed: 9 });
twitch.oauth.deviceInterval = 1; // the shortest wait pollDeviceToken allows
const server = setupServer(...twitch.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

/** chrome.storage.local's promise API, in memory. */
function memoryStorage() {
  const data: Record<string, unknown> = {};
  return {
    data,
    get: async (key: string) => (key in data ? { [key]: data[key] } : {}),
    set: async (items: Record<string, unknown>) => void Object.assign(data, items),
    remove: async (key: string) => void delete data[key],
  };
}

test('signs in with a device code the user approves, then lists live followed channels', async () => {
  const storage = memoryStorage();
  const shown: { user_code: string; verification_uri: string }[] = [];
  const user = await signIn({
    clientId: twitch.clientId,
    storage,
    onCode: (code: { user_code: string; verification_uri: string }) => {
      shown.push(code);
      // The user types the code at twitch.tv/activate and approves.
      twitch.oauth.approveDevice(code.user_code);
    },
  });
  expect(shown).toHaveLength(1);
  expect(shown[0]!.verification_uri).toContain('twitch.tv/activate');
  expect(user).toEqual({ id: twitch.users.broadcaster, login: 'fakestreamer' });
  const session = await currentSession(storage);
  expect(session).toMatchObject({ user_id: twitch.users.broadcaster, login: 'fakestreamer' });
  expect(twitch.state.tokens.get(session.access_token)?.scopes).toEqual(['user:read:follows']);

  const live = await liveFollows({ clientId: twitch.clientId, session });
  expect(live.map((s: { user_login: string }) => s.user_login)).toEqual(['otherstreamer']);

  await signOut({ clientId: twitch.clientId, storage });
  expect(await currentSession(storage)).toBeUndefined();
  expect(twitch.state.tokens.has(session.access_token)).toBe(false); // revoked at Twitch
});

test('a user who declines gets a clear error and nothing is stored', async () => {
  const storage = memoryStorage();
  const attempt = signIn({ clientId: twitch.clientId, storage, onCode: ({ user_code }: { user_code: string }) => twitch.oauth.denyDevice(user_code) });
  await expect(attempt).rejects.toBeInstanceOf(AuthError);
  await expect(attempt).rejects.toMatchObject({ error: 'access_denied' });
  expect(storage.data).toEqual({});
});

test('bundles into the files manifest.json names, with no bare or remote imports left', async () => {
  const dir = fileURLToPath(new URL('../../examples/browser-extension/', import.meta.url));
  const manifest = JSON.parse(await readFile(`${dir}manifest.json`, 'utf8'));
  expect(manifest.manifest_version).toBe(3);
  const result = await build({
    entryPoints: { popup: `${dir}popup.js`, background: `${dir}background.js` },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outdir: `${dir}build`,
    minify: true,
  });
  const files = Object.fromEntries(result.outputFiles.map((f) => [f.path.slice(dir.length), f.text]));
  expect(Object.keys(files).sort()).toEqual(['build/background.js', 'build/popup.js']);
  expect(manifest.background.service_worker).toBe('build/background.js');
  expect(await readFile(`${dir}popup.html`, 'utf8')).toContain('src="build/popup.js"');
  for (const text of Object.values(files)) {
    expect(text).not.toMatch(/\bfrom\s*["'](?!\.)/); // every import inlined
    expect(text).not.toMatch(/import\(["']https?:/);
  }
});

const chromium = findChromium();

test.skipIf(!chromium)('the README\'s build, loaded unpacked in Chromium: device-flow sign-in, live list, badge', async () => {
  // A copy of the folder inside the repository (so `helixkit` resolves to this package), with a
  // config.js that points at a fake Twitch on loopback.
  await mkdir(join(repo, '.tmp'), { recursive: true });
  const dir = await mkdtemp(join(repo, '.tmp', 'extension-'));
  const profile = await mkdtemp(join(repo, '.tmp', 'extension-profile-'));
  const fake = await startMockTwitch({ seed: 21 });
  fake.mock.oauth.deviceInterval = 1;
  try {
    await cp(fileURLToPath(new URL('../../examples/browser-extension/', import.meta.url)), dir, { recursive: true, filter: (path) => !path.includes('/build') });
    await writeFile(
      join(dir, 'config.js'),
      `export const CLIENT_ID = ${JSON.stringify(fake.mock.clientId)};\n` +
        `export const AUTH_URL = ${JSON.stringify(fake.authUrl)};\nexport const HELIX_URL = ${JSON.stringify(fake.helixUrl)};\n`,
    );
    const bundle = runCommand('npx esbuild popup.js background.js --bundle --format=esm --outdir=build', { cwd: dir });
    expect(await bundle.exited, bundle.output()).toBe(0);

    const context = await playwright.launchPersistentContext(profile, {
      executablePath: chromium!,
      args: [...CHROMIUM_ARGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
    });
    try {
      const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 10_000 }));
      const id = new URL(worker.url()).host;
      const popup = await context.newPage();
      const errors: string[] = [];
      popup.on('pageerror', (error) => errors.push(error.message));
      await popup.goto(`chrome-extension://${id}/popup.html`);
      await popup.click('#sign-in');
      await popup.waitForSelector('#prompt:not([hidden])');
      const code = (await popup.textContent('#code'))!;
      fake.mock.oauth.approveDevice(code); // the user enters the code at twitch.tv/activate
      await popup.waitForSelector('#signed-in:not([hidden])', { timeout: 10_000 });
      expect(await popup.textContent('#login')).toBe('fakestreamer');
      await popup.waitForSelector('#live li');
      expect(await popup.$$eval('#live li', (items) => items.map((item) => item.textContent))).toEqual([
        expect.stringMatching(/^OtherStreamer — /),
      ]);
      // The service worker saw the new session and put the count on the toolbar badge.
      const badge = () => worker.evaluate(() => (globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }).chrome.action.getBadgeText({}));
      await expect.poll(badge, { timeout: 5000 }).toBe('1');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
});
