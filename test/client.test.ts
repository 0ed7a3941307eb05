import { afterEach, describe, expect, test, vi } from 'vitest';
import * as v from 'valibot';
import {
  createClient,
  defineEndpoint,
  withParameters,
  InputError,
  MissingScopeError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  UnauthorizedError,
  ValidationError,
  type AuthProvider,
} from '../src/index.ts';
import { getUsers } from '../src/helix/users.ts';
import { getStreams } from '../src/helix/streams.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { endlessResponse, fetchStub, json } from './fetch-stub.ts';

const TOKEN = 'secret-token-abc123';
const user = (login: string) => ({
  id: `id-${login}`,
  login,
  display_name: login.toUpperCase(),
  type: '',
  broadcaster_type: '',
  description: '',
  profile_image_url: 'https://example.com/p.png',
  offline_image_url: '',
  view_count: 0,
  created_at: '2020-01-01T00:00:00Z',
});

function client(fetch: typeof globalThis.fetch, extra: Partial<Parameters<typeof createClient>[0]> = {}) {
  return createClient({ clientId: 'my-client-id', auth: TOKEN, fetch, ...extra });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('requests', () => {
  test('getUsers sends repeatable query params and both headers, and resolves the whole body', async () => {
    const body = { data: [user('a'), user('b')] };
    const stub = fetchStub(() => json(body));
    const result = await getUsers(client(stub.fetch), { login: ['a', 'b'] });

    expect(stub.requests).toHaveLength(1);
    const [request] = stub.requests;
    expect(request!.method).toBe('GET');
    expect(request!.url).toBe('https://api.twitch.tv/helix/users?login=a&login=b');
    expect(request!.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers.get('client-id')).toBe('my-client-id');
    expect(result).toEqual(body);
  });

  test('sends JSON bodies with only the body fields, and query fields in the URL', async () => {
    const spec = {
      id: 'test-post', method: 'POST', path: 'things', query: ['broadcaster_id'], body: ['title', 'duration'],
      tokens: ['user'], scopes: [], paginated: false, response: v.looseObject({ data: v.array(v.unknown()) }),
    } as const;
    const post = defineEndpoint<{ broadcaster_id: string; title: string; duration?: number }, { data: unknown[] }>(spec);
    const stub = fetchStub(() => json({ data: [] }));
    await post(client(stub.fetch), { broadcaster_id: '42', title: 'Hi', duration: 30 });
    const [request] = stub.requests;
    expect(request!.url).toBe('https://api.twitch.tv/helix/things?broadcaster_id=42');
    expect(request!.headers.get('content-type')).toMatch(/application\/json/);
    expect(await request!.json()).toEqual({ title: 'Hi', duration: 30 });
  });

  test('reads fetch at each request, so a fetch installed later is used', async () => {
    const original = globalThis.fetch;
    const c = createClient({ clientId: 'c', auth: TOKEN });
    const stub = fetchStub(() => json({ data: [] }));
    globalThis.fetch = stub.fetch;
    try {
      await getUsers(c, { id: '1' });
    } finally {
      globalThis.fetch = original;
    }
    expect(stub.requests).toHaveLength(1);
  });

  test('uses a custom base URL, with or without a trailing slash', async () => {
    const stub = fetchStub(() => json({ data: [] }));
    await getUsers(client(stub.fetch, { baseUrl: 'http://127.0.0.1:9999/mock/helix' }), { id: '1' });
    expect(stub.requests[0]!.url).toBe('http://127.0.0.1:9999/mock/helix/users?id=1');
  });
});

describe('input', () => {
  test('101 ids reject with InputError naming the parameter, and nothing is sent', async () => {
    const stub = fetchStub(() => json({ data: [] }));
    const ids = Array.from({ length: 101 }, (_, i) => String(i));
    const error = await Promise.resolve()
      .then(() => getUsers(client(stub.fetch), { id: ids }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).param).toBe('id');
    expect(stub.requests).toHaveLength(0);
  });

  test('an unknown parameter is refused before sending', async () => {
    const stub = fetchStub(() => json({ data: [] }));
    const call = () => getUsers(client(stub.fetch), { logins: ['a'] } as never);
    expect(call).toThrow(InputError);
    expect(stub.requests).toHaveLength(0);
  });
});

describe('errors', () => {
  test('a 404 rejects with NotFoundError carrying the status and no token text', async () => {
    const stub = fetchStub(() =>
      json({ error: 'Not Found', status: 404, message: `no such user for ${TOKEN}` }, { status: 404 }),
    );
    const error = await getUsers(client(stub.fetch), { id: '1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(404);
    expect((error as NotFoundError).endpoint).toBe('get-users');
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message, stack: (error as Error).stack })).not.toContain(TOKEN);
  });

  test('a 401 with a static token rejects with UnauthorizedError', async () => {
    const stub = fetchStub(() => json({ error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' }, { status: 401 }));
    await expect(getUsers(client(stub.fetch), { id: '1' })).rejects.toBeInstanceOf(UnauthorizedError);
    expect(stub.requests).toHaveLength(1);
  });

  test('5xx is retried for GET but not for POST', async () => {
    const fail = () => json({ error: 'Internal Server Error', status: 500, message: '' }, { status: 500 });
    const get = fetchStub(fail, () => json({ data: [] }));
    await expect(getUsers(client(get.fetch, { retry: { limit: 2 } }), { id: '1' })).resolves.toEqual({ data: [] });
    expect(get.requests).toHaveLength(2);

    const spec = { id: 'test-post', method: 'POST', path: 'x', query: [], body: [], tokens: ['user'], scopes: [], paginated: false } as const;
    const post = fetchStub(fail, () => new Response(null, { status: 204 }));
    await expect(defineEndpoint<{}, void>(spec)(client(post.fetch))).rejects.toBeInstanceOf(ServerError);
    expect(post.requests).toHaveLength(1);
  });

  test('retries follow ky\'s rules: 408, 500, 502, 503 and 504 for GET, PUT and DELETE, after 0.3, 0.6, 1.2 s; never 501', async () => {
    vi.useFakeTimers();
    const answer = (status: number) => () => json({ error: 'x', status, message: '' }, { status });
    for (const status of [408, 500, 502, 503, 504]) {
      const times: number[] = [];
      const stub = fetchStub(() => (times.push(Date.now()), answer(status)()));
      const call = getUsers(client(stub.fetch, { retry: { limit: 3 } }), { id: '1' }).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(3000);
      expect(await call, String(status)).toMatchObject({ status });
      expect(times.map((time) => time - times[0]!), String(status)).toEqual([0, 300, 900, 2100]);
    }
    const notImplemented = fetchStub(answer(501));
    await expect(getUsers(client(notImplemented.fetch), { id: '1' })).rejects.toBeInstanceOf(ServerError);
    expect(notImplemented.requests).toHaveLength(1);
    for (const method of ['PUT', 'DELETE', 'PATCH'] as const) {
      const stub = fetchStub(answer(503), () => new Response(null, { status: 204 }));
      const spec = { id: `test-${method}`, method, path: 'x', query: [], body: [], tokens: ['user'], scopes: [], paginated: false } as const;
      const call = defineEndpoint<{}, void>(spec)(client(stub.fetch)).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1000);
      expect(await call, method).toEqual(method === 'PATCH' ? expect.any(ServerError) : undefined);
      expect(stub.requests, method).toHaveLength(method === 'PATCH' ? 1 : 2);
    }
  });

  test('an abort during the backoff before a retry rejects at once, and nothing more is sent', async () => {
    vi.useFakeTimers();
    const stub = fetchStub(() => json({ error: 'x', status: 503, message: '' }, { status: 503 }));
    const controller = new AbortController();
    let settled: unknown = 'pending';
    getUsers(client(stub.fetch), { id: '1' }, { signal: controller.signal }).catch((e: unknown) => (settled = e));
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toEqual(new Error('stop'));
    await vi.advanceTimersByTimeAsync(5000);
    expect(stub.requests).toHaveLength(1);
  });

  test('a timeout is not retried', async () => {
    vi.useFakeTimers();
    const stub = fetchStub(
      (request) => new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))),
    );
    let settled: unknown = 'pending';
    getUsers(client(stub.fetch, { timeout: 30 }), { id: '1' }).catch((e: unknown) => (settled = e));
    await vi.advanceTimersByTimeAsync(5000);
    expect(settled).toBeInstanceOf(NetworkError);
    expect(stub.requests).toHaveLength(1);
  });

  test('a network failure is retried for GET and becomes NetworkError when it persists', async () => {
    const stub = fetchStub(() => {
      throw new TypeError('fetch failed');
    });
    const error = await getUsers(client(stub.fetch, { retry: { limit: 1 } }), { id: '1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(stub.requests).toHaveLength(2);
  });

  test('a connection that breaks off in the middle of a body is NetworkError, and a GET goes again', async () => {
    // A real server on loopback: headers and the start of a body, then the socket closes.
    let requests = 0;
    const server = createServer((_, response) => {
      if (requests++ === 0) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        response.write('{"data":[');
        setTimeout(() => response.socket?.destroy(), 10);
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ data: [user('again')] }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const retried = await getUsers(client(globalThis.fetch, { baseUrl, timeout: 2000 }), { id: '1' });
      expect(retried.data[0]?.login).toBe('again');
      expect(requests).toBe(2);
      requests = 0;
      const error = await getUsers(client(globalThis.fetch, { baseUrl, timeout: 2000, retry: { limit: 0 } }), { id: '1' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect(requests).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a connection failure in words ky does not know (Bun's) is NetworkError too", async () => {
    const stub = fetchStub(() => {
      throw Object.assign(new TypeError('ECONNREFUSED: Unable to connect. Is the computer able to access the url?'), { code: 'ECONNREFUSED', errno: 0 });
    });
    const error = await getUsers(client(stub.fetch, { retry: { limit: 0 } }), { id: '1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(String(error)).toContain('Unable to connect');
  });

  test('the timeout option ends a request that gets no answer with NetworkError', async () => {
    vi.useFakeTimers();
    // Answers only when aborted, as a hung server would.
    const stub = fetchStub(
      (request) => new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))),
    );
    let settled: unknown = 'pending';
    getUsers(client(stub.fetch, { timeout: 30, retry: { limit: 0 } }), { id: '1' }).catch((e: unknown) => (settled = e));
    // Well short of ky's own 10 s default.
    await vi.advanceTimersByTimeAsync(100);
    expect(settled).toBeInstanceOf(NetworkError);
    expect(String(settled)).not.toContain(TOKEN);
  });

  test('a body that stops arriving after its headers ends the call with NetworkError at the timeout, for a success and an error alike, and is not retried', async () => {
    vi.useFakeTimers();
    for (const status of [200, 500]) {
      // Headers, the first bytes of a body, then nothing more, as a stalled server would.
      const stalled = () =>
        new Response(new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"data":[')) }), { status, headers: { 'content-type': 'application/json' } });
      const stub = fetchStub(stalled);
      let settled: unknown = 'pending';
      getUsers(client(stub.fetch, { timeout: 30 }), { id: '1' }).catch((e: unknown) => (settled = e));
      await vi.advanceTimersByTimeAsync(29);
      expect(settled, String(status)).toBe('pending');
      // One limit for the headers and the body together.
      await vi.advanceTimersByTimeAsync(2);
      expect(settled, String(status)).toBeInstanceOf(NetworkError);
      expect(String(settled)).toContain('timed out');
      expect(stub.requests, String(status)).toHaveLength(1);
    }
  });
});

describe('the timeout option', () => {
  test('0, a negative or NaN timeout is none (no timer fires at once); past 2^31-1 ms (Infinity too) is 2^31-1 ms, not a RangeError', async () => {
    vi.useFakeTimers();
    // Answers after a minute, or fails when aborted, as a real fetch would.
    const slow = (ms: number) =>
      fetchStub(
        (request) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => resolve(json({ data: [] })), ms);
            request.signal.addEventListener('abort', () => (clearTimeout(timer), reject(request.signal.reason)));
          }),
      );
    for (const timeout of [0, -1, NaN, 2 ** 31, Infinity]) {
      let settled: unknown = 'pending';
      getUsers(client(slow(60_000).fetch, { timeout, retry: { limit: 0 } }), { id: '1' }).then((body) => (settled = body), (e: unknown) => (settled = e));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(settled, String(timeout)).toEqual({ data: [] });
    }
    for (const timeout of [2 ** 31, Infinity]) {
      let settled: unknown = 'pending';
      const hung = fetchStub((request) => new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))));
      getUsers(client(hung.fetch, { timeout, retry: { limit: 0 } }), { id: '1' }).catch((e: unknown) => (settled = e));
      await vi.advanceTimersByTimeAsync(2 ** 31 - 2);
      expect(settled, String(timeout)).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(settled, String(timeout)).toBeInstanceOf(NetworkError);
    }
  });
});

describe('bodies that are JSON but not what Twitch sends', () => {
  test('an error status whose body is null, a string, an array, a number or holds odd error/message values is still the typed error', async () => {
    const bodies = ['null', '"x"', '[]', '5', '{"error":{"toString":1},"message":{"valueOf":2,"toString":3}}', '{"error":null,"message":[1,2]}', '{"error":{}}'];
    for (const text of bodies) {
      const stub = fetchStub(() => new Response(text, { status: 404, statusText: 'Not Found', headers: { 'content-type': 'application/json' } }));
      const error = await getUsers(client(stub.fetch), { id: '1' }).catch((e: unknown) => e);
      expect(error, text).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).status, text).toBe(404);
      expect(String(error), text).toMatch(/^NotFoundError: get-users: 404 /);
    }
  });

  test('a 401 whose body holds odd values still asks the provider to refresh', async () => {
    const stub = fetchStub(
      () => new Response('{"error":{"toString":1}}', { status: 401 }),
      () => json({ data: [] }),
    );
    const provider: AuthProvider = { getToken: () => ({ token: 'old' }), refresh: async () => ({ token: 'new' }) };
    await expect(getUsers(client(stub.fetch, { auth: provider }), { id: '1' })).resolves.toEqual({ data: [] });
  });

  test('a 2xx body of null, a string or an array resolves as received and is reported', async () => {
    for (const body of [null, 'x', []]) {
      const reports: ValidationError[] = [];
      const stub = fetchStub(() => json(body));
      await expect(getUsers(client(stub.fetch, { onInvalid: (e) => void reports.push(e) }), { id: '1' }), JSON.stringify(body)).resolves.toEqual(body);
      expect(reports, JSON.stringify(body)).toHaveLength(1);
    }
  });
});

describe('aborts over a real connection', () => {
  test('an abort while the body is arriving rejects with its reason, even with timeout: false, and is not retried', async () => {
    let requests = 0;
    const server = createServer((_, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":[');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const controller = new AbortController();
      const call = getUsers(client(globalThis.fetch, { baseUrl, timeout: false }), { id: '1' }, { signal: controller.signal });
      // Aborted once the headers are in: the body is being read.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const reason = new Error('stop');
      controller.abort(reason);
      await expect(call).rejects.toBe(reason);
      expect(requests).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('rate limits', () => {
  // (A bucket of one point says the most about waiting: nothing flows back before its reset.)
  test('a 429 with Ratelimit-Reset one second ahead resolves after waiting, in two calls', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    const times: number[] = [];
    const stub = fetchStub(
      () => {
        times.push(Date.now());
        return json({ error: 'Too Many Requests', status: 429, message: '' }, {
          status: 429,
          headers: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': reset },
        });
      },
      () => {
        times.push(Date.now());
        return json({ data: [] }, { headers: { 'ratelimit-limit': '800', 'ratelimit-remaining': '799', 'ratelimit-reset': reset } });
      },
    );
    const call = getUsers(client(stub.fetch), { id: '1' });
    await vi.advanceTimersByTimeAsync(2000);
    await expect(call).resolves.toEqual({ data: [] });
    expect(stub.requests).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
  });

  test('a 429 on a POST waits for Ratelimit-Reset and is sent once more; with retry limit 0 it is not', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    const reset = String(Math.floor(Date.now() / 1000) + 2);
    const limited = () =>
      json({ error: 'Too Many Requests', status: 429, message: '' }, {
        status: 429,
        headers: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': reset },
      });
    const spec = { id: 'test-post', method: 'POST', path: 'x', query: [], body: [], tokens: ['user'], scopes: [], paginated: false } as const;
    const post = defineEndpoint<{}, void>(spec);

    const stub = fetchStub(limited, () => new Response(null, { status: 204 }));
    const call = post(client(stub.fetch));
    await vi.advanceTimersByTimeAsync(1000);
    expect(stub.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1500);
    await expect(call).resolves.toBeUndefined();
    expect(stub.requests).toHaveLength(2);

    const once = fetchStub(limited, () => new Response(null, { status: 204 }));
    await expect(post(client(once.fetch, { retry: { limit: 0 } }))).rejects.toBeInstanceOf(RateLimitError);
    expect(once.requests).toHaveLength(1);
  });

  test('an empty bucket makes the next call wait for the reset instead of sending', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    const reset = String(Math.floor(Date.now() / 1000) + 5);
    const stub = fetchStub(() =>
      json({ data: [] }, { headers: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': reset } }),
    );
    const c = client(stub.fetch);
    await getUsers(c, { id: '1' });
    let settled = false;
    const second = getUsers(c, { id: '2' }).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(4000);
    expect(stub.requests).toHaveLength(1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1500);
    await second;
    expect(stub.requests).toHaveLength(2);
  });

  test('an empty bucket whose reset is further off than the request timeout still waits, and succeeds', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    const reset = String(Math.floor(Date.now() / 1000) + 30);
    const stub = fetchStub(() =>
      json({ data: [] }, { headers: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': reset } }),
    );
    const c = client(stub.fetch, { timeout: 10_000 });
    await getUsers(c, { id: '1' });
    const second = getUsers(c, { id: '2' });
    await vi.advanceTimersByTimeAsync(31_000);
    await expect(second).resolves.toEqual({ data: [] });
    expect(stub.requests).toHaveLength(2);
  });

  test('the wait for an empty bucket ends when the call is aborted', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    const reset = String(Math.floor(Date.now() / 1000) + 60);
    const stub = fetchStub(() =>
      json({ data: [] }, { headers: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0', 'ratelimit-reset': reset } }),
    );
    const c = client(stub.fetch);
    await getUsers(c, { id: '1' });
    const controller = new AbortController();
    const second = getUsers(c, { id: '2' }, { signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('stop'));
    expect(await second).toMatchObject({ message: 'stop' });
    expect(stub.requests).toHaveLength(1);
    // Nothing keeps a timer (and so a Node process) alive for the reset that nobody waits for.
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('rate limits from a hostile or wrong server', () => {
  const limited = (headers: Record<string, string>) => () =>
    json({ error: 'Too Many Requests', status: 429, message: '' }, { status: 429, headers });
  const ok = (headers: Record<string, string> = {}) => () => json({ data: [] }, { headers });
  const epoch = (ms: number) => String(Math.floor(ms / 1000));

  test("the wait is measured on the server's clock: a server an hour ahead costs seconds, not an hour", async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    const server = Date.now() + 3_600_000;
    const stub = fetchStub(
      limited({ 'ratelimit-remaining': '0', 'ratelimit-reset': epoch(server + 2000), date: new Date(server).toUTCString() }),
      ok(),
    );
    const call = getUsers(client(stub.fetch), { id: '1' });
    await vi.advanceTimersByTimeAsync(3000);
    await expect(call).resolves.toEqual({ data: [] });
    expect(stub.requests).toHaveLength(2);
  });

  // A wrong clock (a browser cannot read `Date`) or a hostile server may put the reset far off:
  // calls neither fail for it nor wait for it, they go at the pace of a bucket refilled in 120 s.
  test('a reset weeks or 1e9 s ahead counts as 120 s away: calls go on, one per point refilled at that pace', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    for (const ahead of [30 * 86_400_000, 1e12]) {
      const reset = epoch(Date.now() + ahead);
      const empty = { 'ratelimit-limit': '800', 'ratelimit-remaining': '0', 'ratelimit-reset': reset };
      // An empty bucket from a 200: 800 points over 120 s, one each 150 ms.
      const stub = fetchStub(ok(empty));
      const c = client(stub.fetch);
      await getUsers(c, { id: '1' });
      const next = getUsers(c, { id: '2' });
      await vi.advanceTimersByTimeAsync(140);
      expect(stub.requests).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(20);
      await expect(next).resolves.toEqual({ data: [] });
      expect(stub.requests).toHaveLength(2);
      // A 429 saying the same is retried as points come back, then fails as Twitch answered it.
      const refused = fetchStub(limited(empty));
      const call = getUsers(client(refused.fetch), { id: '1' }).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(400);
      const error = await call;
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).error).toBe('Too Many Requests');
      expect(refused.requests).toHaveLength(3);
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  test('a 429 with requests left in the bucket (a cost or count limit) waits for nothing and slows nothing', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    const reset = epoch(Date.now() + 30_000);
    const refused = limited({ 'ratelimit-remaining': '799', 'ratelimit-reset': reset });
    const stub = fetchStub(refused, refused, refused, ok());
    const c = client(stub.fetch);
    // Retried at once (Twitch did not act on it), and refused the same way: no wait for a reset.
    await expect(getUsers(c, { id: '1' })).rejects.toBeInstanceOf(RateLimitError);
    expect(stub.requests).toHaveLength(3);
    // The bucket was not emptied: the next call goes at once.
    await expect(getUsers(c, { id: '2' })).resolves.toEqual({ data: [] });
    expect(stub.requests).toHaveLength(4);
  });

  test('a 429 without usable headers waits a second before each retry, then gives up', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    for (const headers of [{}, { 'ratelimit-reset': 'soon', 'ratelimit-remaining': '-5' }] as Record<string, string>[]) {
      const stub = fetchStub(limited(headers));
      const call = getUsers(client(stub.fetch), { id: '1' }).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(500);
      expect(stub.requests).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(2000);
      expect(await call).toBeInstanceOf(RateLimitError);
      expect(stub.requests).toHaveLength(3);
    }
  });

  test("a 5xx's Retry-After is not obeyed: GET retries on helixkit's own short backoff", async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    const unavailable = () => json({ error: 'Service Unavailable', status: 503, message: '' }, { status: 503, headers: { 'retry-after': '999999999' } });
    const stub = fetchStub(unavailable, ok());
    const call = getUsers(client(stub.fetch), { id: '1' });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(call).resolves.toEqual({ data: [] });
  });

  test('no timer is ever set longer than 2^31-1 ms, whatever the headers say', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    const spy = vi.spyOn(globalThis, 'setTimeout');
    try {
      const answers = ['1e308', '-100', 'NaN', epoch(Date.now() + 100_000), epoch(Date.now() + 1e15)];
      for (const reset of answers) {
        const stub = fetchStub(limited({ 'ratelimit-remaining': '0', 'ratelimit-reset': reset, 'retry-after': '1e308' }), ok());
        const call = getUsers(client(stub.fetch), { id: '1' }).catch((e: unknown) => e);
        await vi.advanceTimersByTimeAsync(130_000);
        await call;
      }
      const delays = spy.mock.calls.map((args) => Number(args[1] ?? 0));
      expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('errors never carry the token', () => {
  test('a server echoing it in the error field, message, status text and headers', async () => {
    const stub = fetchStub(
      () =>
        new Response(JSON.stringify({ error: `bad ${TOKEN}`, status: 400, message: `token ${TOKEN} refused` }), {
          status: 400,
          statusText: `Bad ${TOKEN}`,
          headers: { 'content-type': 'application/json', 'x-echo': `Bearer ${TOKEN}` },
        }),
      () => new Response('{}', { status: 418, statusText: `Teapot ${TOKEN}` }),
    );
    const c = client(stub.fetch, { retry: { limit: 0 } });
    for (let i = 0; i < 2; i++) {
      const error = (await getUsers(c, { id: '1' }).catch((e: unknown) => e)) as Error & { headers: Headers };
      expect(error).toBeInstanceOf(Error);
      const seen = [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 9, showHidden: true }), [...error.headers].join()];
      for (const text of seen) expect(text).not.toContain(TOKEN);
    }
  });
});

describe('errors never carry a refreshed token or a webhook secret', () => {
  test('tokens with regex characters, a one-character token, and the token a 401 refresh brought, echoed everywhere', async () => {
    const spec = { id: 'test-post', method: 'POST', path: 'x', query: [], body: ['transport'], tokens: ['user'], scopes: [], paginated: false } as const;
    const post = defineEndpoint<{ transport: unknown }, void>(spec);
    const secret = 's3cr3t.*+?^${}()|[]\\';
    for (const [first, second] of [['old.*+?^$&', 'n3w$&$1()[]|\\'], ['q', '~']] as const) {
      const echo = (request: Request) => {
        const sent = request.headers.get('authorization')!.slice(7);
        const text = `${sent} ${secret}`;
        return new Response(JSON.stringify({ error: text, status: 401, message: text }), {
          status: sent === first ? 401 : 500,
          statusText: `x ${sent}`,
          headers: { 'x-echo': text },
        });
      };
      const stub = fetchStub(echo);
      const provider: AuthProvider = { getToken: () => ({ token: first }), refresh: async () => ({ token: second }) };
      const error = (await post(client(stub.fetch, { auth: provider }), { transport: { method: 'webhook', secret } }).catch((e: unknown) => e)) as Error & { headers: Headers };
      expect(error, first).toBeInstanceOf(ServerError);
      expect(stub.requests.map((r) => r.headers.get('authorization')), first).toEqual([`Bearer ${first}`, `Bearer ${second}`]);
      const seen = [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 9, showHidden: true }), [...error.headers].join()].join(' ');
      for (const hidden of [second, secret]) expect(seen, `${first} ${hidden}`).not.toContain(hidden);
    }
  });
});

describe('tokens', () => {
  test('a token with a control character is refused before sending, without echoing it', async () => {
    const stub = fetchStub(() => json({ data: [] }));
    const bad = 'secret\ntoken';
    const error = await getUsers(client(stub.fetch, { auth: bad }), { id: '1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(`${(error as Error).message} ${(error as Error).stack}`).not.toContain('secret');
    expect(stub.requests).toHaveLength(0);
  });

  test('a bug in a fetch (not a network failure) surfaces as itself, not as NetworkError', async () => {
    const stub = fetchStub(() => {
      throw new TypeError('cannot read properties of undefined');
    });
    const error = await getUsers(client(stub.fetch), { id: '1' }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain('cannot read properties');
  });
});

describe('validation', () => {
  // A value that must never reach a message, a report or a log: a body may hold a stream key.
  const SECRET = 'live_123456_streamkeyvalue';
  const bad = () => ({ data: [{ ...user('a'), login: 42, description: null, offline_image_url: [SECRET] }] });

  test('by default a mismatch resolves with the body as received and goes to onInvalid, naming paths and types only', async () => {
    const reports: ValidationError[] = [];
    const stub = fetchStub(() => json(bad()));
    const result = await getUsers(client(stub.fetch, { onInvalid: (error) => reports.push(error) }), { id: '1' });
    expect(result).toEqual(bad());
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report!.source).toBe('get-users');
    expect(report!.issues.map(({ path, expected, received }) => [path, expected, received])).toEqual([
      ['data.0.login', 'string', 'number'],
      ['data.0.description', 'string', 'null'],
      ['data.0.offline_image_url', 'string', 'array'],
    ]);
    expect(report!.body).toEqual(bad());
    for (const text of [report!.message, String(report), JSON.stringify(report), inspect(report, { depth: 9 })]) {
      expect(text).not.toContain(SECRET);
    }
  });

  test('the default onInvalid warns once per endpoint and path, however many items and calls repeat it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const body = { data: [{ ...user('a'), broadcaster_type: 7 }, { ...user('b'), broadcaster_type: 8 }] };
      const stub = fetchStub(() => json(body));
      const c = client(stub.fetch);
      await expect(getUsers(c, { id: '1' })).resolves.toEqual(body);
      await expect(getUsers(c, { id: '2' })).resolves.toEqual(body);
      const lines = warn.mock.calls.map((args) => String(args[0])).filter((line) => line.includes('broadcaster_type'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/get-users.*data\.0\.broadcaster_type.*expected string, received number/);
    } finally {
      warn.mockRestore();
    }
  });

  test("validate: 'strict' rejects with ValidationError that still carries the body, kept out of JSON and inspection", async () => {
    for (const validate of ['strict', true] as const) {
      const stub = fetchStub(() => json(bad()));
      const error = await getUsers(client(stub.fetch, { validate }), { id: '1' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      const failure = error as ValidationError;
      expect(failure.path).toBe('data.0.login');
      expect(failure.message).toBe('get-users: unexpected data at data.0.login: expected string, received number (and 2 more)');
      expect(failure.body).toEqual(bad());
      expect(Object.keys(failure)).not.toContain('body');
      expect(JSON.stringify(failure)).not.toContain(SECRET);
      expect(inspect(failure)).not.toContain(SECRET);
    }
  });

  test('validate: false passes the body through untouched and reports nothing', async () => {
    const onInvalid = vi.fn();
    const stub = fetchStub(() => json(bad()));
    await expect(getUsers(client(stub.fetch, { validate: false, onInvalid }), { id: '1' })).resolves.toEqual(bad());
    expect(onInvalid).not.toHaveBeenCalled();
  });

  test('an onInvalid that throws does not cost the caller the body', async () => {
    const stub = fetchStub(() => json(bad()));
    const onInvalid = () => {
      throw new Error('reporter bug');
    };
    await expect(getUsers(client(stub.fetch, { onInvalid }), { id: '1' })).resolves.toEqual(bad());
  });

  test('a 2xx body that is missing or not JSON is delivered as it came and reported; strict refuses it with the text', async () => {
    const html = () => new Response('<html>gateway</html>', { headers: { 'content-type': 'text/html' } });
    const reports: ValidationError[] = [];
    const onInvalid = (error: ValidationError) => void reports.push(error);
    await expect(getUsers(client(fetchStub(html).fetch, { onInvalid }), { id: '1' })).resolves.toBe('<html>gateway</html>');
    await expect(getUsers(client(fetchStub(() => new Response(null, { status: 204 })).fetch, { onInvalid }), { id: '1' })).resolves.toBeUndefined();
    expect(reports.map((report) => report.issues[0]!.message)).toEqual(['not JSON', 'no body']);
    expect(reports[0]!.message).not.toContain('gateway');

    const error = (await getUsers(client(fetchStub(html).fetch, { validate: 'strict' }), { id: '1' }).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/not JSON/);
    expect(error.body).toBe('<html>gateway</html>');
  });

  test('data keys that are not field names never reach a path, message or warning', async () => {
    const secretKey = 'key with spaces and sk_live_123';
    const spec = {
      id: 'test-record', method: 'GET', path: 'things', query: [], body: [], tokens: ['user'], scopes: [], paginated: false,
      response: v.looseObject({ data: v.record(v.string(), v.looseObject({ active: v.boolean() })) }),
    } as const;
    const reports: ValidationError[] = [];
    const get = defineEndpoint<{}, unknown>(spec);
    const stub = fetchStub(() => json({ data: { [secretKey]: { active: 'yes' }, slot_1: { active: 3 } } }));
    await get(client(stub.fetch, { onInvalid: (error) => void reports.push(error) }));
    expect(reports[0]!.issues.map((issue) => issue.path)).toEqual(['data.*.active', 'data.slot_1.active']);
    expect(`${reports[0]!.message} ${JSON.stringify(reports[0])}`).not.toContain('sk_live_123');
  });

  test('an unknown field is kept', async () => {
    const body = { data: [{ ...user('a'), brand_new_field: { x: 1 } }], also_new: true };
    const stub = fetchStub(() => json(body));
    await expect(getUsers(client(stub.fetch), { id: '1' })).resolves.toEqual(body);
  });
});

describe('parameters helixkit does not know yet', () => {
  test('withParameters sends them as given, while other input keys stay checked', async () => {
    const stub = fetchStub(() => json({ data: [] }));
    const c = client(stub.fetch);
    const getUsersNext = withParameters(getUsers, { query: ['brand_new'] });
    await getUsersNext(c, { id: '1', brand_new: ['x', 'y'] });
    expect(stub.requests[0]!.url).toBe('https://api.twitch.tv/helix/users?id=1&brand_new=x&brand_new=y');
    expect(getUsersNext.endpoint.query).toEqual(['id', 'login', 'brand_new']);
    expect(() => getUsersNext(c, { id: '1', brand_nwe: 'x' })).toThrow(InputError);
    expect(() => getUsers(c, { id: '1', brand_new: 'x' } as never)).toThrow(InputError);

    const spec = {
      id: 'test-post', method: 'POST', path: 'things', query: [], body: ['title'],
      tokens: ['user'], scopes: [], paginated: false, response: v.looseObject({ data: v.array(v.unknown()) }),
    } as const;
    const post = withParameters(defineEndpoint<{ title: string }, { data: unknown[] }>(spec), { body: ['pin', 'title'] });
    await post(c, { title: 'Hi', pin: true });
    expect(await stub.requests[1]!.json()).toEqual({ title: 'Hi', pin: true });
    // A name the endpoint has already is not sent twice; a GET takes no body.
    expect(withParameters(getUsers, { query: ['id'] }).endpoint.query).toEqual(['id', 'login']);
    expect(() => withParameters(getUsers, { body: ['x'] })).toThrow(InputError);
  });
});

describe('bodies are capped', () => {
  test('an answer streaming past 16 MiB is read no further: reported by default, refused in strict mode', async () => {
    const endless = endlessResponse(1024 * 1024);
    const reports: ValidationError[] = [];
    const stub = fetchStub(endless.response);
    await expect(getUsers(client(stub.fetch, { onInvalid: (error) => void reports.push(error) }), { id: '1' })).resolves.toBeUndefined();
    expect(reports[0]!.message).toMatch(/over 16 MiB/);
    const error = (await getUsers(client(stub.fetch, { validate: 'strict' }), { id: '1' }).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/over 16 MiB/);
    expect(endless.pulls()).toBeLessThan(40);
  });
});

describe('pagination', () => {
  const stream = (id: string) => ({
    id, user_id: 'u', user_login: 'u', user_name: 'U', game_id: '1', game_name: 'G', type: 'live', title: 't',
    tags: [], viewer_count: 1, started_at: '2026-01-01T00:00:00Z', language: 'en', thumbnail_url: 'x', tag_ids: [], is_mature: false,
  });
  const pages = [
    { data: [stream('1'), stream('2')], pagination: { cursor: 'c1' } },
    { data: [stream('3')], pagination: { cursor: 'c2' } },
    { data: [stream('4')], pagination: {} },
  ];
  const server = () =>
    fetchStub((request) => {
      const after = new URL(request.url).searchParams.get('after');
      return json(after === null ? pages[0] : after === 'c1' ? pages[1] : pages[2]);
    });

  test('awaiting getStreams makes one request and resolves the first page body', async () => {
    const stub = server();
    await expect(getStreams(client(stub.fetch), { first: 2 })).resolves.toEqual(pages[0]);
    expect(stub.requests).toHaveLength(1);
  });

  test('iterating getStreams follows every cursor', async () => {
    const stub = server();
    const ids: string[] = [];
    for await (const s of getStreams(client(stub.fetch), { first: 2 })) ids.push(s.id);
    expect(ids).toEqual(['1', '2', '3', '4']);
    expect(stub.requests.map((r) => new URL(r.url).searchParams.get('after'))).toEqual([null, 'c1', 'c2']);
    expect(stub.requests.every((r) => new URL(r.url).searchParams.get('first') === '2')).toBe(true);
  });

  test('a Paginator whose first page failed retries when awaited again', async () => {
    let calls = 0;
    const stub = fetchStub(() =>
      ++calls === 1 ? json({ error: 'Bad Request', status: 400, message: 'nope' }, { status: 400 }) : json(pages[0]),
    );
    const paginator = getStreams(client(stub.fetch), { first: 2 });
    await expect(paginator).rejects.toThrow('nope');
    await expect(paginator).resolves.toEqual(pages[0]);
    expect(stub.requests).toHaveLength(2);
  });

  test('all({ limit }) stops requesting once it has enough', async () => {
    const stub = server();
    const items = await getStreams(client(stub.fetch)).all({ limit: 2 });
    expect(items.map((s) => s.id)).toEqual(['1', '2']);
    expect(stub.requests).toHaveLength(1);
  });
});

describe('pagination against a wrong or hostile server', () => {
  const page = (ids: string[], cursor?: string, data: unknown = ids.map((id) => ({ id }))) => json({ data, pagination: cursor ? { cursor } : {} });
  const afters = (stub: ReturnType<typeof fetchStub>) => stub.requests.map((r) => new URL(r.url).searchParams.get('after'));

  test('a cursor that repeats (the one just followed, or one seen before) ends the iteration: no request loops', async () => {
    const same = fetchStub(() => page(['1'], 'c1'));
    expect((await getStreams(client(same.fetch)).all()).map((s) => s.id)).toEqual(['1', '1']);
    expect(afters(same)).toEqual([null, 'c1']);
    let n = 0;
    const cycle = fetchStub(() => page([String(++n)], n % 2 ? 'a' : 'b'));
    expect((await getStreams(client(cycle.fetch)).all()).map((s) => s.id)).toEqual(['1', '2', '3']);
    expect(afters(cycle)).toEqual([null, 'a', 'b']);
  });

  test('a cursor equal to the `after` the caller gave does not fetch that page again', async () => {
    const stub = fetchStub(() => page(['5'], 'given'));
    expect((await getStreams(client(stub.fetch), { after: 'given' }).all()).map((s) => s.id)).toEqual(['5']);
    expect(afters(stub)).toEqual(['given']);
  });

  test('a page with data: null (or no data) ends the iteration without throwing', async () => {
    for (const data of [null, undefined, 'x', {}]) {
      const stub = fetchStub(() => page([], 'c1', data), () => page(['2']));
      expect(await getStreams(client(stub.fetch, { validate: false })).all(), String(data)).toEqual([]);
      expect(stub.requests, String(data)).toHaveLength(1);
    }
  });

  test('all({ limit }) with a limit of 0, a negative or NaN collects nothing and sends nothing', async () => {
    for (const limit of [0, -1, NaN]) {
      const stub = fetchStub(() => page(['1'], 'c1'), () => page(['2']));
      expect(await getStreams(client(stub.fetch, { validate: false })).all({ limit }), String(limit)).toEqual([]);
      expect(stub.requests, String(limit)).toHaveLength(0);
    }
  });

  test('an aborted signal rejects the await, the iteration and all() with its reason, and nothing is sent', async () => {
    const stub = fetchStub(() => page(['1'], 'c1'));
    const reason = new Error('stop');
    const signal = AbortSignal.abort(reason);
    await expect(getStreams(client(stub.fetch), {}, { signal })).rejects.toBe(reason);
    await expect(getStreams(client(stub.fetch), {}, { signal }).all()).rejects.toBe(reason);
    await expect((async () => { for await (const _ of getStreams(client(stub.fetch), {}, { signal })) void _; })()).rejects.toBe(reason);
    expect(stub.requests).toHaveLength(0);
  });

  test('an abort between pages rejects the next page with its reason, after the items already yielded', async () => {
    const controller = new AbortController();
    const stub = fetchStub(() => page(['1'], 'c1'), () => page(['2'], 'c2'), () => page(['3']));
    const seen: string[] = [];
    const error = await (async () => {
      for await (const s of getStreams(client(stub.fetch), {}, { signal: controller.signal })) {
        seen.push(s.id);
        if (s.id === '2') controller.abort(new Error('enough'));
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['1', '2']);
    expect(error).toEqual(new Error('enough'));
    expect(stub.requests).toHaveLength(2);
  });
});

describe('auth providers', () => {
  test('a 401 makes the provider refresh once and the call is retried with the new token', async () => {
    let refreshes = 0;
    const provider: AuthProvider = {
      getToken: () => ({ token: 'old' }),
      refresh: async () => {
        refreshes++;
        return { token: 'new' };
      },
    };
    const stub = fetchStub((request) =>
      request.headers.get('authorization') === 'Bearer new'
        ? json({ data: [] })
        : json({ error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' }, { status: 401 }),
    );
    await expect(getUsers(client(stub.fetch, { auth: provider }), { id: '1' })).resolves.toEqual({ data: [] });
    expect(refreshes).toBe(1);
    expect(stub.requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer old', 'Bearer new']);
  });

  test('a token known to lack a needed scope fails with MissingScopeError before sending', async () => {
    const spec = {
      id: 'needs-scope', method: 'GET', path: 'x', query: [], body: [], tokens: ['user'],
      scopes: [['moderator:read:chatters']], paginated: false,
    } as const;
    const stub = fetchStub(() => json({}));
    const provider: AuthProvider = { getToken: () => ({ token: 't', scopes: ['user:read:email'] }) };
    const error = await defineEndpoint<{}, void>(spec)(client(stub.fetch, { auth: provider })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingScopeError);
    expect((error as Error).message).toContain('moderator:read:chatters');
    expect(stub.requests).toHaveLength(0);
  });

  test('the provider is asked for the token of the user named in the call options', async () => {
    const asked: (string | undefined)[] = [];
    const provider: AuthProvider = {
      getToken: ({ user }) => {
        asked.push(user);
        return { token: `token-of-${user}` };
      },
    };
    const stub = fetchStub(() => json({ data: [] }));
    await getUsers(client(stub.fetch, { auth: provider }), {}, { user: '42' });
    expect(asked).toEqual(['42']);
    expect(stub.requests[0]!.headers.get('authorization')).toBe('Bearer token-of-42');
  });
});
