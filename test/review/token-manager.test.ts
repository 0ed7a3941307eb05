// Review probes: the token manager must not lose a pair Twitch issued, nor stop refreshing,
// because of what the store does. Same harness as test/auth/token-store.test.ts.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createClient } from '../../src/client.ts';
import { memoryStore, type TokenStore } from '../../src/auth/stores.ts';
import { createTokenManager } from '../../src/auth/token-manager.ts';
import { getUsers } from '../../src/helix/users.ts';
import { issueToken } from '../../src/testing/state.ts';
import { useFakeTwitch } from '../auth/harness.ts';

const fake = useFakeTwitch();
beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => void vi.useRealTimers());

function mint(userId = fake.state.ids.broadcaster) {
  const refresh_token = `refresh-${Math.random().toString(36).slice(2)}`;
  const access_token = issueToken(fake.state, { type: 'user', userId, scopes: [], refreshToken: refresh_token, expiresIn: 24 * 3600_000 });
  return { access_token, refresh_token };
}
const expire = (accessToken: string) => void (fake.state.tokens.get(accessToken)!.expiresAt = 0);
const lastHelixToken = () => fake.helixRequests.at(-1)!.token;

test('a store that is down (reads and writes fail) does not stop a 401 from refreshing from memory', async () => {
  const inner = memoryStore();
  let down = false;
  const store: TokenStore = {
    get: (key) => {
      if (down) throw new Error('store unavailable');
      return inner.get(key);
    },
    set: (key, value) => {
      if (down) throw new Error('store unavailable');
      inner.set(key, value);
    },
    delete: (key) => inner.delete(key),
  };
  const manager = createTokenManager({ clientId: fake.state.clientId, store, onError: () => {} });
  const client = createClient({ clientId: fake.state.clientId, auth: manager });
  const pair = mint();
  const { id } = await manager.addUser(pair);
  down = true;
  expire(pair.access_token);
  // The pair is in memory and Twitch would refresh it: the outage must not fail the call.
  const body = await getUsers(client);
  expect(body.data[0]?.id).toBe(id);
  expect(fake.oauth.grants.refresh_token).toBe(1);
});

test('a pair issued while the store failed is not swapped for the spent pair of a record without obtained_at', async () => {
  const inner = memoryStore();
  let failWrites = false;
  const store: TokenStore = {
    get: (key) => inner.get(key),
    set: (key, value) => {
      if (failWrites && key.startsWith('user:')) throw new Error('write refused');
      inner.set(key, value);
    },
    delete: (key) => inner.delete(key),
  };
  // A record as an earlier release (or any other writer) left it: no obtained_at.
  const pair = mint();
  const id = fake.state.ids.broadcaster;
  inner.set('users', JSON.stringify([id]));
  inner.set(`user:${id}`, JSON.stringify({ id, login: 'x', ...pair, scopes: [], validated_at: 0 }));

  const onInvalid = vi.fn();
  const manager = createTokenManager({ clientId: fake.state.clientId, store, onInvalid, onError: () => {} });
  const client = createClient({ clientId: fake.state.clientId, auth: manager });
  await getUsers(client); // validated and rewritten, still without obtained_at

  failWrites = true;
  expire(pair.access_token);
  await getUsers(client); // refreshed: the new pair lives in memory only
  const issued = lastHelixToken();
  expect(issued).not.toBe(pair.access_token);

  expire(issued); // the new access token dies; its refresh token is the only live one
  const call = getUsers(client).catch((error: unknown) => error);
  await vi.advanceTimersByTimeAsync(8_000);
  expect(await call).toMatchObject({ data: [{ id }] });
  expect(onInvalid).not.toHaveBeenCalled();
});

test('a refresh answer whose token_type is not a string still yields the pair Twitch issued', async () => {
  const { http } = await import('msw');
  const manager = createTokenManager({ clientId: fake.state.clientId });
  const client = createClient({ clientId: fake.state.clientId, auth: manager });
  const pair = mint();
  const { id } = await manager.addUser(pair);
  expire(pair.access_token);
  // Twitch spends the refresh token and answers a new pair; one field that routing does not need
  // has a type the schema did not expect. Refusing the answer loses the only live pair.
  fake.server.use(
    http.post('https://id.twitch.tv/oauth2/token', () => {
      const fresh = mint();
      fake.state.tokens.delete(pair.access_token);
      return Response.json({ ...fresh, expires_in: 14_000, scope: [], token_type: null });
    }),
  );
  const body = await getUsers(client);
  expect(body.data[0]?.id).toBe(id);
});

test('a user removed while their refresh is in flight stays removed (logout is not undone)', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let asked!: () => void;
  const refreshing = new Promise<void>((resolve) => (asked = resolve));
  // Twitch answers the refresh only after the user has logged out.
  const slowRefresh = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(init?.body ?? '').includes('grant_type=refresh_token')) {
      asked();
      await held;
    }
    return fetch(input, init);
  }) as typeof fetch;
  const store = memoryStore();
  const manager = createTokenManager({ clientId: fake.state.clientId, store, fetch: slowRefresh });
  const client = createClient({ clientId: fake.state.clientId, auth: manager });
  const pair = mint();
  const { id } = await manager.addUser(pair);
  expire(pair.access_token);

  const call = getUsers(client).catch((error: unknown) => error);
  await refreshing;
  await manager.removeUser(id);
  release();
  await call;

  expect(fake.oauth.grants.refresh_token).toBe(1);
  expect(await manager.users()).toEqual([]);
  expect(store.get(`user:${id}`)).toBeUndefined();
});
