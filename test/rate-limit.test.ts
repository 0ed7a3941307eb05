import { afterEach, describe, expect, test, vi } from 'vitest';
import { createClient, type AuthProvider } from '../src/index.ts';
import { UNSEEN_BURST } from '../src/rate-limit.ts';
import { getUsers } from '../src/helix/users.ts';
import { takeRateLimit } from '../src/testing/state.ts';
import { fetchStub, json } from './fetch-stub.ts';

afterEach(() => void vi.useRealTimers());

const START = new Date('2026-11-23T12:00:00Z');

/**
 * Helix as Twitch meters it: a bucket of `limit` points per token, refilled continuously (`limit`
 * a minute) by the fake Twitch's own bucket, each request counted when it arrives, and each answer
 * sent `latencyMs` later (so the remaining points it reports leave out the requests still in
 * flight). Records the ids asked, in the order they arrived, and counts the 429s.
 */
function meteredHelix({ limit = 10, windowMs = 60_000, latencyMs = (_arrival: number): number => 50, headers = true } = {}) {
  const state = { now: Date.now, rateLimit: { limit, windowMs, buckets: new Map() } };
  const arrived: string[] = [];
  let refused = 0;
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const bucket = takeRateLimit(state, request.headers.get('authorization')!);
    if (!bucket.allowed) refused++;
    arrived.push(new URL(request.url).searchParams.get('id')!);
    const told: Record<string, string> = headers
      ? { 'ratelimit-limit': String(limit), 'ratelimit-remaining': String(bucket.remaining), 'ratelimit-reset': String(Math.ceil(bucket.resetAt / 1000)) }
      : {};
    await new Promise((resolve) => setTimeout(resolve, latencyMs(arrived.length)));
    return bucket.allowed ? json({ data: [] }, { headers: told }) : json({ error: 'Too Many Requests', status: 429, message: '' }, { status: 429, headers: told });
  }) as typeof globalThis.fetch;
  return { fetch, arrived, refused: () => refused };
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('many calls on one token', () => {
  test('flow at the bucket’s rate as its points flow back, in the order they were made, with no 429', async () => {
    vi.useFakeTimers({ now: START });
    // 10 points, refilled continuously: a point every 6 s.
    const helix = meteredHelix({ limit: 10 });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const calls = ids(1, 30).map((id) => getUsers(client, { id }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(helix.arrived).toEqual(ids(1, 10));
    // Half a minute on, five points have come back and gone out (not a whole bucket a minute later).
    await vi.advanceTimersByTimeAsync(30_000);
    expect(helix.arrived.length).toBeGreaterThanOrEqual(14);
    expect(helix.arrived).toEqual(ids(1, helix.arrived.length));
    await vi.advanceTimersByTimeAsync(100_000);
    expect(await Promise.all(calls)).toHaveLength(30);
    expect(helix.arrived).toEqual(ids(1, 30));
    expect(helix.refused()).toBe(0);
  });

  test(`before any answer ${UNSEEN_BURST} requests go; the first answer lets as many go as the bucket has points, less those in flight`, async () => {
    vi.useFakeTimers({ now: START });
    const helix = meteredHelix({ limit: 20 });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const calls = ids(1, 30).map((id) => getUsers(client, { id }));
    await vi.advanceTimersByTimeAsync(10);
    expect(helix.arrived).toEqual(ids(1, UNSEEN_BURST));
    // The first answer says 19 left with 7 more in flight: 12 go at once, and the answers to the
    // others (each saying fewer left) let nothing more through until points flow back.
    await vi.advanceTimersByTimeAsync(50);
    expect(helix.arrived).toEqual(ids(1, 20));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(helix.arrived).toEqual(ids(1, 20));
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all(calls);
    expect(helix.arrived).toEqual(ids(1, 30));
    expect(helix.refused()).toBe(0);
  });

  test('an answer that overtakes an earlier one does not make the bucket look fuller than it is', async () => {
    vi.useFakeTimers({ now: START });
    // The first request to arrive is answered last, saying the most points were left.
    const helix = meteredHelix({ limit: 10, latencyMs: (arrival) => (arrival === 1 ? 300 : 50) });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const calls = ids(1, 14).map((id) => getUsers(client, { id }));
    await vi.advanceTimersByTimeAsync(40_000);
    await Promise.all(calls);
    expect(helix.arrived).toEqual(ids(1, 14));
    expect(helix.refused()).toBe(0);
  });

  test('answers without rate-limit headers (a browser may hide them) leave the calls unthrottled', async () => {
    vi.useFakeTimers({ now: START });
    const helix = meteredHelix({ limit: 100, headers: false });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const calls = ids(1, 20).map((id) => getUsers(client, { id }));
    await vi.advanceTimersByTimeAsync(10);
    expect(helix.arrived).toHaveLength(UNSEEN_BURST);
    await vi.advanceTimersByTimeAsync(50);
    expect(helix.arrived).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(50);
    await Promise.all(calls);
  });

  test('calls that fail without an answer give their places back: the calls behind them still go, in order', async () => {
    vi.useFakeTimers({ now: START });
    const helix = meteredHelix({ limit: 100 });
    const arrived: string[] = [];
    // The first 8 requests (the first burst) never get an answer: the network fails.
    const flaky = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const id = new URL(new Request(input, init).url).searchParams.get('id')!;
      arrived.push(id);
      if (arrived.length <= UNSEEN_BURST) throw new TypeError('fetch failed');
      return helix.fetch(input, init);
    }) as typeof fetch;
    const client = createClient({ clientId: 'c', auth: 'token', fetch: flaky, retry: { limit: 0 } });
    const calls = ids(1, 12).map((id) => getUsers(client, { id }).then(() => 'ok', (error: Error) => error.name));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await Promise.all(calls)).toEqual([...Array(UNSEEN_BURST).fill('NetworkError'), ...Array(12 - UNSEEN_BURST).fill('ok')]);
    expect(arrived).toEqual(ids(1, 12));
  });

  test('a call aborted while queued is never sent, and the calls behind it keep their order', async () => {
    vi.useFakeTimers({ now: START });
    const helix = meteredHelix({ limit: 10 });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const controller = new AbortController();
    const calls = ids(1, 14).map((id) => getUsers(client, { id }, id === '12' ? { signal: controller.signal } : {}).catch((error: unknown) => error));
    await vi.advanceTimersByTimeAsync(1000);
    expect(helix.arrived).toEqual(ids(1, 10));
    controller.abort(new Error('stop'));
    expect(await calls[11]).toMatchObject({ message: 'stop' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(helix.arrived).toEqual([...ids(1, 11), '13', '14']);
    await Promise.all(calls);
    expect(helix.refused()).toBe(0);
  });
});

test('calls on another token never wait behind an empty bucket', async () => {
  vi.useFakeTimers({ now: START });
  const helix = meteredHelix({ limit: 10 });
  // The `user` option picks the token, as a token manager holding two users would.
  const auth: AuthProvider = { getToken: ({ user }) => ({ token: `token-${user}` }) };
  const client = createClient({ clientId: 'c', auth, fetch: helix.fetch });
  const waiting = ids(1, 20).map((id) => getUsers(client, { id }, { user: 'a' }));
  await vi.advanceTimersByTimeAsync(1000);
  expect(helix.arrived).toEqual(ids(1, 10));
  const other = ids(101, 103).map((id) => getUsers(client, { id }, { user: 'b' }));
  await vi.advanceTimersByTimeAsync(200);
  await Promise.all(other);
  expect(helix.arrived).toEqual([...ids(1, 10), ...ids(101, 103)]);
  await vi.advanceTimersByTimeAsync(120_000);
  await Promise.all(waiting);
  expect(helix.refused()).toBe(0);
});

// A browser cannot read Helix's Date header (CORS), so a local clock an hour slow makes Twitch's
// reset look an hour away. Neither failing for that hour nor waiting it out: calls go on at the
// pace of a bucket refilled in 120 s (Twitch refills within a minute).
test('a reset that looks an hour off slows calls to the pace of a 120 s refill, and locks nothing out', async () => {
  vi.useFakeTimers({ now: START });
  const reset = String(Math.floor(Date.now() / 1000) + 3600);
  const stub = fetchStub(() => json({ data: [] }, { headers: { 'ratelimit-limit': '30', 'ratelimit-remaining': '0', 'ratelimit-reset': reset } }));
  const client = createClient({ clientId: 'c', auth: 'token', fetch: stub.fetch });
  await getUsers(client, { id: '1' });
  // 30 points over 120 s: one each 4 s.
  const calls = ids(2, 4).map((id) => getUsers(client, { id }));
  await vi.advanceTimersByTimeAsync(3900);
  expect(stub.requests).toHaveLength(1);
  await vi.advanceTimersByTimeAsync(8200);
  await Promise.all(calls);
  expect(stub.requests).toHaveLength(4);
});

/** Follows a promise: `outcome()` is its value, its error's message, or 'pending'. */
function follow(promise: Promise<unknown>) {
  let outcome: unknown = 'pending';
  promise.then((value) => (outcome = value), (error: Error) => (outcome = error.message));
  return () => outcome;
}

describe('a bucket never stalls', () => {
  // A browser may hide Twitch's headers, so a 429 there says nothing: it means "not now", never
  // "never again". (Eight such 429s used to spend the first burst for good: every later call on
  // the token waited forever, with nothing in flight to wake it.)
  test('after 429s without rate-limit headers, later calls on the token still go', async () => {
    vi.useFakeTimers({ now: START });
    let limited = true;
    const stub = fetchStub(() => (limited ? json({ error: 'Too Many Requests', status: 429, message: '' }, { status: 429 }) : json({ data: [] })));
    const client = createClient({ clientId: 'c', auth: 'token', fetch: stub.fetch, retry: { limit: 0 } });
    const refused = ids(1, UNSEEN_BURST).map((id) => getUsers(client, { id }).catch((error: Error) => error.name));
    await vi.advanceTimersByTimeAsync(100);
    expect(await Promise.all(refused)).toEqual(Array(UNSEEN_BURST).fill('RateLimitError'));
    limited = false;
    const later = follow(getUsers(client, { id: 'later' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(later()).toEqual({ data: [] });
  });

  // Every figure comes from the network: a limit below one point, or one that is not a finite
  // number, must not leave the calls waiting for a point that can never come.
  test.each(['-5', '0.5', 'Infinity', '1e999'])('after an answer whose RateLimit-Limit is %s, the next calls still go', async (limit) => {
    vi.useFakeTimers({ now: START });
    const stub = fetchStub(() =>
      json({ data: [] }, { headers: { 'ratelimit-limit': limit, 'ratelimit-remaining': '5', 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 5) } }),
    );
    const client = createClient({ clientId: 'c', auth: 'token', fetch: stub.fetch });
    await getUsers(client, { id: '1' });
    const next = follow(Promise.all([getUsers(client, { id: '2' }), getUsers(client, { id: '3' })]));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(next()).toHaveLength(2);
  });

  test.each(['Infinity', '1e999'])('after an answer whose RateLimit-Remaining is %s, the next calls still go', async (remaining) => {
    vi.useFakeTimers({ now: START });
    const stub = fetchStub(() => json({ data: [] }, { headers: { 'ratelimit-remaining': remaining } }));
    const client = createClient({ clientId: 'c', auth: 'token', fetch: stub.fetch });
    await getUsers(client, { id: '1' });
    const next = follow(Promise.all([getUsers(client, { id: '2' }), getUsers(client, { id: '3' })]));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(next()).toHaveLength(2);
  });

  // Odd headers: each of the first burst's answers says the bucket (of one point) is empty, though
  // all of them were let through. Counting the seven still in flight as owed on top of Twitch's
  // figure, and keeping that debt, made the next call wait eight refills (16 minutes at a
  // 120 s refill), not the one the cap allows.
  test.each([String(Math.floor(START.getTime() / 1000) + 60), '1e12'])('after a burst whose answers all say 0 points left (reset %s), the next call waits one refill at most', async (reset) => {
    vi.useFakeTimers({ now: START });
    const stub = fetchStub(() => json({ data: [] }, { headers: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': reset } }));
    const client = createClient({ clientId: 'c', auth: 'token', fetch: stub.fetch });
    await Promise.all(ids(1, UNSEEN_BURST).map((id) => getUsers(client, { id })));
    const next = follow(getUsers(client, { id: 'next' }));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(next()).toEqual({ data: [] });
    expect(vi.getTimerCount()).toBe(0);
  });

  // `log` may throw (that fails the call it was logging): a call that fails so while it waits
  // for a point must leave the queue, or the place it would later be given is never passed on.
  test('a call whose log throws while it waits for a point does not keep a place in the bucket', async () => {
    vi.useFakeTimers({ now: START });
    const stub = fetchStub(() =>
      json({ data: [] }, { headers: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 60) } }),
    );
    let throws = true;
    const log = (entry: { type: string }) => {
      if (throws && entry.type === 'wait') throw new Error('log failed');
    };
    const client = createClient({ clientId: 'c', auth: 'token', fetch: stub.fetch, log });
    await getUsers(client, { id: '1' });
    await expect(getUsers(client, { id: '2' })).rejects.toThrow('log failed');
    throws = false;
    const next = follow(getUsers(client, { id: '3' }));
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(next()).toEqual({ data: [] });
    expect(stub.requests.map((request) => new URL(request.url).searchParams.get('id'))).toEqual(['1', '3']);
  });
});
