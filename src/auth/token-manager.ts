/**
 * A multi-user token manager that plugs into `createClient({ auth })`: user tokens keyed by
 * user id plus an app token, refreshed one at a time per user, validated before use (at least
 * hourly, and on first use in each process), kept in any store, and never lost to a store
 * that fails or to another instance that shares it.
 */
import type { AccessToken, AuthProvider, TokenRequest } from '../client.js';
import type { Log, LogEntry } from '../log.js';
import { AuthError, InvalidTokenError, NoTokenError, TokenStoreError } from './errors.js';
import { sleep } from '../sleep.js';
import { scopeList, type AuthTransport } from './request.js';
import { appToken, refreshToken, validateToken, type TokenResponse } from './server.js';
import { memoryStore, storeSet, type TokenStore } from './stores.js';

/** Options of {@link createTokenManager}. */
export interface TokenManagerOptions extends AuthTransport {
  clientId: string;
  /** Needed for app tokens, and for refreshing tokens of confidential apps. Server side only. */
  clientSecret?: string;
  /**
   * Where tokens live. Default `memoryStore()`. A store may be shared by several managers
   * (processes, Workers, tabs over `localStorage`): each adopts the pairs the others store.
   */
  store?: TokenStore;
  /** Called after a user's new token pair is stored (or its write failed and is retried), before any call uses it. */
  onRefresh?: (userId: string, token: TokenResponse) => void | Promise<void>;
  /** Called when a user's token can no longer be used or refreshed; the user is removed. */
  onInvalid?: (userId: string) => void;
  /**
   * Called when the store fails a write or delete, with a {@link TokenStoreError} (never holding
   * a token). A failed write does not lose the tokens: they stay in memory, serve calls, and are
   * written again after 1, 2, 4, 8, 16 and 30 s, then on each use until the write lands.
   * Default `console.warn`.
   */
  onError?: (error: TokenStoreError) => void;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
  /**
   * Told about refreshes and validations as {@link LogEntry} objects (`source: 'auth'`, the user
   * id, never a token or the secret). Default: the `log` of the first client that asks this
   * manager for a token. `log: console.debug` shows them.
   */
  log?: Log;
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
  /** Epoch ms when this pair was issued (or added): of two pairs, the later one wins. Absent in older stores. */
  obtained_at?: number;
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
/** A failed store write is tried again after 1 s, doubling up to 30 s, six times; then on each use. */
const STORE_RETRY = { first: 1000, max: 30_000, times: 6 };
/**
 * After Twitch refused a refresh token, the store is read again after each of these pauses (ms,
 * 7.5 s in all) before the user is called invalid: another instance that spent the token first
 * may still be writing its new pair. Skipped when the manager owns its (default) store.
 */
const RACE_PAUSES = [0, 500, 1000, 2000, 4000];
/** Longest token lifetime taken from the network (a year, in seconds); longer ones are cut to it. */
const MAX_LIFETIME = 365 * 24 * 3600;
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
 *
 * A pair Twitch issued is never lost: it serves calls from memory at once, and a failed store
 * write is reported to `onError` and retried (see there). A refused refresh drops the user only
 * when the store shows no later pair for 7.5 s: another manager sharing the store may have spent
 * the single-use refresh token first and still be writing its new pair, which is then adopted.
 * @see https://dev.twitch.tv/docs/authentication/
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { clientId, clientSecret } = options;
  const store = options.store ?? memoryStore();
  /** Whether other managers may share the store (only the default store is known to be private). */
  const shared = options.store !== undefined;
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
  /** Records held in memory whose write (record and index) has not landed yet, by user id. */
  const unsaved = new Map<string, StoredUser>();
  /** Per user, the last write: writes run one after another, so an older pair never lands last. */
  const writes = new Map<string, Promise<void>>();
  /** Per user, failed writes in a row and the pending retry. */
  const retries = new Map<string, { failures: number; due?: number; timer?: ReturnType<typeof setTimeout> }>();
  /** Whether the app token's write has not landed yet. */
  let appUnsaved = false;
  let log = options.log;
  const note = (entry: LogEntry) => {
    try {
      log?.(entry);
    } catch {
      // Logging is best effort.
    }
  };

  function report(operation: 'write' | 'delete', key: string, attempt: number, retryIn: number | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.name : typeof cause;
    const error = new TokenStoreError(operation, key, attempt, retryIn, reason);
    try {
      (options.onError ?? console.warn)(error);
    } catch {
      // A failing reporter must not break the call that reported.
    }
  }

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
    // Users whose write has not landed are held all the same.
    const pending = [...unsaved.keys()].filter((id) => !index!.includes(id));
    return pending.length > 0 ? [...index, ...pending] : index;
  }

  /** Adds or removes `id` in the users index, serialised with every other index write. */
  function updateIndex(id: string, present: boolean): Promise<void> {
    const change = (ids: string[]) =>
      ids.includes(id) === present ? ids
      : present ? [...ids, id]
      : ids.filter((other) => other !== id);
    if (index) index = change(index);
    const run = indexChain.then(async () => {
      // Read at write time (another instance may share the store), and merge what this one knows.
      const ids = (await storedIndex()) ?? index ?? [];
      const next = change(ids);
      if (next !== ids) await storeSet(store, USERS_KEY, JSON.stringify(next));
      index = next;
    });
    indexChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Holds `user` in memory at once, then writes it to the store. Resolves when the write landed
   * or failed; a failure is reported and retried, never thrown, so the pair is never lost.
   */
  function save(user: StoredUser): Promise<void> {
    cache.set(user.id, user);
    unsaved.set(user.id, user);
    return persist(user.id);
  }

  /** Writes the user's unsaved record, after any write already running for that user. */
  function persist(id: string): Promise<void> {
    const run = (writes.get(id) ?? Promise.resolve()).then(() => writeUser(id));
    writes.set(id, run);
    void run.then(() => writes.get(id) === run && writes.delete(id));
    return run;
  }

  async function writeUser(id: string): Promise<void> {
    const user = unsaved.get(id);
    if (!user) return;
    let key = userKey(id);
    try {
      await storeSet(store, key, JSON.stringify(user));
      key = USERS_KEY;
      await updateIndex(id, true);
    } catch (error) {
      return writeFailed(id, key, error);
    }
    if (unsaved.get(id) === user) {
      unsaved.delete(id);
      clearTimeout(retries.get(id)?.timer);
      retries.delete(id);
    }
  }

  /** Reports a failed write and schedules the next try (bounded backoff; then on each use). */
  function writeFailed(id: string, key: string, error: unknown) {
    const retry = retries.get(id) ?? { failures: 0 };
    retries.set(id, retry);
    retry.failures++;
    // Read the clock once: a report must say the delay just scheduled, not a millisecond less.
    const now = Date.now();
    if (retry.timer === undefined && retry.failures <= STORE_RETRY.times) {
      const delay = Math.min(STORE_RETRY.first * 2 ** (retry.failures - 1), STORE_RETRY.max);
      retry.due = now + delay;
      retry.timer = setTimeout(() => {
        retry.timer = retry.due = undefined;
        void persist(id);
      }, delay);
    }
    report('write', key, retry.failures, retry.due === undefined ? undefined : Math.max(retry.due - now, 0), error);
  }

  /** The user's record in the store, or `undefined` when absent or unreadable as JSON. */
  async function readStored(id: string): Promise<StoredUser | undefined> {
    const stored = await readJson<StoredUser>(userKey(id));
    return stored && typeof stored.access_token === 'string' ? stored : undefined;
  }

  /**
   * Whether `other` is a later pair than `held`: by when each was issued when both say so (a
   * store left behind by a failed write holds an older pair), else by a different refresh token.
   */
  function newer(other: StoredUser, held: StoredUser): boolean {
    if (other.access_token === held.access_token && other.refresh_token === held.refresh_token) return false;
    if (other.obtained_at !== undefined && held.obtained_at !== undefined) return other.obtained_at > held.obtained_at;
    return other.refresh_token !== held.refresh_token;
  }

  /** Takes a pair another instance stored: it is in the store already, so nothing older is written over it. */
  function adopt(user: StoredUser): StoredUser {
    cache.set(user.id, user);
    unsaved.delete(user.id);
    return user;
  }

  /** The later of the pair held in memory and the one in the store (another instance may have rotated it). */
  async function latest(id: string): Promise<StoredUser | undefined> {
    const mine = cache.get(id);
    const stored = await readStored(id);
    if (stored && (!mine || newer(stored, mine))) return adopt(stored);
    return mine;
  }

  /**
   * After Twitch refused `held`'s refresh token: a later pair stored by another instance that
   * spent it first, looked for over {@link RACE_PAUSES} since its write may still be on the way.
   */
  async function rotatedElsewhere(held: StoredUser): Promise<StoredUser | undefined> {
    for (const pause of shared ? RACE_PAUSES : [0]) {
      if (pause > 0) await sleep(pause);
      const mine = cache.get(held.id);
      if (mine && newer(mine, held)) return mine; // e.g. addUser gave this instance a new pair meanwhile
      const stored = await readStored(held.id).catch(() => undefined);
      if (stored && newer(stored, held)) return adopt(stored);
    }
    return undefined;
  }

  async function load(id: string): Promise<StoredUser | undefined> {
    const known = cache.get(id);
    if (known) return known;
    const stored = await readStored(id);
    if (stored) cache.set(id, stored);
    return cache.get(id);
  }

  /** Drops the user here and in the store; a store failure is reported, and thrown when `rethrow`. */
  async function forget(id: string, rethrow = false) {
    cache.delete(id);
    checkedHere.delete(id);
    unsaved.delete(id);
    clearTimeout(retries.get(id)?.timer);
    retries.delete(id);
    // A write still running lands first, so it cannot bring the user back after the delete.
    await writes.get(id);
    const key = userKey(id);
    try {
      await store.delete(key);
    } catch (error) {
      report('delete', key, 1, undefined, error);
      if (rethrow) throw error;
    }
    try {
      await updateIndex(id, false);
    } catch (error) {
      report('delete', USERS_KEY, 1, undefined, error);
      if (rethrow) throw error;
    }
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
    // Forget the pair only if the store holds no later one: another instance may have stored it.
    const stored = await readStored(user.id).catch(() => undefined);
    if (!stored || !newer(stored, user)) await forget(user.id);
    else cache.delete(user.id);
    options.onInvalid?.(user.id);
    throw error;
  }

  /** Refreshes the pair whose access token is `stale`, unless someone already did. */
  function refreshUser(id: string, stale: string): Promise<StoredUser> {
    return exclusive(id, () => doRefresh(id, stale));
  }

  async function doRefresh(id: string, stale: string): Promise<StoredUser> {
    // Another instance sharing the store may have refreshed already: the later pair wins.
    const current = await latest(id);
    if (!current) throw new NoTokenError('refresh', `no token is held for user ${id}`);
    if (current.access_token !== stale) return current;
    if (!current.refresh_token) return invalidate(current, 'it expired or was revoked, and there is no refresh token');
    let fresh: TokenResponse;
    try {
      fresh = await refreshToken({ ...transport, clientId, clientSecret, refreshToken: current.refresh_token });
      note({ type: 'refresh', source: 'auth', user: id, ok: true });
    } catch (error) {
      note({ type: 'refresh', source: 'auth', user: id, ok: false });
      // Twitch refusing the refresh token is final; a network or server failure is not, and
      // neither is a misconfiguration (a missing or wrong client secret, another client id).
      if (!refusedRefreshToken(error)) throw error;
      // Another instance sharing the store may have spent the (single-use) token first.
      const rotated = await rotatedElsewhere(current);
      if (rotated) return rotated;
      return invalidate(current, `Twitch refused the refresh token (${error.error})`);
    }
    const next: StoredUser = {
      ...current,
      access_token: fresh.access_token,
      refresh_token: fresh.refresh_token ?? current.refresh_token,
      scopes: fresh.scope.length > 0 ? fresh.scope : current.scopes,
      expires_at: expiresAt(fresh.expires_in),
      validated_at: now(),
      obtained_at: now(),
    };
    // Durable before use when the store works; when it fails, the pair is used from memory and
    // the write retried (see `save`), since Twitch already spent the old refresh token.
    await save(next);
    failed.delete(id);
    checkedHere.add(id);
    await options.onRefresh?.(id, fresh);
    return next;
  }

  /** When a token with `expiresIn` seconds left (from the network) expires, or `undefined` if not sane. */
  function expiresAt(expiresIn: number | undefined): number | undefined {
    return expiresIn !== undefined && Number.isFinite(expiresIn) && expiresIn > 0 ? now() + Math.min(expiresIn, MAX_LIFETIME) * 1000 : undefined;
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
      note({ type: 'validate', source: 'auth', user: user.id, result: 'valid' });
    } catch (error) {
      const invalid = error instanceof InvalidTokenError;
      note({ type: 'validate', source: 'auth', user: user.id, result: invalid ? 'invalid' : 'unreachable' });
      if (invalid) return doRefresh(user.id, user.access_token);
      // Twitch unreachable: keep the token, and do not ask again on every call for a while.
      validateBackoff.set(user.id, now() + VALIDATE_BACKOFF);
      return user;
    }
    validateBackoff.delete(user.id);
    checkedHere.add(user.id);
    const next: StoredUser = {
      ...user,
      scopes: info.scopes,
      expires_at: expiresAt(info.expires_in) ?? user.expires_at,
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
      // Another instance sharing the store may have refreshed already: the later pair wins.
      const current = await latest(id);
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
    // A pair whose write failed is written again on each use until it lands (not awaited: a
    // failing store must not hold up calls; the pair serves from memory meanwhile).
    if (unsaved.has(id)) void persist(id);
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
    if (appUnsaved) void writeApp();
    const usable = app && app.access_token !== stale && (app.expires_at === undefined || now() < app.expires_at - EXPIRY_MARGIN);
    if (!usable) {
      appInflight ??= (async () => {
        const fresh = await appToken({ ...transport, clientId, clientSecret }).catch((error: unknown) => {
          note({ type: 'refresh', source: 'auth', ok: false });
          throw error;
        });
        note({ type: 'refresh', source: 'auth', ok: true });
        const next: StoredApp = { access_token: fresh.access_token, expires_at: expiresAt(fresh.expires_in) };
        app = next;
        appUnsaved = true;
        await writeApp();
        return next;
      })().finally(() => (appInflight = undefined));
      await appInflight;
    }
    return { token: app!.access_token, type: 'app' };
  }

  /** Writes the app token held in memory; a failure is reported and retried on its next use. */
  async function writeApp() {
    const written = app;
    try {
      await storeSet(store, APP_KEY, JSON.stringify(written));
      if (app === written) appUnsaved = false;
    } catch (error) {
      report('write', APP_KEY, 1, undefined, error);
    }
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
        expires_at: expiresAt(info.expires_in) ?? expiresAt(input.expires_in),
        validated_at: now(),
        obtained_at: now(),
      };
      await save(user);
      failed.delete(user.id);
      checkedHere.add(user.id);
      validateBackoff.delete(user.id);
      return { id: user.id, login: user.login, scopes: [...user.scopes] };
    },

    async removeUser(id) {
      failed.delete(id);
      validateBackoff.delete(id);
      await forget(id, true);
    },

    async validateAll() {
      await eachUser((user) => revalidate(user));
      return listUsers();
    },

    users: listUsers,

    async getToken({ endpoint, user, log: clientLog }) {
      log ??= clientLog;
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

    async refresh(rejected, { endpoint, log: clientLog }) {
      log ??= clientLog;
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

/**
 * Twitch refused the refresh token itself (used, revoked, unknown: `Invalid refresh token`,
 * `invalid_grant`, or a 401 not about the client), as opposed to the app's credentials.
 */
function refusedRefreshToken(error: unknown): error is AuthError {
  if (!(error instanceof AuthError) || (error.status !== 400 && error.status !== 401)) return false;
  const text = `${error.error} ${error.description}`;
  return /invalid[ _]refresh[ _]token|invalid_grant/i.test(text) || (error.status === 401 && !/client/i.test(text));
}
