// The token manager never loses a pair Twitch issued: not to a store that fails a write, and not
// to another manager sharing the store that meets the same 401. Runs on the fake Twitch, whose
// refresh tokens work once (as Twitch's do for public clients), with fake timers for retries.
import { http } from 'msw';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createClient } from '../../src/client.ts';
import { InvalidTokenError, TokenStoreError } from '../../src/auth/errors.ts';
import { memoryStore, type TokenStore } from '../../src/auth/stores.ts';
import { createTokenManager } from '../../src/auth/token-manager.ts';
import { getUsers } from '../../src/helix/users.ts';
import { issueToken, revokeToken } from '../../src/testing/state.ts';
import { useFakeTwitch } from './harness.ts';

const fake = useFakeTwitch();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function mint(userId = fake.state.ids.broadcaster) {
  const refresh_token = `refresh-${Math.random().toString(36).slice(2)}`;
  const access_token = issueToken(fake.state, { type: 'user', userId, scopes: [], refreshToken: refresh_token, expiresIn: 24 * 3600_000 });
  return { access_token, refresh_token };
}

/** Ends an access token early while its refresh token stays usable. */
const expire = (accessToken: string) => void (fake.state.tokens.get(accessToken)!.expiresAt = 0);
const helixTokens = () => fake.helixRequests.map((request) => request.token);

/** A store over `inner` whose user-record writes fail while `failures` > 0; its errors quote what was written. */
function flakyStore(inner = memoryStore()) {
  const control = { failures: 0, writes: 0 };
  const store: TokenStore = {
    get: (key) => inner.get(key),
    set: (key, value) => {
      if (key.startsWith('user:')) {
        control.writes++;
        if (control.failures > 0) {
          control.failures--;
          throw new Error(`write refused for ${value}`);
        }
      }
      inner.set(key, value);
    },
    delete: (key) => inner.delete(key),
  };
  return { store, control, stored: (id: string) => JSON.parse(inner.get(`user:${id}`) ?? 'null') };
}

/** Advances fake time in 1 s steps until `promise` settles, for at most a fake minute. */
async function inFakeMinute<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  const settle = () => void (done = true);
  void promise.then(settle, settle);
  for (let i = 0; i < 60 && !done; i++) await vi.advanceTimersByTimeAsync(1000);
  return promise;
}

/** Everything an error shows, the ways a user or a logger may look at it. */
const shown = (error: unknown) => `${String(error)} ${JSON.stringify(error)} ${inspect(error, { showHidden: true, depth: 10 })}`;

describe('a store write that fails during a refresh', () => {
  test('the new pair serves calls from memory, is reported without tokens, and is written on the next use', async () => {
    const { store, control, stored } = flakyStore();
    const errors: TokenStoreError[] = [];
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, store, onInvalid, onError: (error) => errors.push(error) });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    expire(pair.access_token);

    control.failures = 1;
    const first = await getUsers(client);

    expect(first.data[0]?.id).toBe(id);
    expect(fake.oauth.grants.refresh_token).toBe(1);
    const issued = helixTokens().at(-1)!;
    expect(issued).not.toBe(pair.access_token);
    expect(stored(id).refresh_token).toBe(pair.refresh_token); // the write did not land
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TokenStoreError);
    expect(errors[0]).toMatchObject({ operation: 'write', key: `user:${id}`, attempt: 1, retryIn: 1000, reason: 'Error' });
    const text = shown(errors[0]);
    expect(text).not.toContain(issued);
    expect(text).not.toContain(pair.refresh_token);
    expect(text).not.toContain('refresh-');

    await getUsers(client); // the next use: same token, no new refresh, and the write lands
    expect(helixTokens().at(-1)).toBe(issued);
    expect(fake.oauth.grants.refresh_token).toBe(1);
    expect(stored(id).access_token).toBe(issued);

    // The stored refresh token is the live one: the next refresh works, nobody is dropped.
    expire(issued);
    await getUsers(client);
    expect(fake.oauth.grants.refresh_token).toBe(2);
    expect(onInvalid).not.toHaveBeenCalled();
    const later = createTokenManager({ clientId: fake.state.clientId, store });
    expect((await getUsers(createClient({ clientId: fake.state.clientId, auth: later }))).data[0]?.id).toBe(id);
    expect(fake.oauth.grants.refresh_token).toBe(2);
  });

  test('without any call, the write is retried after 1, 2 and 4 s until it lands', async () => {
    const { store, control, stored } = flakyStore();
    const errors: TokenStoreError[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, store, onError: (error) => errors.push(error) });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    expire(pair.access_token);
    control.failures = 3;
    await getUsers(createClient({ clientId: fake.state.clientId, auth: manager }));
    const issued = helixTokens().at(-1)!;

    await vi.advanceTimersByTimeAsync(999);
    expect(errors.map((error) => error.attempt)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1 + 2000 + 4000);
    expect(errors.map((error) => [error.attempt, error.retryIn])).toEqual([
      [1, 1000],
      [2, 2000],
      [3, 4000],
    ]);
    expect(stored(id).access_token).toBe(issued);
    const writes = control.writes;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(control.writes).toBe(writes); // landed: no more writes
  });

  test('a store that keeps failing is tried a bounded number of times, then again on each use', async () => {
    const { store, control } = flakyStore();
    const errors: TokenStoreError[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, store, onError: (error) => errors.push(error) });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const pair = mint();
    await manager.addUser(pair);
    expire(pair.access_token);
    control.failures = Infinity;
    await getUsers(client);
    const before = control.writes;

    await vi.advanceTimersByTimeAsync(60 * 60_000);

    expect(control.writes - before).toBe(6); // after 1, 2, 4, 8, 16 and 30 s, then no timer
    expect(errors.at(-1)?.retryIn).toBeUndefined();
    expect(errors.at(-1)?.message).toContain('next use');
    expect(errors.every((error) => error.retryIn === undefined || error.retryIn <= 30_000)).toBe(true);
    await getUsers(client);
    expect(control.writes - before).toBe(7);
    expect(helixTokens().at(-1)).not.toBe(pair.access_token); // still served from memory
  });
});

describe('a store that keeps failing or hangs is not hammered', () => {
  /** A store whose user-record writes work, fail or hang (each hung write can be failed later). */
  function controlled() {
    const inner = memoryStore();
    const control = { mode: 'ok' as 'ok' | 'fail' | 'hang', writes: 0, hung: [] as (() => void)[] };
    const store: TokenStore = {
      get: (key) => inner.get(key),
      set: (key, value) => {
        if (!key.startsWith('user:') && key !== 'app') return inner.set(key, value);
        control.writes++;
        if (control.mode === 'fail') throw new Error('write refused');
        if (control.mode === 'hang') return new Promise<void>((_, reject) => control.hung.push(() => reject(new Error('gave up'))));
        inner.set(key, value);
      },
      delete: (key) => inner.delete(key),
    };
    return { store, control };
  }

  test('100 calls while the write fails make at most one more try and one more report per retry step', async () => {
    const { store, control } = controlled();
    const errors: TokenStoreError[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, store, onError: (error) => errors.push(error) });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const pair = mint();
    await manager.addUser(pair);
    expire(pair.access_token);
    control.mode = 'fail';
    await getUsers(client); // refreshed; the write fails and is retried in 1 s
    const before = control.writes;

    for (let i = 0; i < 100; i++) await getUsers(client);
    expect(control.writes - before).toBe(1); // the first call tries once
    expect(errors).toHaveLength(2);

    await vi.advanceTimersByTimeAsync(1000); // the timed try, and a new step
    for (let i = 0; i < 100; i++) await getUsers(client);
    expect(control.writes - before).toBe(3);
    expect(errors.map((error) => [error.attempt, error.retryIn !== undefined])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
    ]);

    await vi.advanceTimersByTimeAsync(60 * 60_000); // the timed tries end: then a step is 30 s
    const settledWrites = control.writes;
    const settledErrors = errors.length;
    for (let i = 0; i < 100; i++) await getUsers(client);
    await vi.advanceTimersByTimeAsync(29_000);
    for (let i = 0; i < 100; i++) await getUsers(client);
    expect(control.writes - settledWrites).toBe(1);
    expect(errors.length - settledErrors).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    for (let i = 0; i < 100; i++) await getUsers(client);
    expect(control.writes - settledWrites).toBe(2);
    expect(errors.length - settledErrors).toBe(2);
    expect(errors.every((error) => error.retryIn === undefined || error.retryIn <= 30_000)).toBe(true);
  });

  test('calls while a write hangs queue one more write, not one per call', async () => {
    const { store, control } = controlled();
    const errors: TokenStoreError[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, store, onError: (error) => errors.push(error) });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const pair = mint();
    await manager.addUser(pair);
    expire(pair.access_token);
    control.mode = 'fail';
    await getUsers(client); // the new pair is unsaved
    control.mode = 'hang';
    for (let i = 0; i < 100; i++) await getUsers(client);
    await vi.advanceTimersByTimeAsync(1000); // the timed try waits behind the hung write
    for (let i = 0; i < 100; i++) await getUsers(client);
    expect(control.hung).toHaveLength(1);

    // The hung write fails at last: one queued write follows it, not two hundred.
    control.mode = 'fail';
    const before = control.writes;
    for (const fail of control.hung) fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(control.writes - before).toBe(1);
    expect(errors.length).toBeLessThanOrEqual(4);
  });

  test('a store that stops answering holds a call up at most 10 s a wait, and calls go on from memory', async () => {
    const inner = memoryStore();
    let hang = false;
    const calls = { get: 0, set: 0, delete: 0 };
    const never = new Promise<never>(() => {});
    const store: TokenStore = {
      get: (key) => (calls.get++, hang ? never : inner.get(key)),
      set: (key, value) => (calls.set++, hang ? never : inner.set(key, value)),
      delete: (key) => (calls.delete++, hang ? never : inner.delete(key)),
    };
    const errors: TokenStoreError[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, store, onError: (error) => errors.push(error) });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    hang = true;
    expire(pair.access_token);

    // The 401's re-check and the refresh each read the store, then the new pair is written: three waits.
    expect(await inFakeMinute(getUsers(client))).toMatchObject({ data: [{ id }] });
    expect(fake.oauth.grants.refresh_token).toBe(1);
    expect(errors.map((error) => [error.operation, error.key, error.reason])).toEqual([
      ['read', `user:${id}`, 'TimeoutError'],
      ['write', `user:${id}`, 'TimeoutError'],
    ]);

    // The pair is in memory: later calls do not wait for the store at all (fake time stands still).
    for (let i = 0; i < 20; i++) await getUsers(client);
    expect(calls.set).toBe(3); // addUser's record and index, then the one hung write: no queue per call
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls.set).toBe(3);

    const removed = await inFakeMinute(manager.removeUser(id)).catch((error: unknown) => error);
    expect(removed).toBeInstanceOf(TokenStoreError);
    expect(removed).toMatchObject({ operation: 'delete', key: `user:${id}`, reason: 'TimeoutError' });
    expect(await manager.users()).toEqual([]);
  });

  test('the app token\'s write is held to the same steps', async () => {
    const { store, control } = controlled();
    const errors: TokenStoreError[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, clientSecret: fake.state.clientSecret, store, onError: (error) => errors.push(error) });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    control.mode = 'fail';
    for (let i = 0; i < 100; i++) await getUsers(client, { login: ['fakemod'] });
    expect(fake.oauth.grants.client_credentials).toBe(1);
    expect(control.writes).toBe(2); // the fetch's write, and one call's try
    expect(errors.map((error) => [error.key, error.attempt])).toEqual([
      ['app', 1],
      ['app', 2],
    ]);
    control.mode = 'ok';
    await vi.advanceTimersByTimeAsync(1000);
    expect(control.writes).toBe(3);
    for (let i = 0; i < 10; i++) await getUsers(client, { login: ['fakemod'] });
    expect(control.writes).toBe(3); // landed: nothing more to write
    expect(errors).toHaveLength(2);
  });
});

describe('two managers sharing one store', () => {
  /** `inner` seen through a store whose writes take `ms` (a slow KV, another region). */
  function slowed(inner: TokenStore & { set(key: string, value: string): unknown }, ms: number): TokenStore {
    return {
      get: (key) => inner.get(key),
      set: async (key, value) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        inner.set(key, value);
      },
      delete: (key) => inner.delete(key),
    };
  }

  /** Lets fake-timed work run until `done()` holds (at most 200 fake ms). */
  async function until(done: () => boolean) {
    for (let i = 0; i < 200 && !done(); i++) await vi.advanceTimersByTimeAsync(1);
    expect(done()).toBe(true);
  }

  /** Advances fake time in 100 ms steps until `promise` settles (at most 60 fake seconds). */
  async function settled<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    void promise.then(
      () => (done = true),
      () => (done = true),
    );
    for (let i = 0; i < 600 && !done; i++) await vi.advanceTimersByTimeAsync(100);
    return promise;
  }

  test('meeting the same 401, the one whose refresh Twitch refuses adopts the pair the other is still writing', async () => {
    const shared = memoryStore();
    const invalidA = vi.fn();
    const invalidB = vi.fn();
    const a = createTokenManager({ clientId: fake.state.clientId, store: slowed(shared, 3000), onInvalid: invalidA });
    const b = createTokenManager({ clientId: fake.state.clientId, store: shared, onInvalid: invalidB });
    const clientA = createClient({ clientId: fake.state.clientId, auth: a });
    const clientB = createClient({ clientId: fake.state.clientId, auth: b });
    const pair = mint();
    const { id } = await settled(a.addUser(pair));
    await settled(getUsers(clientB, {}, { user: id })); // b holds the same pair
    expire(pair.access_token);

    const callA = getUsers(clientA); // a refreshes; Twitch spends the refresh token; a's write takes 3 s
    await until(() => fake.oauth.grants.refresh_token === 1);
    const callB = getUsers(clientB, {}, { user: id }); // b's refresh with the spent token is refused
    await until(() => fake.oauth.grants.refresh_token === 2);
    const [bodyA, bodyB] = await settled(Promise.all([callA, callB]));

    expect(bodyA.data[0]?.id).toBe(id);
    expect(bodyB.data[0]?.id).toBe(id);
    expect(invalidA).not.toHaveBeenCalled();
    expect(invalidB).not.toHaveBeenCalled();
    const current = JSON.parse(shared.get(`user:${id}`)!);
    expect(current.access_token).not.toBe(pair.access_token);
    expect(helixTokens().slice(-2)).toEqual([current.access_token, current.access_token]);
    expect((await b.users()).map((user) => user.id)).toEqual([id]);
    expect(JSON.parse(shared.get('users')!)).toEqual([id]);
  });

  test('a refresh token Twitch really revoked still ends the user, after a bounded wait', async () => {
    const shared = memoryStore();
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, store: shared, onInvalid });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    revokeToken(fake.state, pair.access_token); // and its refresh token with it

    const call = getUsers(createClient({ clientId: fake.state.clientId, auth: manager })).catch((error) => error);
    await vi.advanceTimersByTimeAsync(7_500);
    const error = await call;

    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(onInvalid).toHaveBeenCalledExactlyOnceWith(id);
    expect(shared.get(`user:${id}`)).toBeUndefined();
    expect(fake.oauth.grants.refresh_token).toBe(1);
  });

  test('after a refused refresh, the pair another instance stored is adopted even when its clock is an hour behind', async () => {
    const shared = memoryStore();
    const invalidA = vi.fn();
    // a's clock runs an hour ahead of b's: b's pair states an earlier obtained_at than a's.
    const a = createTokenManager({ clientId: fake.state.clientId, store: shared, onInvalid: invalidA, now: () => Date.now() + 3600_000 });
    const b = createTokenManager({ clientId: fake.state.clientId, store: shared });
    const clientA = createClient({ clientId: fake.state.clientId, auth: a });
    const pair = mint();
    const { id } = await a.addUser(pair);
    await settled(getUsers(createClient({ clientId: fake.state.clientId, auth: b }))); // b holds the same pair
    expire(pair.access_token);
    await settled(getUsers(createClient({ clientId: fake.state.clientId, auth: b }))); // b refreshes and stores
    const fromB = JSON.parse(shared.get(`user:${id}`)!);
    expect(fromB.access_token).not.toBe(pair.access_token);

    const body = await settled(getUsers(clientA)); // a's refresh is refused: the token is spent
    expect(body.data[0]?.id).toBe(id);
    expect(helixTokens().at(-1)).toBe(fromB.access_token);
    expect(invalidA).not.toHaveBeenCalled();
    expect(JSON.parse(shared.get(`user:${id}`)!).access_token).toBe(fromB.access_token);
    expect(fake.oauth.grants.refresh_token).toBe(2);
  });

  test('an app token Twitch refused is replaced once for all of them: the next manager to meet the 401 adopts the stored one', async () => {
    const shared = memoryStore();
    const managers = [0, 1, 2].map(() => createTokenManager({ clientId: fake.state.clientId, clientSecret: fake.state.clientSecret, store: shared }));
    const clients = managers.map((auth) => createClient({ clientId: fake.state.clientId, auth }));
    await settled(getUsers(clients[0]!, { login: ['fakemod'] }));
    for (const client of clients.slice(1)) await settled(getUsers(client, { login: ['fakemod'] })); // they adopt it from the store
    expect(fake.oauth.grants.client_credentials).toBe(1);
    const first = helixTokens().at(-1)!;
    revokeToken(fake.state, first);
    const sent = helixTokens().length;

    for (const client of clients) await settled(getUsers(client, { login: ['fakemod'] }));

    expect(fake.oauth.grants.client_credentials).toBe(2);
    const second = JSON.parse(shared.get('app')!).access_token;
    expect(second).not.toBe(first);
    // Each manager's call is refused once with the old token, then retried with the one new token.
    expect(helixTokens().slice(sent)).toEqual([first, second, first, second, first, second]);
  });

  test('a dead token without a refresh token gives way to the pair another instance stored, whatever its obtained_at', async () => {
    const shared = memoryStore();
    const invalidA = vi.fn();
    const a = createTokenManager({ clientId: fake.state.clientId, store: shared, onInvalid: invalidA, now: () => Date.now() + 3600_000 });
    const b = createTokenManager({ clientId: fake.state.clientId, store: shared });
    const id = fake.state.ids.broadcaster;
    const implicit = issueToken(fake.state, { type: 'user', userId: id, scopes: [], expiresIn: 24 * 3600_000 }); // no refresh token
    await a.addUser({ access_token: implicit });
    const again = issueToken(fake.state, { type: 'user', userId: id, scopes: [], expiresIn: 24 * 3600_000 });
    await b.addUser({ access_token: again }); // the user logged in again elsewhere
    expire(implicit);

    const body = await settled(getUsers(createClient({ clientId: fake.state.clientId, auth: a })));

    expect(body.data[0]?.id).toBe(id);
    expect(helixTokens().at(-1)).toBe(again);
    expect(invalidA).not.toHaveBeenCalled();
    expect(JSON.parse(shared.get(`user:${id}`)!).access_token).toBe(again); // b's live pair is not deleted
  });

  test('with a refresh token that does not rotate, a manager still takes the later pair another stored', async () => {
    const shared = memoryStore();
    const a = createTokenManager({ clientId: fake.state.clientId, store: shared });
    const b = createTokenManager({ clientId: fake.state.clientId, store: shared });
    const clientA = createClient({ clientId: fake.state.clientId, auth: a });
    const clientB = createClient({ clientId: fake.state.clientId, auth: b });
    const pair = mint();
    const id = fake.state.ids.broadcaster;
    let refreshes = 0;
    // Each refresh answers a new access token and gives the same refresh token back.
    fake.server.use(
      http.post('https://id.twitch.tv/oauth2/token', () => {
        refreshes++;
        const access_token = issueToken(fake.state, { type: 'user', userId: id, scopes: [], refreshToken: pair.refresh_token, expiresIn: 24 * 3600_000 });
        return Response.json({ access_token, refresh_token: pair.refresh_token, expires_in: 14_400, scope: [], token_type: 'bearer' });
      }),
    );
    await settled(a.addUser(pair));
    await settled(getUsers(clientB, {}, { user: id })); // b holds the pair too
    expire(pair.access_token);
    await settled(getUsers(clientA)); // a refreshes and stores
    const first = helixTokens().at(-1)!;
    await settled(getUsers(clientB, {}, { user: id })); // b takes a's pair
    expire(first);
    await settled(getUsers(clientB, {}, { user: id })); // b refreshes and stores
    const second = helixTokens().at(-1)!;

    await settled(getUsers(clientA)); // a takes b's pair instead of refreshing again
    expect(helixTokens().at(-1)).toBe(second);
    expect(refreshes).toBe(2);
  });

  test('an older pair left in the store by a failed write is not taken for another instance\'s newer one', async () => {
    const { store, control } = flakyStore();
    const onInvalid = vi.fn();
    const manager = createTokenManager({ clientId: fake.state.clientId, store, onInvalid, onError: () => {} });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    expire(pair.access_token);
    control.failures = Infinity; // the new pair never reaches the store
    await getUsers(client);
    revokeToken(fake.state, helixTokens().at(-1)!); // the user disconnects the app

    const call = getUsers(client).catch((error) => error);
    await vi.advanceTimersByTimeAsync(7_500);

    expect(await call).toBeInstanceOf(InvalidTokenError);
    expect(onInvalid).toHaveBeenCalledExactlyOnceWith(id);
    // No refresh was tried with the spent token from the stale store.
    expect(fake.oauth.grants.refresh_token).toBe(2);
  });
});

describe('a store that fails reads', () => {
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

  /** A store that is down from the start: every read and write fails, quoting its key and value. */
  function downStore(): TokenStore {
    return {
      get: (key) => {
        throw new Error(`cannot read ${key}`);
      },
      set: (key, value) => {
        throw new Error(`cannot write ${value}`);
      },
      delete: (key) => {
        throw new Error(`cannot delete ${key}`);
      },
    };
  }

  test('failed reads are reported as TokenStoreError without tokens, once per 30 s however many calls', async () => {
    const errors: TokenStoreError[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, store: downStore(), onError: (error) => errors.push(error) });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    const reads = () => errors.filter((error) => error.operation === 'read');

    // The users list cannot be read, so every call asks the store again: served from memory.
    for (let i = 0; i < 50; i++) expect((await getUsers(client)).data[0]?.id).toBe(id);
    expect(reads()).toHaveLength(1);
    expect(reads()[0]).toMatchObject({ operation: 'read', key: 'users', attempt: 1, retryIn: undefined, reason: 'Error' });
    expect(reads()[0]!.message).toContain('memory');

    await vi.advanceTimersByTimeAsync(30_000);
    await getUsers(client);
    expect(reads()).toHaveLength(2);
    expect(reads()[1]!.attempt).toBeGreaterThan(50);
    for (const error of errors) {
      expect(shown(error)).not.toContain(pair.access_token);
      expect(shown(error)).not.toContain(pair.refresh_token);
    }
  });

  test('with nothing in memory, a call fails with the TokenStoreError, never the store\'s own error', async () => {
    const store = downStore();
    const manager = createTokenManager({ clientId: fake.state.clientId, store, onError: () => {} });
    const error = await getUsers(createClient({ clientId: fake.state.clientId, auth: manager }), {}, { user: fake.state.ids.broadcaster }).catch((e) => e);
    expect(error).toBeInstanceOf(TokenStoreError);
    expect(error).toMatchObject({ operation: 'read', key: `user:${fake.state.ids.broadcaster}` });
  });

  test('an app token is fetched when the store cannot be read, and the call succeeds', async () => {
    const errors: TokenStoreError[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, clientSecret: fake.state.clientSecret, store: downStore(), onError: (error) => errors.push(error) });
    const client = createClient({ clientId: fake.state.clientId, auth: manager });
    const body = await getUsers(client, { login: ['fakemod'] });
    expect(body.data[0]?.login).toBe('fakemod');
    await getUsers(client, { login: ['fakemod'] });
    expect(fake.oauth.grants.client_credentials).toBe(1); // the token held in memory serves the next call
    expect(errors.filter((error) => error.operation === 'read').map((error) => error.key)).toEqual(['users', 'app']);
    for (const error of errors) expect(shown(error)).not.toContain(helixTokens()[0]!);
  });
});

describe('a record without obtained_at (left by an older release or another writer)', () => {
  test('does not replace a pair issued while the store failed', async () => {
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
    const issued = helixTokens().at(-1)!;
    expect(issued).not.toBe(pair.access_token);

    expire(issued); // the new access token dies; its refresh token is the only live one
    const call = getUsers(client).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(await call).toMatchObject({ data: [{ id }] });
    expect(onInvalid).not.toHaveBeenCalled();
  });
});
