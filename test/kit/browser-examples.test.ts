// The script-tag overlay in headless Chromium against the fake Twitch over loopback: the page
// on its own origin calls Helix (CORS) and EventSub, shows what arrives, and survives a handover.
// Writes examples/script-tag-overlay/screenshot.png for the README.
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serveFiles, startMockTwitch, type FileServer, type RunningMockTwitch } from '../../src/testing/server.js';
import { findChromium, launchChromium } from '../chromium.ts';
import { fill, runCommand } from './commands.ts';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const chromium = findChromium();

let twitch: RunningMockTwitch;
let files: FileServer;
let browser: Browser | undefined;
beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 2024 });
  files = await serveFiles({
    '/examples/': root('examples'),
    '/dist/': root('dist'),
    '/node_modules/ky/': root('node_modules/ky'),
    '/node_modules/valibot/': root('node_modules/valibot'),
  });
  if (chromium) browser = await launchChromium(chromium);
});
afterAll(async () => {
  await browser?.close();
  await files?.close();
  await twitch?.close();
});

async function openOverlay(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 460, height: 420 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const settings = new URLSearchParams({
    client_id: twitch.mock.clientId,
    token: twitch.mock.tokens.user,
    helix: twitch.helixUrl,
    eventsub: twitch.eventsubUrl,
  });
  await page.goto(`${files.origin}/examples/script-tag-overlay/#${settings}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  return { page, errors };
}

test.skipIf(!chromium)('shows follows, chat and cheers from EventSub, across a handover', async () => {
  const { page, errors } = await openOverlay();
  expect(await page.textContent('#channel')).toBe('FakeStreamer');

  expect(twitch.mock.follow({ from: 'viewer07' })).toBe(1);
  await page.waitForSelector('.event.follow');
  twitch.mock.chat('first time here, love the overlay', { from: 'viewer08' });
  await page.waitForSelector('.event.chat');

  twitch.mock.reconnect();
  await page.waitForSelector('.event.system');
  expect(await page.getAttribute('body', 'data-state')).toBe('connected');

  twitch.mock.cheer(500, { from: 'viewer09', message: 'ship it' });
  twitch.mock.follow({ from: 'viewer10' });
  twitch.mock.chat('<b>not bold</b>', { from: 'viewer11' });
  await page.waitForFunction(() => document.querySelectorAll('.event').length >= 6);

  const shown = await page.$$eval('.event', (items) => items.map((item) => item.textContent));
  expect(shown).toEqual([
    'Viewer11: <b>not bold</b>', // viewer text stays text
    'Viewer10 followed!',
    'Viewer09 cheered 500 bits “ship it”',
    'Twitch moved this overlay to a new connection; nothing was lost.',
    'Viewer08: first time here, love the overlay',
    'Viewer07 followed!',
  ]);
  expect(errors).toEqual([]);

  await page.locator('.overlay').screenshot({ path: root('examples/script-tag-overlay/screenshot.png'), animations: 'disabled' });
  await page.close();
});

test.skipIf(!chromium)('esm-web-app: logs in with a popup, reads the user, shows chat from EventSub', async () => {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const query = new URLSearchParams({
    client_id: twitch.mock.clientId,
    auth: twitch.authUrl,
    helix: twitch.helixUrl,
    eventsub: twitch.eventsubUrl,
  });
  await page.goto(`${files.origin}/examples/esm-web-app/?${query}`);
  const popup = page.waitForEvent('popup');
  await page.click('#login');
  // The popup went through the fake authorize page and back to callback.html on the app's origin.
  expect(new URL((await popup).url()).pathname).toMatch(/callback\.html$|authorize$/);
  await page.waitForSelector('body[data-listening="true"]', { timeout: 10_000 });
  expect(await page.textContent('#who')).toBe('Signed in as FakeStreamer.');
  expect(await page.isHidden('#login')).toBe(true);

  twitch.mock.chat('hi from the fake chat', { from: 'viewer03' });
  await page.waitForSelector('#chat li');
  expect(await page.textContent('#chat li')).toBe('Viewer03: hi from the fake chat');
  // The token the popup brought back is a user token for exactly the scope the app asked for.
  const granted = [...twitch.mock.state.tokens.values()].filter((t) => t.scopes.join() === 'user:read:chat');
  expect(granted).toHaveLength(1);
  expect(errors).toEqual([]);
  await page.close();
});

test.skipIf(!chromium)('npm run example:web: the printed page logs in on the fake Twitch and shows its chat', async () => {
  const command = runCommand('npm run example:web', { env: { PORT: '0' } });
  const page = await browser!.newPage();
  try {
    const [, address] = await command.waitFor(/open (http:\/\/127\.0\.0\.1:\d+\/examples\/esm-web-app\/\?\S+)/);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(address!);
    const popup = page.waitForEvent('popup');
    await page.click('#login');
    await popup;
    await page.waitForSelector('body[data-listening="true"]', { timeout: 10_000 });
    expect(await page.textContent('#who')).toBe('Signed in as FakeStreamer.');
    // The runner's viewers write every 3 s; the page shows what EventSub delivers.
    await page.waitForSelector('#chat li', { timeout: 8000 });
    expect(await page.textContent('#chat li')).toMatch(/^Viewer\d\d: \S/);
    expect(errors).toEqual([]);
  } finally {
    await page.close();
    expect(await command.interrupt()).toBe(130);
  }
  expect(command.output()).toContain('stopped.');
});

test.skipIf(!chromium)('npm run example:web with TWITCH_CLIENT_ID…: the page loads and sends the login to Twitch', async () => {
  const command = runCommand(fill('TWITCH_CLIENT_ID=… npm run example:web', { TWITCH_CLIENT_ID: 'my-twitch-client-id' }), { env: { PORT: '0' } });
  // Twitch's authorize page is answered inside the browser, and nothing else leaves loopback.
  const context = await browser!.newContext();
  await context.route(
    (url) => !['127.0.0.1', 'localhost'].includes(url.hostname),
    (route) => (route.request().url().startsWith('https://id.twitch.tv/oauth2/authorize?') ? route.fulfill({ contentType: 'text/html', body: '<title>Twitch</title>' }) : route.abort()),
  );
  try {
    const [, address] = await command.waitFor(/open (http:\/\/localhost:\d+\/examples\/esm-web-app\/\?client_id=my-twitch-client-id)\n/);
    const [, callback] = await command.waitFor(/register (\S+) as an OAuth redirect URL/);
    expect(command.output()).not.toContain('fake Twitch on');
    const page = await context.newPage();
    const errors: string[] = [];
    const missing: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (response) => void (response.status() >= 400 && missing.push(response.url())));
    await page.goto(address!);
    await page.waitForLoadState('networkidle');
    const popup = page.waitForEvent('popup');
    await page.click('#login');
    const authorize = new URL((await popup).url());
    expect(authorize.origin + authorize.pathname).toBe('https://id.twitch.tv/oauth2/authorize');
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: 'my-twitch-client-id',
      redirect_uri: callback,
      response_type: 'token',
      scope: 'user:read:chat',
    });
    expect(callback).toBe(new URL('callback.html', address).href);
    expect({ errors, missing }).toEqual({ errors: [], missing: [] });
  } finally {
    await context.close();
    await command.interrupt();
  }
});

test.skipIf(!chromium)('createMockTwitch works in the browser under setupWorker: Helix, EventSub, a handover', async () => {
  // One page on its own origin: the bundled test page and msw's service worker at the root.
  const dir = await mkdtemp(join(tmpdir(), 'helixkit-worker-'));
  try {
    const bundled = await build({
      entryPoints: [root('test/kit/worker-page.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'workerPage',
      platform: 'browser',
      target: 'es2022',
    });
    await writeFile(join(dir, 'page.js'), bundled.outputFiles[0]!.text);
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>msw worker</title><script src="/page.js"></script>');
    await copyFile(root('node_modules/msw/lib/mockServiceWorker.js'), join(dir, 'mockServiceWorker.js'));
    const site = await serveFiles({ '/': dir });
    const page = await browser!.newPage();
    try {
      await page.goto(`${site.origin}/`);
      const result = await page.evaluate(() => (globalThis as unknown as { workerPage: { run(): Promise<unknown> } }).workerPage.run());
      expect(result).toEqual({ login: 'fakestreamer', follower: 'Viewer12', resumed: true });
    } finally {
      await page.close();
      await site.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
