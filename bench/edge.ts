// Calls at the bucket's edge: 2,000 calls made at once on one token, against a Helix that meters
// Twitch's bucket (800 points, refilled 800 a "minute" scaled down so a round takes
// seconds), each answer 50 ms after its request. What matters: how close the whole run comes to
// the least time the bucket allows, and how many requests Twitch would have refused (429).
// Each contender runs in its own Node process (bench/interleave.ts).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './bundle.ts';
import type { Figure, Prepared } from './child.ts';
import { metered } from './metered.ts';

export const EDGE_CALLS = 2_000;
/** Twitch's bucket: 800 points, one a call. */
export const EDGE_LIMIT = 800;
/** Twitch refills the bucket in a minute; here 30 times faster. */
export const EDGE_WINDOW_MS = 2_000;
export const EDGE_LATENCY_MS = 50;
/**
 * The least time the bucket allows: a full bucket's points go at once, the rest as they flow
 * back (`limit` a window), and the last answer comes one latency after the last point.
 */
export const EDGE_MINIMUM_MS = ((EDGE_CALLS - EDGE_LIMIT) * EDGE_WINDOW_MS) / EDGE_LIMIT + EDGE_LATENCY_MS;

export const contenders = {
  helixkit: 'helixkit getUsers, one call per id, all at once',
  twurple: 'Twurple 8.1.4 users.getUserById, all at once (Node build)',
} as const;
export type Contender = keyof typeof contenders;

const helix = metered({ limit: EDGE_LIMIT, windowMs: EDGE_WINDOW_MS, latencyMs: EDGE_LATENCY_MS });

type Lookup = (id: string) => Promise<{ id: string } | null | undefined>;
/** A fresh client on a fresh token (so a fresh bucket) for each round. */
type Setup = (token: string) => Lookup;

async function setup(contender: Contender): Promise<Setup> {
  if (contender === 'helixkit') {
    const { createClient, getUsers } = await import(pathToFileURL(join(root, 'dist/index.js')).href);
    return (token) => {
      const client = createClient({ clientId: 'cid', auth: token, fetch: helix.fetch });
      return async (id) => (await getUsers(client, { id })).data[0];
    };
  }
  const { ApiClient } = await import('@twurple/api');
  const { StaticAuthProvider } = await import('@twurple/auth');
  globalThis.fetch = helix.fetch;
  return (token) => {
    const api = new ApiClient({ authProvider: new StaticAuthProvider('cid', token), logger: { minLevel: 'error' } });
    return (id) => api.users.getUserById(id);
  };
}

let rounds = 0;

/** Makes `calls` calls at once on a new token: wall ms, and the 429s Helix answered in `count`. */
async function round(make: Setup, calls: number): Promise<Figure & { count: number }> {
  const lookup = make(`token-${process.pid}-${++rounds}`);
  const ids = Array.from({ length: calls }, (_, i) => String(10_000_000 + i));
  const refused = helix.refused();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const users = await Promise.all(ids.map(lookup));
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const wrong = users.findIndex((user, i) => user?.id !== ids[i]);
  if (wrong >= 0) throw new Error(`call ${wrong} resolved ${JSON.stringify(users[wrong])?.slice(0, 80)}`);
  return { value: wall, cpu: (cpu.user + cpu.system) / 1000, count: helix.refused() - refused };
}

/** Sets the contender up and warms it with calls that fit one window, then hands back its timed rounds. */
export async function prepare(contender: string): Promise<Prepared> {
  if (!(contender in contenders)) throw new Error(`unknown contender ${contender}`);
  const make = await setup(contender as Contender);
  await round(make, 200);
  return { round: () => round(make, EDGE_CALLS) };
}
