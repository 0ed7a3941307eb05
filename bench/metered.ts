// Helix as Twitch meters it, for the benches that run into its rate limit: the fake Twitch's
// bucket per token (refilled continuously, as Twitch's is), each request counted when it arrives
// (and refused 429 when less than a point is left), each answer sent `latencyMs` later, so the
// points it reports leave out the requests still in flight, as Twitch's do. The window may be
// shorter than Twitch's minute, so a bench takes seconds: its logic is Twitch's, and
// `Ratelimit-Reset` then carries the milliseconds as a fraction of a second.
import { takeRateLimit } from '../dist/testing/state.js';

export interface Metered {
  fetch: typeof fetch;
  /** Helix requests answered, 429s included (token checks are not Helix requests). */
  requests(): number;
  /** Requests refused with 429. */
  refused(): number;
}

export interface MeteredOptions {
  /** Points per window (Twitch: 800). */
  limit: number;
  /** Milliseconds in which `limit` points flow back (Twitch: 60,000). */
  windowMs: number;
  latencyMs: number;
  /** Scopes the token check reports (Twurple checks them). */
  scopes?: string[];
}

/** The user a bench's Helix answers for an id. */
export const benchUser = (id: string) => ({
  id,
  login: `user${id}`,
  display_name: `User${id}`,
  type: '',
  broadcaster_type: '',
  description: '',
  profile_image_url: 'https://static-cdn.jtvnw.net/jtv_user_pictures/x-profile_image-300x300.png',
  offline_image_url: '',
  view_count: 0,
  created_at: '2016-12-14T20:32:28Z',
});

/** Answers get-users (a user per id asked), create-eventsub-subscription (echoing it) and the token check. */
export function metered({ limit, windowMs, latencyMs, scopes = [] }: MeteredOptions): Metered {
  // The fake Twitch's own bucket (continuous refill, as Twitch's), on this process's clock.
  const state = { now: () => Date.now(), rateLimit: { limit, windowMs, buckets: new Map() } };
  let requests = 0;
  let refused = 0;
  let ids = 0;
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const later = (response: Response) => new Promise<Response>((resolve) => setTimeout(() => resolve(response), latencyMs));
    if (url.pathname.endsWith('oauth2/validate')) {
      return later(Response.json({ client_id: 'cid', login: 'cool_user', scopes, user_id: '1337', expires_in: 5_000_000 }));
    }
    requests++;
    const now = Date.now();
    const bucket = takeRateLimit(state, request.headers.get('authorization') ?? '');
    const told = {
      'content-type': 'application/json',
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(bucket.remaining),
      'ratelimit-reset': String(bucket.resetAt / 1000),
    };
    if (!bucket.allowed) {
      refused++;
      return later(Response.json({ error: 'Too Many Requests', status: 429, message: '' }, { status: 429, headers: told }));
    }
    if (url.pathname.endsWith('eventsub/subscriptions') && request.method === 'POST') {
      const body = (await request.json()) as { type: string; version: string; condition: object; transport: object };
      const data = { id: `sub-${++ids}`, status: 'enabled', cost: 0, created_at: new Date(now).toISOString(), ...body };
      return later(Response.json({ data: [data], total: ids, total_cost: 0, max_total_cost: 10 }, { status: 202, headers: told }));
    }
    const users = url.searchParams.getAll('id').map(benchUser);
    return later(Response.json({ data: users }, { headers: told }));
  };
  return { fetch: fetcher as typeof fetch, requests: () => requests, refused: () => refused };
}
