// The client's `log` option: which entry comes when, against a stubbed fetch and fake timers,
// and that no entry ever carries the token or a webhook secret.
import { afterEach, describe, expect, expectTypeOf, test, vi } from 'vitest';
import { createClient, type AuthProvider, type LogEntry } from '../src/index.ts';
import { getUsers } from '../src/helix/users.ts';
import { createEventSubSubscription } from '../src/helix/eventsub.ts';
import { fetchStub, json, type Responder } from './fetch-stub.ts';

const TOKEN = 'tok3n-never-logged-9f2c';
const SECRET = 'webhook-secret-never-logged';
const NOW = new Date('2026-11-23T12:00:00Z');

afterEach(() => void vi.useRealTimers());

/** A client on a stubbed fetch whose log entries land in `entries`. */
function logged(...responders: Responder[]) {
  const entries: LogEntry[] = [];
  const stub = fetchStub(...responders);
  const client = createClient({ clientId: 'cid', auth: TOKEN, fetch: stub.fetch, log: (entry) => void entries.push(entry) });
  return { client, entries, stub };
}

/** An answer that arrives `ms` after the request (fake clock). */
const after = (ms: number, answer: () => Response): Responder => () => {
  vi.setSystemTime(Date.now() + ms);
  return answer();
};

const users = () => json({ data: [] });
const base = { source: 'helix', method: 'GET', path: 'users' } as const;

describe('the log option of createClient', () => {
  test('a call logs its request, then its response with the status and the milliseconds it took', async () => {
    vi.useFakeTimers({ now: NOW });
    const { client, entries } = logged(after(150, users));
    await getUsers(client, { id: '1' });
    expect(entries).toEqual([
      { ...base, type: 'request', attempt: 1 },
      { ...base, type: 'response', attempt: 1, status: 200, ms: 150 },
    ]);
  });

  test('a retried 5xx logs a retry with that status as its cause, before the request goes again', async () => {
    vi.useFakeTimers({ now: NOW });
    const { client, entries, stub } = logged(() => json({ error: 'Service Unavailable', status: 503, message: '' }, { status: 503 }), users);
    const call = getUsers(client, { id: '1' });
    await vi.advanceTimersByTimeAsync(0);
    // ky waits its backoff before the second request: nothing is logged until it is sent.
    expect(entries.map((entry) => entry.type)).toEqual(['request', 'response']);
    await vi.advanceTimersByTimeAsync(1000);
    await call;
    expect(stub.requests).toHaveLength(2);
    expect(entries).toEqual([
      { ...base, type: 'request', attempt: 1 },
      { ...base, type: 'response', attempt: 1, status: 503, ms: 0 },
      { ...base, type: 'retry', attempt: 2, cause: 503 },
      { ...base, type: 'response', attempt: 2, status: 200, ms: 0 },
    ]);
  });

  test('a network failure is the cause `network` of the retry', async () => {
    vi.useFakeTimers({ now: NOW });
    const { client, entries } = logged(() => {
      throw new TypeError('fetch failed');
    }, users);
    const call = getUsers(client, { id: '1' });
    await vi.advanceTimersByTimeAsync(1000);
    await call;
    expect(entries.map((entry) => [entry.type, 'attempt' in entry && entry.attempt, 'cause' in entry ? entry.cause : undefined])).toEqual([
      ['request', 1, undefined],
      ['retry', 2, 'network'],
      ['response', 2, undefined],
    ]);
  });

  test('a 429 logs the wait for Ratelimit-Reset (how long, and that a 429 caused it), then the retry', async () => {
    vi.useFakeTimers({ now: NOW });
    const reset = String(Math.floor(Date.now() / 1000) + 2);
    const { client, entries } = logged(
      () => json({ error: 'Too Many Requests', status: 429, message: '' }, { status: 429, headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': reset } }),
      users,
    );
    const call = getUsers(client, { id: '1' });
    await vi.advanceTimersByTimeAsync(0);
    expect(entries.at(-1)).toEqual({ ...base, type: 'wait', attempt: 1, ms: 2000, cause: 429 });
    await vi.advanceTimersByTimeAsync(2000);
    await call;
    expect(entries.slice(-2)).toEqual([
      { ...base, type: 'retry', attempt: 2, cause: 429 },
      { ...base, type: 'response', attempt: 2, status: 200, ms: 0 },
    ]);
  });

  test('a call that finds the bucket empty logs its wait before sending anything, with no cause', async () => {
    vi.useFakeTimers({ now: NOW });
    const reset = String(Math.floor(Date.now() / 1000) + 3);
    const { client, entries } = logged(() => json({ data: [] }, { headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': reset } }));
    await getUsers(client, { id: '1' });
    entries.length = 0;
    const second = getUsers(client, { id: '2' });
    await vi.advanceTimersByTimeAsync(0);
    expect(entries).toEqual([{ ...base, type: 'wait', attempt: 0, ms: 3000 }]);
    await vi.advanceTimersByTimeAsync(3000);
    await second;
    expect(entries.map((entry) => entry.type)).toEqual(['wait', 'request', 'response']);
  });

  test('a 401 retried with a refreshed token logs the retry with cause 401', async () => {
    const refreshed: AuthProvider = {
      getToken: () => ({ token: 'old-token-1' }),
      refresh: async () => ({ token: 'new-token-2' }),
    };
    const entries: LogEntry[] = [];
    const stub = fetchStub(() => json({ error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' }, { status: 401 }), users);
    const client = createClient({ clientId: 'cid', auth: refreshed, fetch: stub.fetch, log: (entry) => void entries.push(entry) });
    await getUsers(client, { id: '1' });
    expect(entries.map((entry) => [entry.type, 'status' in entry ? entry.status : 'cause' in entry ? entry.cause : undefined])).toEqual([
      ['request', undefined],
      ['response', 401],
      ['retry', 401],
      ['response', 200],
    ]);
  });

  test('a body that does not match its schema logs the report, as onInvalid gets it, after the response', async () => {
    const reports: unknown[] = [];
    const entries: LogEntry[] = [];
    const stub = fetchStub(() => json({ data: [{ id: 5 }] }));
    const client = createClient({ clientId: 'cid', auth: TOKEN, fetch: stub.fetch, onInvalid: (error) => void reports.push(error), log: (entry) => void entries.push(entry) });
    await getUsers(client, { id: '1' });
    expect(entries.map((entry) => entry.type)).toEqual(['request', 'response', 'invalid']);
    const report = entries[2] as Extract<LogEntry, { type: 'invalid' }>;
    expect(report).toMatchObject({ source: 'helix', method: 'GET', path: 'users', attempt: 1 });
    expect(report.error).toBe(reports[0]);
    // The body stays off the entry's JSON; paths and types stay on.
    expect(JSON.stringify(report)).toContain('data.0.id');
    expect(JSON.stringify(report)).not.toContain('"id":5');
  });

  test('no entry holds the token or a webhook secret, even when the server echoes them', async () => {
    const echo = () => json({ error: 'Bad Request', status: 400, message: `bad ${TOKEN} ${SECRET}` }, { status: 400, headers: { 'x-echo': SECRET } });
    const { client, entries } = logged(() => json({ data: [{ id: 'sub-1', status: 'webhook_callback_verification_pending', type: 'stream.online', version: '1', condition: { broadcaster_user_id: '1' }, transport: { method: 'webhook', callback: 'https://example.com/hook' }, created_at: '2026-01-01T00:00:00Z', cost: 1 }], total: 1, total_cost: 1, max_total_cost: 10000 }, { status: 202 }), echo);
    const input = {
      type: 'stream.online',
      version: '1',
      condition: { broadcaster_user_id: '1' },
      transport: { method: 'webhook', callback: 'https://example.com/hook', secret: SECRET },
    } as const;
    await createEventSubSubscription(client, input);
    await createEventSubSubscription(client, input).catch(() => {});
    expect(entries.map((entry) => entry.type)).toEqual(['request', 'response', 'request', 'response']);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET);
  });

  test('entries are a typed union on `type`, with a `source`', () => {
    expectTypeOf<Extract<LogEntry, { type: 'response' }>['status']>().toEqualTypeOf<number>();
    expectTypeOf<LogEntry['source']>().toEqualTypeOf<'helix' | 'eventsub' | 'chat' | 'auth'>();
    // `log: console.debug` fits the option.
    expect(createClient({ clientId: 'cid', auth: TOKEN, log: console.debug }).log).toBe(console.debug);
  });
});
