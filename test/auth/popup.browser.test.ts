// loginWithPopup in real headless Chromium: a page bundled from src/auth with esbuild, served
// from a loopback server together with the fake Twitch's OAuth endpoints (on another origin,
// localhost vs 127.0.0.1, as Twitch's page is) and a redirect page.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { getResponse } from 'msw';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium } from '../chromium.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { oauthFake, oauthHandlers } from '../../src/testing/oauth.ts';
import { createState, findToken, type TwitchState } from '../../src/testing/state.ts';

const executablePath = findChromium();

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The page's script: a login button wired to loginWithPopup; the outcome lands on window. */
const PAGE_SCRIPT = `
import { loginWithPopup } from './src/auth/popup.ts';
const config = JSON.parse(document.getElementById('config').textContent);
document.getElementById('login').addEventListener('click', () => {
  loginWithPopup({ scopes: ['user:read:chat'], timeout: 15000, ...config }).then(
    (result) => { window.outcome = { ok: true, result }; },
    (error) => { window.outcome = { ok: false, name: error.name, error: error.error, problem: error.problem, message: error.message }; },
  );
});
`;

/** The redirect page with the one line from popup.ts's docs, or with no script at all. */
const REDIRECT_WITH_SCRIPT = `<!doctype html><title>back</title>
<script>(opener || new BroadcastChannel('helixkit-login')).postMessage(location.href, location.origin)</script>`;
const REDIRECT_SILENT = '<!doctype html><title>back</title><p>Signing you in…</p>';

let server: Server;
let browser: Browser | undefined;
let bundle = '';
let state: TwitchState;
let port = 0;

const app = () => `http://127.0.0.1:${port}`;
/** Same server, other origin: the stand-in for id.twitch.tv. */
const twitch = () => `http://localhost:${port}`;

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(key, value);
  return new Request(new URL(req.url ?? '/', origin), { method: req.method, headers, body });
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const host = req.headers.host ?? '';
  const url = new URL(req.url ?? '/', `http://${host}`);
  const send = (status: number, type: string, text: string) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(text);
  };
  if (host.startsWith('localhost')) {
    // The fake Twitch. /hold/ is an authorize page the user never leaves (to close it by hand).
    if (url.pathname.startsWith('/hold/')) return send(200, 'text/html', '<!doctype html><title>Twitch</title><p>Authorize?</p>');
    const response = await getResponse(oauthHandlers(state, { authBaseUrl: `${twitch()}/oauth2/` }), await toRequest(req, twitch()));
    if (!response) return send(404, 'text/plain', 'not found');
    res.writeHead(response.status, Object.fromEntries(response.headers));
    return res.end(Buffer.from(await response.arrayBuffer()));
  }
  if (url.pathname === '/app.js') return send(200, 'text/javascript', bundle);
  if (url.pathname === '/callback') return send(200, 'text/html', REDIRECT_WITH_SCRIPT);
  if (url.pathname === '/silent-callback') return send(200, 'text/html', REDIRECT_SILENT);
  if (url.pathname === '/') {
    const config = JSON.parse(url.searchParams.get('config') ?? '{}') as Record<string, unknown>;
    return send(
      200,
      'text/html',
      `<!doctype html><title>app</title><button id="login">Log in with Twitch</button>
<script type="application/json" id="config">${JSON.stringify({ clientId: state.clientId, ...config })}</script>
<script type="module" src="/app.js"></script>`,
    );
  }
  send(404, 'text/plain', 'not found');
}

beforeAll(async () => {
  if (!executablePath) return;
  const built = await build({
    stdin: { contents: PAGE_SCRIPT, resolveDir: ROOT, loader: 'ts', sourcefile: 'page.ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  bundle = built.outputFiles[0]!.text;
  server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  browser = await launchChromium(executablePath);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

beforeEach(() => {
  state = createState({ seed: 11 });
});

interface Outcome {
  ok: boolean;
  result?: { access_token?: string; scope: string[]; state: string };
  name?: string;
  error?: string;
  problem?: string;
}

/** Opens the app with `config` for loginWithPopup, clicks the login button, and waits for the outcome. */
async function login(config: Record<string, unknown>, during?: (page: Page) => Promise<void>) {
  const context = await browser!.newContext();
  const page = await context.newPage();
  await page.goto(`${app()}/?config=${encodeURIComponent(JSON.stringify(config))}`);
  const popupOpened = page.waitForEvent('popup');
  await page.click('#login');
  const popup = await popupOpened;
  await during?.(popup);
  await page.waitForFunction(() => (window as { outcome?: unknown }).outcome !== undefined, undefined, { timeout: 15_000 });
  const outcome = (await page.evaluate(() => (window as unknown as { outcome: unknown }).outcome)) as Outcome;
  const url = page.url();
  // Every entry of the tab's session history, as the browser itself records them.
  const cdp = await context.newCDPSession(page);
  const { entries } = (await cdp.send('Page.getNavigationHistory')) as { entries: { url: string }[] };
  const visited = entries.map((entry) => entry.url);
  const historyState = await page.evaluate(() => JSON.stringify(history.state));
  const openPages = context.pages().filter((p) => !p.isClosed()).length;
  await context.close();
  return { outcome, url, history: visited, historyState, openPages };
}

describe.skipIf(!executablePath)('loginWithPopup in Chromium', () => {
  const base = () => ({ authBaseUrl: `${twitch()}/oauth2/` });

  test('ends with the token in hand, the popup closed, and no token in the URL or history', async () => {
    const run = await login({ ...base(), redirectUri: `${app()}/callback` });
    expect(run.outcome.ok).toBe(true);
    const token = run.outcome.result!.access_token!;
    expect(findToken(state, token)?.userId).toBe(state.ids.broadcaster);
    expect(run.outcome.result!.scope).toEqual(['user:read:chat']);
    expect(run.url).toBe(`${app()}/?config=${encodeURIComponent(JSON.stringify({ ...base(), redirectUri: `${app()}/callback` }))}`);
    expect(run.url).not.toContain(token);
    expect(run.history.at(-1)).toBe(run.url);
    for (const entry of run.history) expect(entry).not.toContain(token);
    expect(run.history.join(' ')).not.toMatch(/access_token|#/);
    expect(run.historyState ?? '').not.toContain(token);
    expect(run.openPages).toBe(1);
  });

  test('works with a redirect page that has no script (the opener reads the popup)', async () => {
    const run = await login({ ...base(), redirectUri: `${app()}/silent-callback` });
    expect(run.outcome.ok).toBe(true);
    expect(findToken(state, run.outcome.result!.access_token!)).toBeDefined();
    expect(run.openPages).toBe(1);
  });

  test('a denied login rejects with Twitch\'s error', async () => {
    oauthFake(state).denyWith = 'access_denied';
    const run = await login({ ...base(), redirectUri: `${app()}/callback` });
    expect(run.outcome).toMatchObject({ ok: false, name: 'AuthError', error: 'access_denied' });
    expect(run.openPages).toBe(1);
  });

  test('closing the popup rejects with PopupError closed', async () => {
    const run = await login({ authBaseUrl: `${twitch()}/hold/`, redirectUri: `${app()}/callback` }, async (popup) => {
      await popup.waitForLoadState();
      await popup.close();
    });
    expect(run.outcome).toMatchObject({ ok: false, name: 'PopupError', problem: 'closed' });
  });
});
