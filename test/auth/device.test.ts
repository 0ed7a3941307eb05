import { http } from 'msw';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { pollDeviceToken, startDeviceAuth } from '../../src/auth/device.ts';
import { AuthError } from '../../src/auth/errors.ts';
import { validateToken } from '../../src/auth/server.ts';
import { useFakeTwitch } from './harness.ts';

const fake = useFakeTwitch();

/** A fetch that notes when (fake time) each token poll went out. */
function timedFetch() {
  const polls: number[] = [];
  const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).endsWith('/token')) polls.push(Date.now());
    return globalThis.fetch(input, init);
  }) as typeof globalThis.fetch;
  return { polls, fetch };
}

const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i]!);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('device code flow', () => {
  test('startDeviceAuth returns the code to show and where to enter it', async () => {
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: ['user:read:chat'] });
    expect(auth).toMatchObject({ expires_in: 1800, interval: 5 });
    expect(auth.user_code).toMatch(/^[A-Z]{8}$/);
    expect(auth.verification_uri).toContain(auth.user_code);
    expect(fake.oauth.devices.get(auth.device_code)?.scopes).toEqual(['user:read:chat']);
  });

  test('two authorization_pending answers, then a token, polling every interval', async () => {
    const { polls, fetch } = timedFetch();
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: ['user:read:chat'] });
    const start = Date.now();
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: auth.device_code, interval: auth.interval, scopes: ['user:read:chat'], fetch });
    await vi.advanceTimersByTimeAsync(4999);
    expect(polls).toHaveLength(0); // never before the interval
    await vi.advanceTimersByTimeAsync(1);
    expect(polls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(polls).toHaveLength(2);
    fake.oauth.approveDevice(auth.user_code);
    await vi.advanceTimersByTimeAsync(5000);
    const token = await result;
    expect(polls.map((t) => t - start)).toEqual([5000, 10000, 15000]);
    expect(token.scope).toEqual(['user:read:chat']);
    expect(token.refresh_token).toBeTruthy();
    vi.useRealTimers();
    expect((await validateToken(token.access_token)).user_id).toBe(fake.state.ids.broadcaster);
  });

  test('slow_down lengthens the interval by five seconds', async () => {
    const { polls, fetch } = timedFetch();
    fake.oauth.deviceInterval = 10; // Twitch wants 10 s, the app was told 5 s
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: [] });
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: auth.device_code, interval: 5, scopes: [], fetch });
    await vi.advanceTimersByTimeAsync(10_000); // polls at 5 s (pending) and 10 s (slow_down)
    expect(polls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(polls).toHaveLength(2); // the next poll waits the longer interval
    fake.oauth.approveDevice(auth.user_code);
    await vi.advanceTimersByTimeAsync(1);
    await result;
    expect(gaps(polls)).toEqual([5000, 10000]);
  });

  test('abort stops polling and rejects with the abort reason', async () => {
    const { polls, fetch } = timedFetch();
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: [] });
    const controller = new AbortController();
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: auth.device_code, scopes: [], fetch, signal: controller.signal });
    const settled = result.catch((error) => error);
    await vi.advanceTimersByTimeAsync(5000);
    controller.abort();
    expect((await settled).name).toBe('AbortError');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(polls).toHaveLength(1);
  });

  test('gives up with expired_token once expires_in has passed', async () => {
    const { polls, fetch } = timedFetch();
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: [] });
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: auth.device_code, scopes: [], expiresIn: 12, fetch }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(20_000);
    const error = await result;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.error).toBe('expired_token');
    expect(polls).toHaveLength(2); // at 5 s and 10 s; 15 s would be past the 12 s expiry
  });

  test('Twitch\'s "invalid device code" (expired on its side) is expired_token too', async () => {
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: [] });
    fake.oauth.devices.get(auth.device_code)!.expiresAt = Date.now();
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: auth.device_code, scopes: [] }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(5000);
    const error = await result;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.error).toBe('expired_token');
    expect(error.message).not.toContain(auth.device_code);
  });

  test('a declined login rejects with access_denied', async () => {
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: [] });
    fake.oauth.denyDevice(auth.user_code);
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: auth.device_code, scopes: [] }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(5000);
    expect((await result).error).toBe('access_denied');
  });
});

describe('numbers from the network become bounded timers', () => {
  const TOKEN_URL = 'https://id.twitch.tv/oauth2/token';

  test('an interval and expires_in of 1e400 (Infinity once parsed) become the defaults, 5 s and 1800 s', async () => {
    fake.server.use(
      http.post('https://id.twitch.tv/oauth2/device', () =>
        new Response('{"device_code":"dc-0123456789","user_code":"ABCDEFGH","verification_uri":"https://www.twitch.tv/activate","expires_in":1e400,"interval":1e400}', {
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    );
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: [] });
    expect(auth).toMatchObject({ interval: 5, expires_in: 1800 });
  });

  test.each([
    [3e6, 60_000],
    [Infinity, 5000],
    [NaN, 5000],
    [-1, 5000],
    [0, 5000],
    [0.001, 1000],
  ])('interval %s polls every %s ms, never faster', async (interval, gap) => {
    const { polls, fetch } = timedFetch();
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: [] });
    fake.oauth.devices.get(auth.device_code)!.interval = 0; // the fake itself never says slow_down here
    const start = Date.now();
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: auth.device_code, interval, scopes: [], fetch }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(gap - 1);
    expect(polls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1 + 2 * gap);
    expect(polls.map((time) => time - start)).toEqual([gap, 2 * gap, 3 * gap]);
    fake.oauth.approveDevice(auth.user_code);
    await vi.advanceTimersByTimeAsync(gap);
    expect((await result).access_token).toBeTruthy();
  });

  test('slow_down adds 5 s each time, up to 60 s', async () => {
    const { polls, fetch } = timedFetch();
    fake.server.use(http.post(TOKEN_URL, () => Response.json({ status: 400, message: 'slow_down' }, { status: 400 })));
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: 'dc-0123456789', scopes: [], fetch }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(gaps(polls).slice(0, 12)).toEqual([10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 60].map((s) => s * 1000));
    expect(Math.max(...gaps(polls))).toBe(60_000);
    expect((await result).error).toBe('expired_token');
  });

  test.each([
    [undefined, 1800],
    [Infinity, 1800],
    [NaN, 1800],
    [3e6, 3600],
  ])('expiresIn %s ends polling after %s s', async (expiresIn, lifetime) => {
    const { polls, fetch } = timedFetch();
    fake.server.use(http.post(TOKEN_URL, () => Response.json({ status: 400, message: 'authorization_pending' }, { status: 400 })));
    const options = { clientId: fake.state.clientId, deviceCode: 'dc-0123456789', scopes: [], interval: 60, expiresIn, fetch };
    const result = pollDeviceToken(options).catch((e) => e);
    await vi.advanceTimersByTimeAsync(lifetime * 1000);
    const error = await result;
    expect(error.error).toBe('expired_token');
    expect(polls).toHaveLength(lifetime / 60);
  });

  test('a 500, a dropped connection and a 503 do not end polling; each retry waits the same interval', async () => {
    const { polls, fetch } = timedFetch();
    const auth = await startDeviceAuth({ clientId: fake.state.clientId, scopes: ['user:read:chat'] });
    fake.oauth.devices.get(auth.device_code)!.interval = 0;
    const failures = [
      () => Response.json({ status: 500, message: 'Internal Server Error' }, { status: 500 }),
      () => Response.error(),
      () => new Response('<html>bad gateway</html>', { status: 503 }),
    ];
    fake.server.use(http.post(TOKEN_URL, () => failures.shift()?.(), { once: false }));
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: auth.device_code, scopes: ['user:read:chat'], fetch });
    await vi.advanceTimersByTimeAsync(20_000); // three failures, then authorization_pending
    fake.oauth.approveDevice(auth.user_code);
    await vi.advanceTimersByTimeAsync(5000);
    const token = await result;
    expect(token.scope).toEqual(['user:read:chat']);
    expect(gaps(polls)).toEqual([5000, 5000, 5000, 5000]);
  });

  test.each([
    ['access_denied', 'access_denied'],
    ['invalid client', 'invalid client'],
  ])('a real refusal (%s) ends polling at once', async (message, error) => {
    const { polls, fetch } = timedFetch();
    fake.server.use(http.post(TOKEN_URL, () => Response.json({ status: 400, message }, { status: 400 })));
    const result = pollDeviceToken({ clientId: fake.state.clientId, deviceCode: 'dc-0123456789', scopes: [], fetch }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(5000);
    expect((await result).error).toBe(error);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(polls).toHaveLength(1);
  });
});
