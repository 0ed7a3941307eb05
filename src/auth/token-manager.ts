/**
 * A multi-user token manager that plugs into `createClient({ auth })`: user tokens keyed by
 * user id plus an app token, refreshed one at a time per user, validated before use (at least
 * hourly, and on first use in each process), kept in any store.
 */
import type { AccessToken, AuthProvider, TokenRequest } from '../client.js';
import { AuthError, InvalidTokenError, NoTokenError } from './errors.js';
import { scopeList, type AuthTransport } from './request.js';
import { appToken, refreshToken, validateToken, type TokenResponse } from './server.js';
import { memoryStore, storeSet, type TokenStore } from './stores.js';

/** Options of {@link createTokenManager}. */
export interface TokenManagerOptions extends AuthTransport {
  clientId: string;
  /** Needed for app tokens, and for refreshing tokens of confidential apps. Server side only. */
  clientSecret?: string;
  /** Where tokens live. Default `memoryStore()`. */
  store?: TokenStore;
  /** Called after a user's new token pair is stored, before any call uses it. */
  onRefresh?: (userId: string, token: TokenResponse) => void | Promise<void>;
  /** Called when a user's token can no longer be used or refreshed; the user is removed. */
  onInvalid?: (userId: string) => void;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** A token to add: what a token endpoint or a login redirect returned (Twitch's field names). */
export interface UserTokenInput {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: readonly string[] | string;
}

/** A user the manager holds a token for. */
export interface TokenUser {
  id: string;
  login: string;
  scopes: string[];
}

/** See {@link createTokenManager}. */
export interface TokenManager extends AuthProvider {
  /** Validates a user token with Twitch, stores it, and returns whose it is. */
  addUser(token: UserTokenInput): Promise<TokenUser>;
  /** Forgets a user's token (it is not revoked: see `revokeToken`). */
  removeUser(id: string): Promise<void>;
  /** The users whose tokens are held. */
  users(): Promise<TokenUser[]>;
  /**
   * Validates every held user token with Twitch now, refreshing those Twitch no longer accepts;
   * a user whose token cannot be refreshed is removed and reported to `onInvalid`. Resolves the
   * users still held. For apps that hold tokens without calling Helix (a chat bot, say): call it
   * at start and every hour, since validation otherwise happens only before a Helix call.
   * @see https://dev.twitch.tv/docs/authentication/validate-tokens/
   */
  validateAll(): Promise<TokenUser[]>;
  getToken(request: TokenRequest): Promise<AccessToken>;
  refresh(rejected: AccessToken, request: TokenRequest): Promise<AccessToken | undefined>;
}

/** What is stored per user, as JSON under `user:<id>`. */
interface StoredUser {
  id: string;
  login: string;
  access_token: string;
  refresh_token?: string;
  scopes: string[];
  /** Epoch ms; absent when Twitch gave no expiry. */
  expires_at?: number;
  /** Epoch ms of the last successful validation. */
  validated_at: number;
}

interface StoredApp {
  access_token: string;
  expires_at?: number;
}

/** Twitch asks apps to validate user tokens at start and hourly. */
const VALIDATE_EVERY = 60 * 60 * 1000;
/** After /validate failed for network reasons, wait this long before asking again for that user. */
const VALIDATE_BACKOFF = 30 * 1000;
/** Refresh this long before the stated expiry, so a call does not race it. */
const EXPIRY_MARGIN = 60 * 1000;
const USERS_KEY = 'users';
const APP_KEY = 'app';
const userKey = (id: string) => `user:${id}`;

/**
 * Creates a token manager to pass as `auth` to `createClient`. A call uses the token of
 * `{ user: id }`, else the only user, else the app token where the endpoint takes one.
 *
 * Validation is lazy: a user token is validated with Twitch just before a Helix call uses it,
 * when it was last validated over an hour ago or not yet in this process (a `validated_at` left
 * in the store by an earlier process does not count). A token that is never used for Helix is
 * therefore not validated on its own: call `validateAll()` at start and hourly for that.
 * A 401 from Helix refreshes the token only when /validate confirms it is dead; otherwise
 * (an id that must match the token's user, a missing scope) Twitch's error reaches the caller
 * and the user is kept.
 * @see https://dev.twitch.tv/docs/authentication/
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { clientId, clientSecret } = options;
  const store = options.store ?? memoryStore();
  const now = options.now ?? Date.now;
  const transport: AuthTransport = { fetch: options.fetch, authBaseUrl: options.authBaseUrl, timeout: options.timeout };

  const cache = new Map<string, StoredUser>();
  let index: string[] | undefined;
  let app: StoredApp | undefined;
  /** One validation or refresh per user at a time; the app token uses APP_KEY. */
  const inflight = new Map<string, Promise<StoredUser>>();
  let appInflight: Promise<StoredApp> | undefined;
  /** The token whose refresh failed, and the error every later caller with it gets. */
  const failed = new Map<string, { token: string; error: unknown }>();
  /** Users whose token was validated (or issued) in this process: a stored `validated_at` is not trusted alone. */
  const checkedHere = new Set<string>();
  /** Per user, when /validate may be tried again after it failed for network reasons. */
  const validateBackoff = new Map<string, number>();
  /** Index writes run one after another, each computing its list when it runs (no lost updates). */
  let indexChain: Promise<unknown> = Promise.resolve();

  async function readJson<T>(key: string): Promise<T | undefined> {
    const text = await store.get(key);
    if (typeof text !== 'string') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  async function storedIndex(): Promise<string[] | undefined> {
    const ids = await readJson<unknown>(USERS_KEY);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : undefined;
  }

  async function userIds(): Promise<string[]> {
    if (!index) {
      const ids = (await storedIndex()) ?? [];
      index ??= ids; // an index write may have landed while the store was read
    }
    return index;
  }

  /** Adds or removes `id` in the users index, serialised with every other index write. */
  function updateIndex(id: string, present: boolean): Promise<void> {
    const run = indexChain.then(async () => {
      // Read at write time (another instance may share the store), and merge what this one knows.
      const ids = (await storedIndex()) ?? index ?? [];
      if (ids.includes(id) === present) {
        index = ids;
        return;
      }
      const next = present ? [...ids, id] : ids.filter((other) => other !== id);
      await storeSet(store, USERS_KEY, JSON.stringify(next));
      index = next;
    });
    indexChain = run.catch(() => undefined);
    return run;
  }

  async function save(user: StoredUser) {
    // The store first: a single-use refresh token must be durable before anything uses the pair.
    await storeSet(store, userKey(user.id), JSON.stringify(user));
    cache.set(user.id, user);
  }

  async function load(id: string): Promise<StoredUser | undefined> {
    const known = cache.get(id);
    if (known) return known;
    const stored = await readJson<StoredUser>(userKey(id));
    if (stored && typeof stored.access_token === 'string') cache.set(id, stored);
    return cache.get(id);
  }

  async function forget(id: string) {
    cache.delete(id);
    checkedHere.delete(id);
    await store.delete(userKey(id));
    await updateIndex(id, false);
  }

  /** Runs `task` unless one is already running for `id`, whose result is shared instead. */
  function exclusive(id: string, task: () => Promise<StoredUser>): Promise<StoredUser> {
    const running = inflight.get(id);
    if (running) return running;
    const promise = task().finally(() => inflight.get(id) === promise && inflight.delete(id));
    inflight.set(id, promise);
    return promise;
  }

  async function invalidate(user: StoredUser, reason: string): Promise<never> {
    const error = new InvalidTokenError(user.id, reason);
    failed.set(user.id, { token: user.access_token, error });
    // Forget the pair only if the store still holds it: another instance may have stored a newer one.
    const stored = await readJson<StoredUser>(userKey(user.id));
    if (!stored || stored.access_token === user.access_token) await forget(user.id);
    else cache.delete(user.id);
    options.onInvalid?.(user.id);
    throw error;
  }

  /** Refreshes the pair whose access token is `stale`, unless someone already did. */
  function refreshUser(id: string, stale: string): Promise<StoredUser> {
    return exclusive(id, () => doRefresh(id, stale));
  }

  async function doRefresh(id: string, stale: string): Promise<StoredUser> {
    // Another instance sharing the store may have refreshed already: its pair wins.
    const stored = await readJson<StoredUser>(userKey(id));
    if (stored && stored.access_token !== stale) {
      cache.set(id, stored);
      return stored;
    }
    const current = stored ?? cache.get(id);
    if (!current) throw new NoTokenError('refresh', `no token is held for user ${id}`);
    if (current.access_token !== stale) return current;
    if (!current.refresh_token) return invalidate(current, 'it expired or was revoked, and there is no refresh token');
    let fresh: TokenResponse;
    try {
      fresh = await refreshToken({ ...transport, clientId, clientSecret, refreshToken: current.refresh_token });
    } catch (error) {
      // Twitch refusing the refresh token is final; a network or server failure is not, and
      // neither is a misconfiguration (a missing or wrong client secret, another client id).
      if (refusedRefreshToken(error)) {
        // Another instance sharing the store may have used the (single-use) token first.
        const raced = await readJson<StoredUser>(userKey(id));
        if (raced && raced.access_token !== stale) {
          cache.set(id, raced);
          return raced;
        }
        return invalidate(current, `Twitch refused the refresh token (${error.error})`);
      }
      throw error;
    }
    const next: StoredUser = {
      ...current,
      access_token: fresh.access_token,
      refresh_token: fresh.refresh_token ?? current.refresh_token,
      scopes: fresh.scope.length > 0 ? fresh.scope : current.scopes,
      expires_at: fresh.expires_in ? now() + fresh.expires_in * 1000 : undefined,
      validated_at: now(),
    };
    await save(next);
    failed.delete(id);
    checkedHere.add(id);
    await updateIndex(id, true);
    await options.onRefresh?.(id, fresh);
    return next;
  }

  /** Asks Twitch whether the token still works; refreshes it if not. */
  function revalidate(user: StoredUser): Promise<StoredUser> {
    return exclusive(user.id, () => validateOrRefresh(user));
  }

  /**
   * Validates `user`'s token: resolves the same token (with fresh scopes) when Twitch still
   * accepts it or cannot be reached, a refreshed pair when Twitch says it is invalid.
   */
  async function validateOrRefresh(user: StoredUser): Promise<StoredUser> {
    let info;
    try {
      info = await validateToken(user.access_token, transport);
    } catch (error) {
      if (error instanceof InvalidTokenError) return doRefresh(user.id, user.access_token);
      // Twitch unreachable: keep the token, and do not ask again on every call for a while.
      validateBackoff.set(user.id, now() + VALIDATE_BACKOFF);
      return user;
    }
    validateBackoff.delete(user.id);
    checkedHere.add(user.id);
    const next: StoredUser = {
      ...user,
      scopes: info.scopes,
      expires_at: info.expires_in > 0 ? now() + info.expires_in * 1000 : user.expires_at,
      validated_at: now(),
    };
    await save(next);
    return next;
  }

  /**
   * After Helix answered 401 to `stale`: adopts a newer pair if there is one, else validates
   * `stale` and refreshes it only when Twitch says it is dead. Resolves a user still holding
   * `stale` when the token is fine (the 401 had another cause) or could not be checked.
   */
  function recheck(id: string, stale: string): Promise<StoredUser> {
    return exclusive(id, async () => {
      // Another instance sharing the store may have refreshed already: its pair wins.
      const stored = await readJson<StoredUser>(userKey(id));
      if (stored && stored.access_token !== stale) {
        cache.set(id, stored);
        return stored;
      }
      const current = stored ?? cache.get(id);
      if (!current) throw new NoTokenError('refresh', `no token is held for user ${id}`);
      if (current.access_token !== stale) return current;
      if ((validateBackoff.get(id) ?? 0) > now()) return current;
      return validateOrRefresh(current);
    });
  }

  /** Runs `task` for every held user, one after another; a failing user does not stop the rest. */
  async function eachUser(task: (user: StoredUser) => Promise<unknown>): Promise<void> {
    for (const id of [...(await userIds())]) {
      const user = inflight.has(id) ? await inflight.get(id)!.catch(() => undefined) : await load(id);
      if (!user) continue;
      try {
        await task(user);
      } catch {
        // Invalid users were removed and reported to onInvalid; other failures keep the user.
      }
    }
  }

  /** A user's token, refreshed or revalidated first when it is due. */
  async function userToken(id: string, endpoint: string): Promise<AccessToken> {
    let user = inflight.has(id) ? await inflight.get(id)! : await load(id);
    if (!user) throw new NoTokenError(endpoint, `no token is held for user ${id}; add it with addUser()`);
    const due = !checkedHere.has(id) || !(now() - user.validated_at < VALIDATE_EVERY);
    if (user.expires_at !== undefined && now() >= user.expires_at - EXPIRY_MARGIN) {
      user = await refreshUser(id, user.access_token);
    } else if (due && !((validateBackoff.get(id) ?? 0) > now())) {
      user = await revalidate(user);
    }
    return access(user);
  }

  async function listUsers(): Promise<TokenUser[]> {
    const found: TokenUser[] = [];
    for (const id of await userIds()) {
      const user = await load(id);
      if (user) found.push({ id: user.id, login: user.login, scopes: [...user.scopes] });
    }
    return found;
  }

  function access(user: StoredUser): AccessToken {
    return { token: user.access_token, scopes: user.scopes, userId: user.id, type: 'user' };
  }

  /** The app token, fetched with client credentials when missing, expired or `stale`. */
  async function appAccess(endpoint: string, stale?: string): Promise<AccessToken> {
    if (!clientSecret) throw new NoTokenError(endpoint, 'needs an app token: give createTokenManager a clientSecret, or add a user');
    if (appInflight) return { token: (await appInflight).access_token, type: 'app' };
    app ??= await readJson<StoredApp>(APP_KEY);
    const usable = app && app.access_token !== stale && (app.expires_at === undefined || now() < app.expires_at - EXPIRY_MARGIN);
    if (!usable) {
      appInflight ??= (async () => {
        const fresh = await appToken({ ...transport, clientId, clientSecret });
        const next: StoredApp = { access_token: fresh.access_token, expires_at: fresh.expires_in ? now() + fresh.expires_in * 1000 : undefined };
        await storeSet(store, APP_KEY, JSON.stringify(next));
        app = next;
        return next;
      })().finally(() => (appInflight = undefined));
      await appInflight;
    }
    return { token: app!.access_token, type: 'app' };
  }

  return {
    async addUser(input) {
      const info = await validateToken(input.access_token, transport);
      if (!info.user_id) throw new InvalidTokenError(undefined, 'it is an app token; addUser takes user tokens');
      if (info.client_id !== clientId) throw new InvalidTokenError(info.user_id, 'it was issued to another client id');
      const user: StoredUser = {
        id: info.user_id,
        login: info.login ?? '',
        access_token: input.access_token,
        refresh_token: input.refresh_token,
        scopes: info.scopes.length > 0 || input.scope === undefined ? info.scopes : scopeList(input.scope),
        expires_at:
          info.expires_in > 0 ? now() + info.expires_in * 1000
          : input.expires_in ? now() + input.expires_in * 1000
          : undefined,
        validated_at: now(),
      };
      await save(user);
      failed.delete(user.id);
      checkedHere.add(user.id);
      validateBackoff.delete(user.id);
      await updateIndex(user.id, true);
      return { id: user.id, login: user.login, scopes: [...user.scopes] };
    },

    async removeUser(id) {
      failed.delete(id);
      validateBackoff.delete(id);
      await forget(id);
    },

    async validateAll() {
      await eachUser((user) => revalidate(user));
      return listUsers();
    },

    users: listUsers,

    async getToken({ endpoint, user }) {
      if (user !== undefined) return userToken(user, endpoint.id);
      const accepts = (type: 'app' | 'user') => endpoint.tokens.length === 0 || endpoint.tokens.includes(type);
      const ids = await userIds();
      if (accepts('user') && ids.length === 1) return userToken(ids[0]!, endpoint.id);
      if (accepts('app') && clientSecret) return appAccess(endpoint.id);
      if (accepts('user') && ids.length > 1) {
        throw new NoTokenError(endpoint.id, `${ids.length} users are signed in; pass { user: id } to choose one`);
      }
      if (accepts('app')) return appAccess(endpoint.id);
      throw new NoTokenError(endpoint.id, 'needs a user token; add one with addUser()');
    },

    async refresh(rejected, { endpoint }) {
      if (rejected.type === 'app' || rejected.userId === undefined) {
        return rejected.type === 'app' ? appAccess(endpoint.id, rejected.token) : undefined;
      }
      const id = rejected.userId;
      const failure = failed.get(id);
      if (failure && failure.token === rejected.token) throw failure.error;
      // Helix also answers 401 to a live token (an id that must be the token's user, another
      // client id): only a token /validate calls dead is refreshed, else Twitch's error stands.
      const user = await recheck(id, rejected.token);
      return user.access_token === rejected.token ? undefined : access(user);
    },
  };
}

/** Twitch refused the refresh token itself (used, revoked, unknown), as opposed to the app's credentials. */
function refusedRefreshToken(error: unknown): error is AuthError {
  if (!(error instanceof AuthError) || error.status !== 400) return false;
  return /invalid refresh token/i.test(`${error.error} ${error.description}`);
}
