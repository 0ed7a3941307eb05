// examples/browser-extension: the device-flow sign-in and the live list, against
// createMockTwitch under msw (the extension's code talks to Twitch's real URLs), and the
// bundle step an MV3 extension needs (no remote code, no bare imports).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMockTwitch } from '../../src/testing/mock.js';
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
