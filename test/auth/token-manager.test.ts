import { http } from 'msw';
import { describe, expect, test, vi } from 'vitest';
import { createClient } from '../../src/client.ts';
import { AuthError, InvalidTokenError, NoTokenError } from '../../src/auth/errors.ts';
import { validateToken } from '../../src/auth/server.ts';
import { memoryStore, type TokenStore } from '../../src/auth/stores.ts';
import { createTokenManager } from '../../src/auth/token-manager.ts';
import { MissingScopeError, UnauthorizedError, ValidationError } from '../../src/errors.ts';
import { getChannelEditors } from '../../src/helix/channels.ts';
import { getUsers } from '../../src/helix/users.ts';
import { findToken, issueToken, revokeToken } from '../../src/testing/state.ts';
import { useFakeTwitch } from './harness.ts';

const fake = useFakeTwitch();

/** A user token pair minted straight into the fake (as a finished login would). */
function mint(userId = fake.state.ids.broadcaster, scopes: string[] = ['user:read:email'], expiresIn?: number) {
  const refresh_token = `refresh-${Math.random().toString(36).slice(2)}`;
  const access_token = issueToken(fake.state, { type: 'user', userId, scopes, refreshToken: refresh_token, expiresIn });
  return { access_token, refresh_token };
}

/** Invalidates an access token while its refresh token stays usable (as when Twitch ends a session early). */
function expire(accessToken: string) {
  fake.state.tokens.get(accessToken)!.expiresAt = 0;
}

const helixTokens = () => fake.helixRequests.map((request) => request.token);

describe('createTokenManager as a client auth provider', () => {
  test('20 concurrent calls whose token was revoked elsewhere cause exactly one refresh, and all succeed', async () => {
    const manager = createTokenManager({ clientId: fake.state.clientId });
    const pair = mint();
    await manager.addUser(pair);
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    expire(pair.access_token);

    const results = await Promise.all(Array.from({ length: 20 }, () => getUsers(client)));

    expect(fake.oauth.grants.refresh_token).toBe(1);
    for (const body of results) expect(body.data[0]?.id).toBe(fake.state.ids.broadcaster);
    const tokens = helixTokens();
    expect(tokens.filter((token) => token === pair.access_token)).toHaveLength(20);
    const fresh = tokens.filter((token) => token !== pair.access_token);
    expect(fresh).toHaveLength(20);
    expect(new Set(fresh).size).toBe(1);
  });

  test('a refused refresh rejects every waiting call with one typed error and calls onInvalid', async () => {
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, onInvalid });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    revokeToken(fake.state, pair.access_token); // the refresh token went with it

    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => getUsers(client)));

    const errors = outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : undefined));
    expect(errors.every((error) => error instanceof InvalidTokenError)).toBe(true);
    expect(new Set(errors).size).toBe(1);
    expect(errors[0].userId).toBe(id);
    expect(errors[0].message).not.toContain(pair.refresh_token);
    expect(errors[0].message).not.toContain(pair.access_token);
    expect(fake.oauth.grants.refresh_token).toBe(1);
    expect(onInvalid).toHaveBeenCalledTimes(1);
    expect(onInvalid).toHaveBeenCalledWith(id);
    expect(await manager.users()).toEqual([]);
  });

  test('a token without a needed scope fails with MissingScopeError before anything is sent', async () => {
    const manager = createTokenManager({ clientId: fake.state.clientId });
    await manager.addUser(mint(fake.state.ids.broadcaster, ['user:read:email']));
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const error = await getChannelEditors(client, { broadcaster_id: fake.state.ids.broadcaster }).catch((e) => e);
    expect(error).toBeInstanceOf(MissingScopeError);
    expect(error.missing).toEqual([['channel:read:editors']]);
    expect(fake.helixRequests).toEqual([]);
  });

  test('picks { user }, else the only user, else the app token where the endpoint takes one', async () => {
    const manager = createTokenManager({ clientId: fake.state.clientId, clientSecret: fake.state.clientSecret });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const alice = await manager.addUser(mint(fake.state.ids.broadcaster, ['channel:read:editors']));
    expect(alice).toEqual({ id: fake.state.ids.broadcaster, login: 'fakestreamer', scopes: ['channel:read:editors'] });

    await getUsers(client); // the only user
    expect(findToken(fake.state, helixTokens()[0]!)?.userId).toBe(alice.id);

    const bob = await manager.addUser(mint(fake.state.ids.moderator, []));
    await getUsers(client); // two users: get-users takes an app token
    expect(findToken(fake.state, helixTokens()[1]!)?.type).toBe('app');

    await getUsers(client, {}, { user: bob.id });
    expect(findToken(fake.state, helixTokens()[2]!)?.userId).toBe(bob.id);

    const ambiguous = await getChannelEditors(client, { broadcaster_id: alice.id }).catch((e) => e);
    expect(ambiguous).toBeInstanceOf(NoTokenError);
    expect(ambiguous.message).toContain('{ user: id }');
    await getChannelEditors(client, { broadcaster_id: alice.id }, { user: alice.id });
    expect(fake.helixRequests.at(-1)?.path).toBe('channels/editors');
  });

  test('with no user and no client secret, a clear NoTokenError', async () => {
    const manager = createTokenManager({ clientId: fake.state.clientId });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const error = await getUsers(client).catch((e) => e);
    expect(error).toBeInstanceOf(NoTokenError);
    expect(error.message).toMatch(/clientSecret|addUser/);
    const unknown = await getUsers(client, {}, { user: '42' }).catch((e) => e);
    expect(unknown).toBeInstanceOf(NoTokenError);
  });

  test('an app token rejected with 401 is replaced once', async () => {
    const manager = createTokenManager({ clientId: fake.state.clientId, clientSecret: fake.state.clientSecret });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    await getUsers(client, { login: ['fakemod'] });
    revokeToken(fake.state, helixTokens()[0]!);
    await Promise.all(Array.from({ length: 5 }, () => getUsers(client, { login: ['fakemod'] })));
    expect(fake.oauth.grants.client_credentials).toBe(2);
  });

  test('refreshes before the stated expiry instead of sending an expired token', async () => {
    let clock = Date.now();
    const manager = createTokenManager({ clientId: fake.state.clientId, now: () => clock });
    const pair = mint(fake.state.ids.broadcaster, [], 10 * 60_000);
    await manager.addUser(pair);
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    clock += 9.5 * 60_000; // within a minute of expiry
    await Promise.all(Array.from({ length: 5 }, () => getUsers(client)));
    expect(fake.oauth.grants.refresh_token).toBe(1);
    expect(helixTokens()).not.toContain(pair.access_token);
  });

  test('validates again when the last validation is over an hour old', async () => {
    let clock = Date.now();
    const validations: string[] = [];
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/validate')) validations.push('validate');
      return globalThis.fetch(input, init);
    }) as typeof globalThis.fetch;
    const manager = createTokenManager({ clientId: fake.state.clientId, now: () => clock, fetch });
    const pair = mint(fake.state.ids.broadcaster, ['user:read:email'], 24 * 3600_000);
    await manager.addUser(pair);
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    await getUsers(client);
    clock += 59 * 60_000;
    await getUsers(client);
    expect(validations).toHaveLength(1); // addUser only
    clock += 2 * 60_000;
    await Promise.all([getUsers(client), getUsers(client), getUsers(client)]);
    expect(validations).toHaveLength(2); // one validation for the three calls
    await getUsers(client);
    expect(validations).toHaveLength(2); // and none again for the next hour
    expect(fake.oauth.grants.refresh_token).toBeUndefined();
  });

  test('hourly validation that finds the token revoked refreshes it before the call', async () => {
    let clock = Date.now();
    const manager = createTokenManager({ clientId: fake.state.clientId, now: () => clock });
    const pair = mint(fake.state.ids.broadcaster, [], 24 * 3600_000);
    await manager.addUser(pair);
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    expire(pair.access_token);
    clock += 61 * 60_000;
    await getUsers(client);
    expect(fake.oauth.grants.refresh_token).toBe(1);
    expect(helixTokens()).toHaveLength(1);
    expect(helixTokens()).not.toContain(pair.access_token);
  });

  test('addUser refuses app tokens and tokens of another client id', async () => {
    const manager = createTokenManager({ clientId: fake.state.clientId });
    await expect(manager.addUser({ access_token: fake.state.appToken })).rejects.toBeInstanceOf(InvalidTokenError);
    const foreign = issueToken(fake.state, { type: 'user', userId: fake.state.ids.viewer, clientId: 'another-client' });
    await expect(manager.addUser({ access_token: foreign })).rejects.toThrow(/another client id/);
    await expect(manager.addUser({ access_token: 'nonsense' })).rejects.toBeInstanceOf(InvalidTokenError);
  });

  test('a refresh that fails for network reasons keeps the user and does not call onInvalid', async () => {
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, onInvalid });
    const pair = mint();
    await manager.addUser(pair);
    const client = createClient({ clientId: fake.state.clientId, auth: manager, retry: { limit: 0 } });
    expire(pair.access_token);
    fake.server.use(http.post('https://id.twitch.tv/oauth2/token', () => Response.json({ status: 503, message: 'down' }, { status: 503 })));
    const error = await getUsers(client).catch((e) => e);
    expect(error.status).toBe(503);
    expect(onInvalid).not.toHaveBeenCalled();
    expect(await manager.users()).toHaveLength(1);
  });

  test('a provider that cannot refresh lets the 401 through when the user was removed', async () => {
    const manager = createTokenManager({ clientId: fake.state.clientId });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    revokeToken(fake.state, pair.access_token);
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const [first] = await Promise.allSettled([getUsers(client)]);
    expect(first.status).toBe('rejected');
    await manager.removeUser(id);
    const error = await getUsers(client, {}, { user: id }).catch((e) => e);
    expect(error).toBeInstanceOf(NoTokenError);
    expect(error).not.toBeInstanceOf(UnauthorizedError);
  });
});

describe('persistence', () => {
  test('the refresh token is in the store before use, and the new pair before the call resolves', async () => {
    const log: string[] = [];
    const inner = memoryStore();
    const store: TokenStore = {
      get: async (key) => inner.get(key),
      set: async (key, value) => {
        await new Promise((resolve) => setTimeout(resolve, 5)); // a slow, async store (e.g. KV)
        inner.set(key, value);
        if (key.startsWith('user:')) log.push(`store ${JSON.parse(value).refresh_token}`);
      },
      delete: async (key) => inner.delete(key),
    };
    const onRefresh = vi.fn((_id: string, token: { refresh_token?: string }) => void log.push(`onRefresh ${token.refresh_token}`));
    const manager = createTokenManager({ clientId: fake.state.clientId, store, onRefresh });
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      const token = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).get('Authorization');
      if (String(input instanceof Request ? input.url : input).includes('/helix/')) log.push(`helix ${token}`);
      return globalThis.fetch(input, init);
    }) as typeof globalThis.fetch;
    const pair = mint();
    const { id } = await manager.addUser(pair);
    expect(JSON.parse((await store.get(`user:${id}`))!).refresh_token).toBe(pair.refresh_token);

    expire(pair.access_token);
    const client = createClient({ clientId: fake.state.clientId, auth: manager, fetch });
    await getUsers(client);

    const stored = JSON.parse((await store.get(`user:${id}`))!);
    expect(stored.refresh_token).not.toBe(pair.refresh_token);
    const storedAt = log.indexOf(`store ${stored.refresh_token}`);
    const usedAt = log.indexOf(`helix Bearer ${stored.access_token}`);
    expect(storedAt).toBeGreaterThan(-1);
    expect(usedAt).toBeGreaterThan(storedAt);
    expect(log.indexOf(`onRefresh ${stored.refresh_token}`)).toBeLessThan(usedAt);
    expect(onRefresh).toHaveBeenCalledTimes(1);
  });

  test('two managers sharing a store refresh a single-use refresh token only once', async () => {
    const store = memoryStore();
    const a = createTokenManager({ clientId: fake.state.clientId, store });
    const b = createTokenManager({ clientId: fake.state.clientId, store });
    const pair = mint();
    const { id } = await a.addUser(pair);
    const clientA = createClient({ clientId: fake.state.clientId, auth: a });
    const clientB = createClient({ clientId: fake.state.clientId, auth: b });
    expire(pair.access_token);
    await getUsers(clientB, {}, { user: id }); // b loads the pair from the store and refreshes it
    await getUsers(clientA); // a holds the old token, gets 401, finds b's new pair in the store
    expect(fake.oauth.grants.refresh_token).toBe(1);
    expect(await a.users()).toHaveLength(1);
  });

  test('losing a refresh race to another instance adopts its pair instead of dropping the user', async () => {
    const shared = memoryStore();
    const a = createTokenManager({ clientId: fake.state.clientId, store: shared });
    const pair = mint();
    const { id } = await a.addUser(pair);
    const snapshot = shared.get(`user:${id}`);
    // b's first read of the user comes back stale, as from an eventually consistent store.
    let staleReads = 2; // load, then the read before refreshing
    const b = createTokenManager({
      clientId: fake.state.clientId,
      store: {
        get: (key) => (key === `user:${id}` && staleReads-- > 0 ? snapshot : shared.get(key)),
        set: (key, value) => shared.set(key, value),
        delete: (key) => shared.delete(key),
      },
      onInvalid: () => {
        throw new Error('must not be called');
      },
    });
    expire(pair.access_token);
    await getUsers(createClient({ clientId: fake.state.clientId, auth: a })); // a refreshes first
    const body = await getUsers(createClient({ clientId: fake.state.clientId, auth: b }), {}, { user: id });
    expect(body.data[0]?.id).toBe(id);
    expect(fake.oauth.grants.refresh_token).toBe(2); // b's attempt was refused...
    expect(await b.users()).toHaveLength(1); // ...and b kept the user with a's pair
    expect(JSON.parse(shared.get(`user:${id}`)!).access_token).not.toBe(pair.access_token);
  });

  test('a manager picks up users another left in the store', async () => {
    const store = memoryStore();
    const first = createTokenManager({ clientId: fake.state.clientId, store });
    await first.addUser(mint());
    const second = createTokenManager({ clientId: fake.state.clientId, store });
    expect((await second.users()).map((user) => user.login)).toEqual(['fakestreamer']);
    const client = createClient({ clientId: fake.state.clientId, auth: second });
    expect((await getUsers(client)).data[0]?.login).toBe('fakestreamer');
  });
});

describe('a 401 from Helix', () => {
  /** Helix answers get-channel-editors with the 401 Twitch gives when broadcaster_id is not the token's user. */
  function mismatchingEditors() {
    fake.server.use(
      http.get('https://api.twitch.tv/helix/channels/editors', ({ request }) => {
        fake.helixRequests.push({ path: 'channels/editors', token: request.headers.get('Authorization')!.slice(7) });
        return Response.json(
          { error: 'Unauthorized', status: 401, message: "The ID in broadcaster_id must match the user ID found in the request's OAuth token." },
          { status: 401 },
        );
      }),
    );
  }

  test.each([
    ['with a refresh token', true],
    ['without one (implicit flow)', false],
  ])("for a live token (%s) reaches the caller with Twitch's message, and the user is kept", async (_, withRefresh) => {
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, onInvalid });
    const pair = mint(fake.state.ids.broadcaster, ['channel:read:editors']);
    const { id } = await manager.addUser(withRefresh ? pair : { access_token: pair.access_token });
    mismatchingEditors();
    const client = createClient({ clientId: fake.state.clientId, auth: manager });

    const error = await getChannelEditors(client, { broadcaster_id: fake.state.ids.moderator }).catch((e) => e);

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.message).toContain('must match the user ID');
    expect(onInvalid).not.toHaveBeenCalled();
    expect((await manager.users()).map((user) => user.id)).toEqual([id]);
    expect(fake.oauth.grants.refresh_token).toBeUndefined();
    // The same token still serves the next call.
    await getUsers(client);
    expect(helixTokens().at(-1)).toBe(pair.access_token);
  });

  test('for a dead token without a refresh token removes the user and calls onInvalid', async () => {
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, onInvalid });
    const pair = mint();
    const { id } = await manager.addUser({ access_token: pair.access_token });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    revokeToken(fake.state, pair.access_token);
    const error = await getUsers(client).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(onInvalid).toHaveBeenCalledWith(id);
    expect(await manager.users()).toEqual([]);
  });

  test('when /validate cannot be reached, the 401 reaches the caller and the user is kept', async () => {
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, onInvalid });
    const pair = mint(fake.state.ids.broadcaster, ['channel:read:editors']);
    await manager.addUser({ access_token: pair.access_token });
    mismatchingEditors();
    fake.server.use(http.get('https://id.twitch.tv/oauth2/validate', () => Response.error()));
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const error = await getChannelEditors(client, { broadcaster_id: fake.state.ids.moderator }).catch((e) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(onInvalid).not.toHaveBeenCalled();
    expect(await manager.users()).toHaveLength(1);
  });

  test('a refresh refused for the app (a missing client secret), not the refresh token, keeps the user', async () => {
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, onInvalid });
    const pair = mint();
    await manager.addUser(pair);
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    expire(pair.access_token);
    fake.server.use(
      http.post('https://id.twitch.tv/oauth2/token', () => Response.json({ status: 400, message: 'missing client secret' }, { status: 400 })),
    );
    const error = await getUsers(client).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.status).toBe(400);
    expect(onInvalid).not.toHaveBeenCalled();
    expect(await manager.users()).toHaveLength(1);
  });
});

describe('refresh answers', () => {
  test.each([
    ['400 invalid_grant', 400, { error: 'invalid_grant', error_description: 'refresh token is spent' }],
    ['401', 401, { status: 401, message: 'invalid token' }],
  ])('a refusal of the refresh token itself (%s) ends the user', async (_, status, body) => {
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, onInvalid });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    expire(pair.access_token);
    fake.server.use(http.post('https://id.twitch.tv/oauth2/token', () => Response.json(body, { status })));
    const error = await getUsers(createClient({ clientId: fake.state.clientId, auth: manager })).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(onInvalid).toHaveBeenCalledExactlyOnceWith(id);
  });

  test('an answer whose token_type is not a string still yields the pair Twitch issued', async () => {
    const reports: ValidationError[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, onMismatch: (error) => reports.push(error) });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    expire(pair.access_token);
    // Twitch spends the refresh token and answers a new pair; one field that routing does not need
    // has a type the schema did not expect. Refusing the answer would lose the only live pair.
    fake.server.use(
      http.post('https://id.twitch.tv/oauth2/token', () => {
        const fresh = mint();
        fake.state.tokens.delete(pair.access_token);
        return Response.json({ ...fresh, expires_in: 14_000, scope: [], token_type: null });
      }),
    );
    const body = await getUsers(client);
    expect(body.data[0]?.id).toBe(id);
    expect(fake.oauth.grants.refresh_token).toBeUndefined(); // the override answered it
    expect(reports.map((report) => report.path)).toEqual(['token_type']);
    expect(fake.helixRequests.at(-1)?.token).not.toBe(pair.access_token);
  });

  test('an expires_in of 1e400 (Infinity once parsed) does not make every later call refresh', async () => {
    const store = memoryStore();
    const manager = createTokenManager({ clientId: fake.state.clientId, store });
    const pair = mint();
    await manager.addUser(pair);
    expire(pair.access_token);
    fake.server.use(
      http.post('https://id.twitch.tv/oauth2/token', async () => {
        const body = await (await fetch('https://id.twitch.tv/oauth2/token', { method: 'POST', body: new URLSearchParams({ client_id: fake.state.clientId, grant_type: 'refresh_token', refresh_token: pair.refresh_token }) })).json();
        return new Response(JSON.stringify(body).replace(/"expires_in":\d+/, '"expires_in":1e400'), { headers: { 'Content-Type': 'application/json' } });
      }, { once: true }),
    );
    await getUsers(createClient({ clientId: fake.state.clientId, auth: manager }));
    expect(fake.oauth.grants.refresh_token).toBe(1);
    const later = createClient({ clientId: fake.state.clientId, auth: createTokenManager({ clientId: fake.state.clientId, store }) });
    for (let i = 0; i < 3; i++) await getUsers(later);
    expect(fake.oauth.grants.refresh_token).toBe(1);
  });
});

describe('users index', () => {
  test('concurrent addUser calls both end up in users() and in the store', async () => {
    const store = memoryStore();
    const manager = createTokenManager({ clientId: fake.state.clientId, store });
    await Promise.all([manager.addUser(mint(fake.state.ids.broadcaster)), manager.addUser(mint(fake.state.ids.moderator))]);
    const expected = [fake.state.ids.broadcaster, fake.state.ids.moderator].sort();
    expect((await manager.users()).map((user) => user.id).sort()).toEqual(expected);
    const fresh = createTokenManager({ clientId: fake.state.clientId, store });
    expect((await fresh.users()).map((user) => user.id).sort()).toEqual(expected);
  });

  test('concurrent removeUser calls lose neither removal', async () => {
    const store = memoryStore();
    const manager = createTokenManager({ clientId: fake.state.clientId, store });
    const ids = [fake.state.ids.broadcaster, fake.state.ids.moderator, fake.state.ids.viewer];
    for (const id of ids) await manager.addUser(mint(id));
    await Promise.all([manager.removeUser(ids[0]!), manager.removeUser(ids[1]!)]);
    expect((await manager.users()).map((user) => user.id)).toEqual([ids[2]]);
    expect(JSON.parse(store.get('users')!)).toEqual([ids[2]]);
  });
});

describe('removeUser', () => {
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

  /** A fetch whose next /validate is answered only when `release()` is called. */
  function heldValidation() {
    let hold = false;
    let release!: () => void;
    let asked!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const validating = new Promise<void>((resolve) => (asked = resolve));
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (hold && String(input).endsWith('/validate')) {
        asked();
        await held;
      }
      return globalThis.fetch(input, init);
    }) as typeof globalThis.fetch;
    return { fetch, validating, release, hold: () => void (hold = true) };
  }

  test('a user removed during the hourly validation stays removed, and the waiting call gets NoTokenError', async () => {
    let clock = Date.now();
    const gate = heldValidation();
    const store = memoryStore();
    const manager = createTokenManager({ clientId: fake.state.clientId, store, fetch: gate.fetch, now: () => clock });
    const { id } = await manager.addUser(mint());
    clock += 61 * 60_000; // the next call validates first
    gate.hold();

    const call = getUsers(createClient({ clientId: fake.state.clientId, auth: manager })).catch((error: unknown) => error);
    await gate.validating;
    await manager.removeUser(id);
    gate.release();

    expect(await call).toBeInstanceOf(NoTokenError);
    expect(await manager.users()).toEqual([]);
    expect(store.get(`user:${id}`)).toBeUndefined();
    expect(JSON.parse(store.get('users')!)).toEqual([]);
  });

  test('a pair another instance stored, read just before the removal, does not bring the user back', async () => {
    const inner = memoryStore();
    let held = false;
    let release: (() => void) | undefined;
    let reading!: () => void;
    const read = new Promise<void>((resolve) => (reading = resolve));
    // Reads of a user record return what the store held when asked, answered only on release.
    const store: TokenStore = {
      get: async (key) => {
        const value = inner.get(key);
        if (release === undefined && key.startsWith('user:') && held) {
          reading();
          await new Promise<void>((resolve) => (release = resolve));
        }
        return value;
      },
      set: (key, value) => inner.set(key, value),
      delete: (key) => inner.delete(key),
    };
    const a = createTokenManager({ clientId: fake.state.clientId, store });
    const b = createTokenManager({ clientId: fake.state.clientId, store: inner });
    const pair = mint();
    const { id } = await a.addUser(pair);
    expire(pair.access_token);
    await getUsers(createClient({ clientId: fake.state.clientId, auth: b }), {}, { user: id }); // b refreshes and stores

    held = true;
    const call = getUsers(createClient({ clientId: fake.state.clientId, auth: a })).catch((error: unknown) => error);
    await read; // a's 401 re-check is reading the store, which holds b's pair
    await a.removeUser(id);
    release!();

    expect(await call).toBeInstanceOf(NoTokenError);
    const after = await getUsers(createClient({ clientId: fake.state.clientId, auth: a }), {}, { user: id }).catch((error: unknown) => error);
    expect(after).toBeInstanceOf(NoTokenError);
    expect(await a.users()).toEqual([]);
  });

  test('a user removed while addUser validates the token is not added', async () => {
    const gate = heldValidation();
    const store = memoryStore();
    const manager = createTokenManager({ clientId: fake.state.clientId, store, fetch: gate.fetch });
    gate.hold();
    const adding = manager.addUser(mint()).catch((error: unknown) => error);
    await gate.validating;
    await manager.removeUser(fake.state.ids.broadcaster);
    gate.release();

    expect(await adding).toBeInstanceOf(NoTokenError);
    expect(await manager.users()).toEqual([]);
    expect(store.get(`user:${fake.state.ids.broadcaster}`)).toBeUndefined();
    // A later login is not held back by the earlier logout.
    const again = await manager.addUser(mint());
    expect((await manager.users()).map((user) => user.id)).toEqual([again.id]);
  });
});

describe('validation', () => {
  /** A fetch that counts /validate calls and can make them fail as a network error would. */
  function countingFetch() {
    const counts = { validate: 0, down: false };
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/validate')) {
        counts.validate++;
        if (counts.down) return Promise.reject(new TypeError('fetch failed'));
      }
      return globalThis.fetch(input, init);
    }) as typeof globalThis.fetch;
    return { counts, fetch };
  }

  test('a token validated by an earlier process is validated again on first use in this one', async () => {
    const store = memoryStore();
    await createTokenManager({ clientId: fake.state.clientId, store }).addUser(mint());
    const { counts, fetch } = countingFetch();
    const later = createTokenManager({ clientId: fake.state.clientId, store, fetch });
    const client = createClient({ clientId: fake.state.clientId, auth: later });
    await Promise.all([getUsers(client), getUsers(client)]);
    await getUsers(client);
    expect(counts.validate).toBe(1);
  });

  test('a token revoked while no process ran is refreshed before this process first uses it', async () => {
    const store = memoryStore();
    const pair = mint();
    await createTokenManager({ clientId: fake.state.clientId, store }).addUser(pair);
    expire(pair.access_token);
    const client = createClient({ clientId: fake.state.clientId, auth: createTokenManager({ clientId: fake.state.clientId, store }) });
    await getUsers(client);
    expect(helixTokens()).toHaveLength(1);
    expect(helixTokens()).not.toContain(pair.access_token);
  });

  test('validateAll refreshes dead tokens, removes unrefreshable ones and reports them to onInvalid', async () => {
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, onInvalid });
    const alive = mint(fake.state.ids.broadcaster);
    const refreshable = mint(fake.state.ids.moderator);
    const revoked = mint(fake.state.ids.viewer);
    await manager.addUser(alive);
    await manager.addUser(refreshable);
    await manager.addUser(revoked);
    expire(refreshable.access_token);
    revokeToken(fake.state, revoked.access_token);

    const left = await manager.validateAll();

    expect(left.map((user) => user.id).sort()).toEqual([fake.state.ids.broadcaster, fake.state.ids.moderator].sort());
    expect(onInvalid).toHaveBeenCalledExactlyOnceWith(fake.state.ids.viewer);
    expect(fake.oauth.grants.refresh_token).toBe(2); // moderator's worked; viewer's was refused
    expect(fake.helixRequests).toEqual([]);
  });

  test('when /validate is unreachable, the token is used and /validate is not asked again on every call', async () => {
    let clock = Date.now();
    const { counts, fetch } = countingFetch();
    const manager = createTokenManager({ clientId: fake.state.clientId, now: () => clock, fetch });
    await manager.addUser(mint(fake.state.ids.broadcaster, [], 24 * 3600_000));
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    counts.down = true;
    clock += 61 * 60_000;
    for (let i = 0; i < 5; i++) await getUsers(client);
    expect(helixTokens()).toHaveLength(5);
    expect(counts.validate).toBe(2); // addUser, then one failed attempt
    clock += 31_000;
    counts.down = false;
    await getUsers(client);
    expect(counts.validate).toBe(3);
  });
});

describe('OAuth requests', () => {
  test('time out instead of hanging when id.twitch.tv does not answer', async () => {
    const hanging = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
      })) as typeof globalThis.fetch;
    const manager = createTokenManager({ clientId: fake.state.clientId, fetch: hanging, timeout: 50 });
    const error = await manager.addUser({ access_token: 'some-access-token' }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.error).toBe('network_error');
    expect(error.message).not.toContain('some-access-token');
  });

  test('a timeout of 0, a negative, NaN, a fraction or past 2^31-1 ms does not fail every request (Node fires those timers at 1 ms or throws)', async () => {
    for (const timeout of [0, -1, NaN, 1000.5, 2 ** 31, Infinity]) {
      // Answers after 20 ms, or fails when aborted, as a real fetch would.
      const slow = ((_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          const timer = setTimeout(() => resolve(Response.json({ client_id: 'c', scopes: [], expires_in: 100 })), 20);
          init?.signal?.addEventListener('abort', () => (clearTimeout(timer), reject(init.signal!.reason)));
        })) as typeof globalThis.fetch;
      await expect(validateToken('some-access-token', { fetch: slow, timeout }), String(timeout)).resolves.toMatchObject({ client_id: 'c' });
    }
  });

  test("a caller's abort stays an abort", async () => {
    const controller = new AbortController();
    const hanging = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
      })) as typeof globalThis.fetch;
    const pending = validateToken('some-access-token', { fetch: hanging, signal: controller.signal }).catch((e) => e);
    controller.abort();
    expect((await pending).name).toBe('AbortError');
  });
});
