// Per-call time of `getUsers` with a stubbed fetch. Each contender runs in its own Node process
// (bench/interleave.ts) so no contender's JIT state colours another's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleForBrowser, root } from './bundle.ts';
import type { Figure, Prepared } from './child.ts';

export const CALLS = 10_000;
/** Twurple's browser build lets 800 requests through per 64 s; each of its clients gets fewer. */
const BROWSER_CHUNK = 750;

export const contenders = {
  fetch: 'hand-written fetch',
  ky: 'bare ky 2 (ky.get(url, { fetch }).json())',
  helixkit: 'helixkit getUsers (validated)',
  'helixkit-novalidate': 'helixkit getUsers (validate: false)',
  'twurple-node': 'Twurple 8.1.4 ApiClient, Node build',
  'twurple-browser': 'Twurple 8.1.4 ApiClient, browser build',
} as const;
export type Contender = keyof typeof contenders;

/** The answer every contender gets (exported for the browser run of this bench). */
export const BODY = JSON.stringify({
  data: [
    {
      id: '141981764',
      login: 'twitchdev',
      display_name: 'TwitchDev',
      type: '',
      broadcaster_type: 'partner',
      description: 'Supporting third-party developers building Twitch integrations from chatbots to game integrations.',
      profile_image_url: 'https://static-cdn.jtvnw.net/jtv_user_pictures/8a6381c7-d0c0-4576-b179-38bd5ce1d6af-profile_image-300x300.png',
      offline_image_url: 'https://static-cdn.jtvnw.net/jtv_user_pictures/3f13ab61-ec78-4fe6-8481-8682cb3b0ac2-channel_offline_image-1920x1080.png',
      view_count: 5980557,
      created_at: '2016-12-14T20:32:28Z',
    },
  ],
});
export const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'ratelimit-limit': '800',
  'ratelimit-remaining': '799',
  'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
};

/** The stub every contender gets: a new Response (bodies are read once) with a prebuilt text. */
const stub = (async () => new Response(BODY, { status: 200, headers: HEADERS })) as typeof fetch;
/** Twurple asks id.twitch.tv who the token belongs to on its first call; answer that once. */
const validating = (async (input: RequestInfo | URL, init?: RequestInit) =>
  String(input instanceof Request ? input.url : input).includes('oauth2/validate')
    ? new Response(JSON.stringify({ client_id: 'cid', login: 'twitchdev', scopes: [], user_id: '141981764', expires_in: 5000000 }), {
        headers: { 'content-type': 'application/json' },
      })
    : stub(input, init)) as typeof fetch;

const URL_USERS = 'https://api.twitch.tv/helix/users?login=twitchdev';

type Call = () => Promise<unknown>;
/** Makes a fresh client and returns its one call; `every` says how many calls one client may make. */
interface Setup {
  make(): Promise<Call>;
  every: number;
}

async function setup(contender: Contender): Promise<Setup> {
  switch (contender) {
    case 'fetch': {
      const call = async () => {
        const url = new URL('https://api.twitch.tv/helix/users');
        url.searchParams.append('login', 'twitchdev');
        const response = await stub(url, { headers: { Authorization: 'Bearer token', 'Client-Id': 'cid' } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      };
      return { make: async () => call, every: Infinity };
    }
    case 'ky': {
      const { default: ky } = await import('ky');
      const call = () => ky.get(URL_USERS, { fetch: stub }).json();
      return { make: async () => call, every: Infinity };
    }
    case 'helixkit':
    case 'helixkit-novalidate': {
      const { createClient, getUsers } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
      const validate = contender === 'helixkit';
      return {
        make: async () => {
          const client = createClient({ clientId: 'cid', auth: 'token', fetch: stub, validate });
          return () => getUsers(client, { login: 'twitchdev' });
        },
        every: Infinity,
      };
    }
    case 'twurple-node':
    case 'twurple-browser': {
      const { ApiClient, StaticAuthProvider } =
        contender === 'twurple-node'
          ? { ...(await import('@twurple/api')), ...(await import('@twurple/auth')) }
          : await importBrowserTwurple();
      return {
        make: async () => {
          const api = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token') });
          // The first call validates the token; it is not a getUsers call, so it is not timed.
          globalThis.fetch = validating;
          await api.users.getUserByName('twitchdev');
          globalThis.fetch = stub;
          return () => api.users.getUserByName('twitchdev');
        },
        every: contender === 'twurple-browser' ? BROWSER_CHUNK : Infinity,
      };
    }
  }
}

/** Twurple as a browser bundler ships it (its browser limiter included), loaded into Node. */
async function importBrowserTwurple(): Promise<{ ApiClient: any; StaticAuthProvider: any }> {
  const text = await bundleForBrowser(`export { ApiClient } from '@twurple/api'; export { StaticAuthProvider } from '@twurple/auth';`, 'esm');
  const file = join(mkdtempSync(join(tmpdir(), 'helixkit-bench-')), 'twurple-browser.mjs');
  writeFileSync(file, text);
  return import(pathToFileURL(file).href);
}

/** Runs `calls` sequential calls, making a fresh client every `every` calls (outside the clock): µs per call. */
async function round(s: Setup, calls: number): Promise<Figure> {
  let wall = 0;
  let cpu = 0;
  for (let done = 0; done < calls; ) {
    const call = await s.make();
    const n = Math.min(calls - done, s.every);
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await call();
    wall += Number(process.hrtime.bigint() - start) / 1000;
    const used = process.cpuUsage(cpuStart);
    cpu += used.user + used.system;
    done += n;
  }
  return { value: wall / calls, cpu: cpu / calls };
}

/** Checks the call answers as it should, warms it up, and hands back one timed round of {@link CALLS} calls. */
export async function prepare(contender: string): Promise<Prepared> {
  if (!(contender in contenders)) throw new Error(`unknown contender ${contender}`);
  const s = await setup(contender as Contender);
  // A stub or version mismatch must not be timed as fast errors.
  const first = (await (await s.make())()) as { data?: { id?: string }[]; id?: string } | null;
  const id = first && 'data' in first ? first.data?.[0]?.id : first?.id;
  if (id !== '141981764') throw new Error(`${contender}: unexpected result ${JSON.stringify(first)?.slice(0, 200)}`);
  await round(s, 3_000);
  return { round: () => round(s, CALLS) };
}
