// Looking up many users at once: how many requests each way of asking sends, and how long the
// whole lookup takes, against a stub fetch that answers like Helix after a simulated latency.
// Each contender runs in its own Node process (bench/interleave.ts), rounds interleaved.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './bundle.ts';
import type { Figure, Prepared } from './child.ts';
import { benchUser } from './metered.ts';

export const LOOKUPS = 5_000;
/** Every answer comes this many milliseconds after its request: a request to Twitch is never free. */
export const LATENCY_MS = 20;
/** Twitch's bucket for an app or user token: 800 points a minute, one point a request. */
export const BUCKET_PER_MINUTE = 800;

export const contenders = {
  'helixkit-batch': 'helixkit batch(getUsers, "id") (waitMs 0)',
  'twurple-batch': 'Twurple 8.1.4 users.getUserByIdBatched (batchDelay 0)',
  'helixkit-batch-10': 'helixkit batch(getUsers, "id", { waitMs: 10 })',
  'twurple-batch-10': 'Twurple 8.1.4 users.getUserByIdBatched (batchDelay 10)',
  'helixkit-each': 'helixkit getUsers(client, { id }), one call per id',
  'twurple-each': 'Twurple 8.1.4 users.getUserById, one call per id',
} as const;
export type Contender = keyof typeof contenders;

const user = benchUser;

/** Helix requests answered (the token check Twurple makes once is not one). */
let helixRequests = 0;
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  // A bucket no contender empties: the wait Twitch's real bucket imposes is worked out from the request count instead.
  'ratelimit-limit': '1000000',
  'ratelimit-remaining': '999999',
};

/** Answers get-users for every id asked (each id names a user), and Twurple's token check, after {@link LATENCY_MS}. */
const stub = (async (input: RequestInfo | URL) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
  if (url.pathname.endsWith('oauth2/validate')) {
    return Response.json({ client_id: 'cid', login: 'twitchdev', scopes: [], user_id: '141981764', expires_in: 5000000 });
  }
  helixRequests++;
  const body = JSON.stringify({ data: url.searchParams.getAll('id').map(user) });
  return new Response(body, { headers: { ...HEADERS, 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60) } });
}) as typeof fetch;

/** The ids of one round: all different, so nothing may be asked once for two callers. */
const ids = Array.from({ length: LOOKUPS }, (_, i) => String(10_000_000 + i));

type Lookup = (id: string) => Promise<{ id: string } | null | undefined>;

async function setup(contender: Contender): Promise<Lookup> {
  if (contender.startsWith('helixkit')) {
    const { createClient, getUsers, batch } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
    const client = createClient({ clientId: 'cid', auth: 'token', fetch: stub });
    if (contender === 'helixkit-each') return async (id) => (await getUsers(client, { id })).data[0];
    const lookup = batch(getUsers, 'id', { waitMs: contender === 'helixkit-batch-10' ? 10 : 0 });
    return (id) => lookup(client, id);
  }
  const { ApiClient } = await import('@twurple/api');
  const { StaticAuthProvider } = await import('@twurple/auth');
  globalThis.fetch = stub;
  const api = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token'), batchDelay: contender === 'twurple-batch-10' ? 10 : 0 });
  return contender === 'twurple-each' ? (id) => api.users.getUserById(id) : (id) => api.users.getUserByIdBatched(id);
}

/** Looks up every id at once and checks each caller got its own user; wall milliseconds, and requests in `count`. */
async function round(lookup: Lookup): Promise<Figure & { count: number }> {
  const before = helixRequests;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const users = await Promise.all(ids.map(lookup));
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const wrong = users.findIndex((found, i) => found?.id !== ids[i]);
  if (wrong >= 0) throw new Error(`lookup ${wrong} resolved ${JSON.stringify(users[wrong])?.slice(0, 80)}`);
  return { value: wall, cpu: (cpu.user + cpu.system) / 1000, count: helixRequests - before };
}

/** Sets the contender up, checks and warms it with one round, and hands back its timed rounds. */
export async function prepare(contender: string): Promise<Prepared> {
  if (!(contender in contenders)) throw new Error(`unknown contender ${contender}`);
  const lookup = await setup(contender as Contender);
  await round(lookup);
  return { round: () => round(lookup) };
}
