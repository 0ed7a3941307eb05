import { afterEach, describe, expect, test, vi } from 'vitest';
import { createClient, type AuthProvider } from '../src/index.ts';
import { getUsers } from '../src/helix/users.ts';
import { fetchStub, json } from './fetch-stub.ts';

afterEach(() => void vi.useRealTimers());

const START = new Date('2026-11-23T12:00:00Z');

/**
 * Helix as Twitch meters it: a bucket of `limit` points per token that refills `windowMs` after
 * its first request, each request counted when it arrives, and each answer sent `latencyMs` later
 * (so the remaining points it reports leave out the requests still in flight). Records the ids
 * asked, in the order they arrived, and counts the 429s.
 */
function meteredHelix({ limit = 10, windowMs = 60_000, latencyMs = (_arrival: number): number => 50, headers = true } = {}) {
  const buckets = new Map<string, { remaining: number; resetAt: number }>();
  const arrived: string[] = [];
  let refused = 0;
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const token = request.headers.get('authorization')!;
    let bucket = buckets.get(token);
    if (!bucket || bucket.resetAt <= Date.now()) buckets.set(token, (bucket = { remaining: limit, resetAt: Date.now() + windowMs }));
    const allowed = bucket.remaining > 0;
    if (allowed) bucket.remaining--;
    else refused++;
    arrived.push(new URL(request.url).searchParams.get('id')!);
    const told: Record<string, string> = headers
      ? { 'ratelimit-limit': String(limit), 'ratelimit-remaining': String(bucket.remaining), 'ratelimit-reset': String(Math.ceil(bucket.resetAt / 1000)) }
      : {};
    await new Promise((resolve) => setTimeout(resolve, latencyMs(arrived.length)));
    return allowed ? json({ data: [] }, { headers: told }) : json({ error: 'Too Many Requests', status: 429, message: '' }, { status: 429, headers: told });
  }) as typeof globalThis.fetch;
  return { fetch, arrived, refused: () => refused };
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('many calls on one token', () => {
  test('flow at the bucket’s rate, in the order they were made, with no 429', async () => {
    vi.useFakeTimers({ now: START });
    const helix = meteredHelix({ limit: 10 });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const calls = ids(1, 30).map((id) => getUsers(client, { id }));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(helix.arrived).toEqual(ids(1, 10));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(helix.arrived).toEqual(ids(1, 20));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await Promise.all(calls)).toHaveLength(30);
    expect(helix.arrived).toEqual(ids(1, 30));
    expect(helix.refused()).toBe(0);
  });

  test('while the bucket is unknown one request goes; its answer lets as many go as it has points, minus those in flight', async () => {
    vi.useFakeTimers({ now: START });
    const helix = meteredHelix({ limit: 4 });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const calls = ids(1, 8).map((id) => getUsers(client, { id }));
    await vi.advanceTimersByTimeAsync(10);
    expect(helix.arrived).toEqual(['1']);
    // The first answer says 3 left: three go at once, and the answers to those three (each saying
    // fewer left while the others are in flight) let nothing more through.
    await vi.advanceTimersByTimeAsync(50);
    expect(helix.arrived).toEqual(ids(1, 4));
    await vi.advanceTimersByTimeAsync(50_000);
    expect(helix.arrived).toEqual(ids(1, 4));
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all(calls);
    expect(helix.arrived).toEqual(ids(1, 8));
    expect(helix.refused()).toBe(0);
  });

  test('an answer that overtakes an earlier one does not make the bucket look fuller than it is', async () => {
    vi.useFakeTimers({ now: START });
    // The first request to arrive is answered last, saying the most points were left.
    const helix = meteredHelix({ limit: 4, latencyMs: (arrival) => [50, 300, 100, 50][arrival - 1] ?? 50 });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const calls = ids(1, 6).map((id) => getUsers(client, { id }));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(helix.arrived).toEqual(ids(1, 4));
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all(calls);
    expect(helix.arrived).toEqual(ids(1, 6));
    expect(helix.refused()).toBe(0);
  });

  test('answers without rate-limit headers (a browser may hide them) leave the calls unthrottled', async () => {
    vi.useFakeTimers({ now: START });
    const helix = meteredHelix({ limit: 100, headers: false });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const calls = ids(1, 20).map((id) => getUsers(client, { id }));
    await vi.advanceTimersByTimeAsync(10);
    expect(helix.arrived).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(helix.arrived).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(50);
    await Promise.all(calls);
  });

  test('a call aborted while queued is never sent, and the calls behind it keep their order', async () => {
    vi.useFakeTimers({ now: START });
    const helix = meteredHelix({ limit: 2 });
    const client = createClient({ clientId: 'c', auth: 'token', fetch: helix.fetch });
    const controller = new AbortController();
    const calls = ids(1, 5).map((id) => getUsers(client, { id }, id === '4' ? { signal: controller.signal } : {}).catch((error: unknown) => error));
    await vi.advanceTimersByTimeAsync(1000);
    expect(helix.arrived).toEqual(['1', '2']);
    controller.abort(new Error('stop'));
    expect(await calls[3]).toMatchObject({ message: 'stop' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(helix.arrived).toEqual(['1', '2', '3', '5']);
    await Promise.all(calls);
    expect(helix.refused()).toBe(0);
  });
});

test('calls on another token never wait behind an empty bucket', async () => {
  vi.useFakeTimers({ now: START });
  const helix = meteredHelix({ limit: 3 });
  // The `user` option picks the token, as a token manager holding two users would.
  const auth: AuthProvider = { getToken: ({ user }) => ({ token: `token-${user}` }) };
  const client = createClient({ clientId: 'c', auth, fetch: helix.fetch });
  const waiting = ids(1, 9).map((id) => getUsers(client, { id }, { user: 'a' }));
  await vi.advanceTimersByTimeAsync(1000);
  expect(helix.arrived).toEqual(ids(1, 3));
  const other = ids(101, 103).map((id) => getUsers(client, { id }, { user: 'b' }));
  await vi.advanceTimersByTimeAsync(200);
  await Promise.all(other);
  expect(helix.arrived).toEqual([...ids(1, 3), ...ids(101, 103)]);
  await vi.advanceTimersByTimeAsync(120_000);
  await Promise.all(waiting);
  expect(helix.refused()).toBe(0);
});

// A browser cannot read Helix's Date header (CORS), so a local clock an hour slow (a wrong time
// zone) makes Twitch's reset look an hour away. Failing fast is the rule; locking the token out
// for that hour, without ever asking Twitch again, is not: Twitch refills within a minute.
test('a reset that looked too far off does not refuse calls for longer than the cap', async () => {
  vi.useFakeTimers({ now: START });
  const reset = String(Math.floor(Date.now() / 1000) + 3600);
  const stub = fetchStub(() => json({ data: [] }, { headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': reset } }));
  const client = createClient({ clientId: 'c', auth: 'token', fetch: stub.fetch });
  await getUsers(client, { id: '1' });
  await vi.advanceTimersByTimeAsync(5 * 60_000);
  await expect(getUsers(client, { id: '2' })).resolves.toEqual({ data: [] });
  expect(stub.requests).toHaveLength(2);
});
