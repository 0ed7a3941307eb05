// The per-call bench of ./calls.ts in headless Chromium, where helixkit's users run it: one page per contender,
// the same stubbed answer, the contenders' rounds taken in turn. Browsers build Request and
// Response natively, so ky's cost there differs from Node's (where undici builds them in JS).
import { bundleForBrowser } from './bundle.ts';
import { median } from './stats.ts';
import { BODY, HEADERS } from './calls.ts';
import type { Page } from 'playwright-core';
import { findChromium, launchChromium } from '../test/chromium.ts';

/** Calls per timed round: a browser call costs several times a Node one. */
export const BROWSER_CALLS = 2_000;

export const browserContenders = {
  fetch: 'hand-written fetch',
  ky: 'bare ky 2 (ky.get(url, { fetch }).json())',
  helixkit: 'helixkit getUsers (validated)',
  'twurple-browser': 'Twurple 8.1.4 ApiClient, browser build',
} as const;
type Id = keyof typeof browserContenders;

// Runs in the page. Twurple's browser limiter lets 800 requests through per 64 s: a fresh client every 750.
const page = `
import ky from 'ky';
import { createClient, getUsers } from './dist/index.js';
import { ApiClient } from '@twurple/api';
import { StaticAuthProvider } from '@twurple/auth';
const BODY = ${JSON.stringify(BODY)};
const HEADERS = ${JSON.stringify(HEADERS)};
const stub = async () => new Response(BODY, { status: 200, headers: HEADERS });
const validating = async (input, init) =>
  String(input instanceof Request ? input.url : input).includes('oauth2/validate')
    ? new Response(JSON.stringify({ client_id: 'cid', login: 'twitchdev', scopes: [], user_id: '141981764', expires_in: 5000000 }), { headers: { 'content-type': 'application/json' } })
    : stub(input, init);
const makers = {
  fetch: async () => async () => {
    const url = new URL('https://api.twitch.tv/helix/users');
    url.searchParams.append('login', 'twitchdev');
    const response = await stub(url, { headers: { Authorization: 'Bearer token', 'Client-Id': 'cid' } });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    return response.json();
  },
  ky: async () => () => ky.get('https://api.twitch.tv/helix/users?login=twitchdev', { fetch: stub }).json(),
  helixkit: async () => {
    const client = createClient({ clientId: 'cid', auth: 'token', fetch: stub });
    return () => getUsers(client, { login: 'twitchdev' });
  },
  'twurple-browser': async () => {
    const api = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token') });
    globalThis.fetch = validating;
    await api.users.getUserByName('twitchdev');
    globalThis.fetch = stub;
    return () => api.users.getUserByName('twitchdev');
  },
};
window.bench = async (id, calls) => {
  const every = id === 'twurple-browser' ? 750 : Infinity;
  let ms = 0;
  for (let done = 0; done < calls; ) {
    const call = await makers[id]();
    const first = await call();
    if ((first?.data?.[0]?.id ?? first?.id) !== '141981764') throw new Error(id + ': unexpected result');
    const n = Math.min(calls - done, every);
    const start = performance.now();
    for (let i = 0; i < n; i++) await call();
    ms += performance.now() - start;
    done += n;
  }
  return (ms * 1000) / calls;
};
`;

/** µs per call of each contender (median of `rounds`), or why the browser run could not happen. */
export async function browserCalls(rounds: number): Promise<{ medians: Record<Id, number>; rounds: Record<Id, number[]> } | { skipped: string }> {
  const executable = findChromium();
  if (!executable) return { skipped: 'Chromium not found (apt-get install -y chromium, or set CHROMIUM_PATH)' };
  const bundled = await bundleForBrowser(page, 'iife', true);
  const browser = await launchChromium(executable);
  try {
    const ids = Object.keys(browserContenders) as Id[];
    // One browser context (so one renderer process and heap) per contender, as the Node bench
    // gives each its own process: no contender's garbage is collected in another's round.
    const tabs = new Map<Id, Page>();
    for (const id of ids) {
      const tab = await (await browser.newContext()).newPage();
      await tab.goto('about:blank');
      await tab.addScriptTag({ content: bundled });
      tabs.set(id, tab);
    }
    const run = (id: Id, calls: number) => tabs.get(id)!.evaluate(([id, calls]) => (window as any).bench(id, calls) as Promise<number>, [id, calls] as const);
    for (const id of ids) await run(id, 500); // warm-up
    const all = Object.fromEntries(ids.map((id) => [id, [] as number[]])) as Record<Id, number[]>;
    // Each round starts with the next contender, so none always follows the same one.
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < ids.length; k++) {
        const id = ids[(r + k) % ids.length]!;
        all[id].push(await run(id, BROWSER_CALLS));
      }
    }
    return { medians: Object.fromEntries(ids.map((id) => [id, median(all[id])])) as Record<Id, number>, rounds: all };
  } finally {
    await browser.close();
  }
}
