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
   * (processes, Workers, tabs over `localStorage`): each adopts the pairs the others store, and
   * the app token another fetched after Twitch refused the old one.
   */
  store?: TokenStore;
  /** Called after a user's new token pair is stored (or its write failed and is retried), before any call uses it. */
  onRefresh?: (userId: string, token: TokenResponse) => void | Promise<void>;
  /** Called when a user's token can no longer be used or refreshed; the user is removed. */
  onInvalid?: (userId: string) => void;
  /**
   * Called when the store fails a read, write or delete, with a {@link TokenStoreError} (never
   * holding a token). A failed read falls back to the pairs held in memory; a failed write does
   * not lose the tokens: they stay in memory, serve calls, and are written again after 1, 2, 4,
   * 8, 16 and 30 s, and by the first use in each of those steps; then by a use at most every
   * 30 s, until the write lands. However many calls come, one write per key is pending at a time
   * and each failed try is one report. The same failed read is reported at most every 30 s.
   * A call waits at most 10 s for the store (a read, a write, a delete), then goes on from memory
   * and reports a `TimeoutError`. Default `console.warn`.
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
  /**
   * Forgets a user's token (it is not revoked: see `revokeToken`). A refresh, validation or
   * `addUser` of that user still running does not bring the user back.
   */
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
/** A failed store write is tried again after 1 s, doubling up to 30 s, six times; then on a use, once per 30 s step. */
const STORE_RETRY = { first: 1000, max: 30_000, times: 6 };
/**
 * After Twitch refused a refresh token, the store is read again after each of these pauses (ms,
 * 7.5 s in all) before the user is called invalid: another instance that spent the token first
 * may still be writing its new pair. Skipped when the manager owns its (default) store.
 */
const RACE_PAUSES = [0, 500, 1000, 2000, 4000];
/** Longest token lifetime taken from the network (a year, in seconds); longer ones are cut to it. */
const MAX_LIFETIME = 365 * 24 * 3600;
/**
 * How long a call waits on the store (a read, the write of a new pair, a delete) before it goes
 * on from memory: a store that hangs must not hang calls. The write itself keeps its place.
 */
const STORE_WAIT = 10_000;
/** How many spent refresh tokens are remembered per user (enough for a run of failed writes). */
const SPENT_KEPT = 8;
const USERS_KEY = 'users';
const APP_KEY = 'app';
const USER_PREFIX = 'user:';
const userKey = (id: string) => USER_PREFIX + id;

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
 * when the store shows no other live pair for 7.5 s: another manager sharing the store may have
 * spent the single-use refresh token first and still be writing its new pair, which is then adopted.
 * @see https://dev.twitch.tv/docs/authentication/
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { clientId, clientSecret } = options;
  const store = options.store ?? memoryStore();
  /** Whether other managers may share the store (only the default store is known to be private). */
  const shared = options.store !== undefined;
  const now = options.now ?? Date.now;
  const transport: AuthTransport = { fetch: options.fetch, authBaseUrl: options.authBaseUrl, timeout: options.timeout, onMismatch: options.onMismatch };

  const cache = new Map<string, StoredUser>();
  let index: string[] | undefined;
  let app: StoredApp | undefined;
  /** One validation or refresh per user at a time; the app token uses APP_KEY. */
  const inflight = new Map<string, Promise<StoredUser>>();
  let appInflight: Promise<StoredApp> | undefined;
  /** The token whose refresh failed, and the error every later caller with it gets. */
  const failed = new Map<string, { token: string; error: unknown }>();
  /** `removeUser` calls so far, and per user the count at its last removal (see `stillHeld`). */
  let removals = 0;
  const removedAt = new Map<string, number>();
  /** Per user, the last refresh tokens traded or refused here: a stored pair holding one is dead. */
  const spent = new Map<string, string[]>();
  /** Users whose token was validated (or issued) in this process: a stored `validated_at` is not trusted alone. */
  const checkedHere = new Set<string>();
  /** Per user, when /validate may be tried again after it failed for network reasons. */
  const validateBackoff = new Map<string, number>();
  /** Index writes run one after another, each computing its list when it runs (no lost updates). */
  let indexChain: Promise<unknown> = Promise.resolve();
  /** Records held in memory whose write (record and index) has not landed yet, by user id. */
  const unsaved = new Map<string, StoredUser>();
  /**
   * Per store key (`user:<id>`, `app`), the write running and at most one queued behind it: writes
   * of a key run one after another (an older pair never lands last), and a slow or hanging store
   * holds two, not one per call.
   */
  const writes = new Map<string, { done: Promise<void>; queued?: Promise<void> }>();
  /**
   * Per store key, failed writes in a row; retry steps taken; the timer of the next try or, after
   * the timed tries, of a 30 s step; and whether a use tried in this step (one may, see `retryOnUse`).
   */
  const retries = new Map<string, { failures: number; steps: number; due?: number; timer?: ReturnType<typeof setTimeout>; used?: boolean }>();
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

  /** Per key, failed reads in a row, and the pause during which another one is not reported. */
  const readFailures = new Map<string, { failures: number; quiet?: ReturnType<typeof setTimeout> }>();

  /** The {@link TokenStoreError} of a failed store call (the cause's name only), reported unless `silent`. */
  function report(operation: TokenStoreError['operation'], key: string, attempt: number, retryIn: number | undefined, cause: unknown, silent = false) {
    const error = new TokenStoreError(operation, key, attempt, retryIn, cause instanceof Error ? cause.name : typeof cause);
    try {
      if (!silent) (options.onError ?? console.warn)(error);
    } catch {
      // A failing reporter must not break the call that reported.
    }
    return error;
  }

  /** `pending`, or a TimeoutError once it has taken {@link STORE_WAIT}; the store's own work goes on. */
  function timely<T>(pending: T | PromiseLike<T>): T | Promise<T> {
    if (typeof (pending as PromiseLike<T> | undefined)?.then !== 'function') return pending as T;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DOMException('the store did not answer in time', 'TimeoutError')), STORE_WAIT);
    });
    return Promise.race([pending, late]).finally(() => clearTimeout(timer));
  }

  /** Waits for the write of `key` (see `save`), but only {@link STORE_WAIT}: then it is reported and the call goes on from memory. */
  async function written(key: string, write: Promise<void>): Promise<void> {
    try {
      await timely(write);
    } catch (error) {
      report('write', key, (retries.get(key)?.failures ?? 0) + 1, undefined, error);
    }
  }

  /**
   * Reads `key` as JSON. A store failure is thrown as a {@link TokenStoreError}, and reported
   * (once per {@link STORE_RETRY}.max for the same key) unless `quiet`.
   */
  async function readJson<T>(key: string, quiet = false): Promise<T | undefined> {
    let text;
    try {
      text = await timely(store.get(key));
    } catch (cause) {
      const failed = readFailures.get(key) ?? { failures: 0 };
      readFailures.set(key, failed);
      const silent = quiet || !!failed.quiet;
      if (!silent) failed.quiet = setTimeout(() => (failed.quiet = undefined), STORE_RETRY.max);
      throw report('read', key, ++failed.failures, undefined, cause, silent);
    }
    const failed = readFailures.get(key);
    if (failed) {
      clearTimeout(failed.quiet);
      readFailures.delete(key);
    }
    if (typeof text !== 'string') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  async function storedIndex(quiet?: boolean): Promise<string[] | undefined> {
    const ids = await readJson<unknown>(USERS_KEY, quiet);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : undefined;
  }

  async function userIds(): Promise<string[]> {
    if (!index) {
      let ids;
      try {
        ids = (await storedIndex()) ?? [];
      } catch {
        // The store cannot be read (reported): the users held in memory, until it can.
        return [...new Set([...cache.keys(), ...unsaved.keys()])];
      }
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
      const ids = (await storedIndex(true)) ?? index ?? [];
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
    return persist(userKey(user.id));
  }

  /**
   * Writes what is unsaved under `key` once the write running for it (if any) is done; calls
   * while one is queued share it. Never rejects: a failure is reported and retried.
   */
  function persist(key: string): Promise<void> {
    const running = writes.get(key);
    if (running) {
      return (running.queued ??= running.done.then(() => {
        if (writes.get(key) === running) writes.delete(key);
        return persist(key);
      }));
    }
    const slot: { done: Promise<void>; queued?: Promise<void> } = { done: write(key) };
    writes.set(key, slot);
    void slot.done.then(() => writes.get(key) === slot && !slot.queued && writes.delete(key));
    return slot.done;
  }

  /** Writes the record held for `key` (a user's, then the users index; or the app token's). */
  async function write(key: string): Promise<void> {
    const id = key === APP_KEY ? undefined : key.slice(USER_PREFIX.length);
    const record = id === undefined ? (appUnsaved ? app : undefined) : unsaved.get(id);
    if (!record) return;
    let failedKey = key;
    try {
      await storeSet(store, key, JSON.stringify(record));
      if (id !== undefined) {
        failedKey = USERS_KEY;
        await updateIndex(id, true);
      }
    } catch (error) {
      return writeFailed(key, failedKey, error);
    }
    if (id === undefined ? app !== record : unsaved.get(id) !== record) return; // a newer one is queued
    if (id === undefined) appUnsaved = false;
    else unsaved.delete(id);
    clearTimeout(retries.get(key)?.timer);
    retries.delete(key);
  }

  /**
   * Reports a failed write and schedules the next step: a try after 1, 2, 4, 8, 16 and 30 s, then
   * steps of 30 s with no timed try. A use may try once per step, so however many calls come,
   * a failing store sees (and `onError` reports) at most two tries a step.
   */
  function writeFailed(key: string, failedKey: string, error: unknown) {
    const retry = retries.get(key) ?? { failures: 0, steps: 0 };
    retries.set(key, retry);
    retry.failures++;
    // Read the clock once: a report must say the delay just scheduled, not a millisecond less.
    const now = Date.now();
    if (retry.timer === undefined) {
      const timed = retry.steps < STORE_RETRY.times;
      const delay = timed ? Math.min(STORE_RETRY.first * 2 ** retry.steps, STORE_RETRY.max) : STORE_RETRY.max;
      retry.steps++;
      retry.due = timed ? now + delay : undefined;
      retry.timer = setTimeout(() => {
        retry.timer = retry.due = undefined;
        retry.used = false;
        if (timed) void persist(key);
      }, delay);
    }
    report('write', failedKey, retry.failures, retry.due === undefined ? undefined : Math.max(retry.due - now, 0), error);
  }

  /** On a use, writes what is still unsaved under `key`, once per retry step (not awaited: calls go on from memory). */
  function retryOnUse(key: string) {
    const retry = retries.get(key);
    if (retry?.used) return;
    if (retry) retry.used = true;
    void persist(key);
  }

  /** The user's record in the store, or `undefined` when absent or unreadable as JSON. */
  async function readStored(id: string): Promise<StoredUser | undefined> {
    const stored = await readJson<StoredUser>(userKey(id));
    return stored && typeof stored.access_token === 'string' ? stored : undefined;
  }

  /** Records that `token` (a user's refresh token) was traded or refused here: it is dead. */
  function spend(id: string, token: string | undefined) {
    if (token === undefined) return;
    const list = spent.get(id) ?? [];
    spent.set(id, [...list.slice(1 - SPENT_KEPT), token]);
  }

  /** Whether `user`'s refresh token is one this instance traded or saw refused. */
  const dead = (user: StoredUser) => user.refresh_token !== undefined && !!spent.get(user.id)?.includes(user.refresh_token);

  /**
   * Whether the stored pair `other` is later than `held`, the pair in memory. Never one whose
   * refresh token this instance spent. While `held` is unsaved (the store may hold an older pair
   * left by the failed write, or a record without `obtained_at`), only a stated later
   * `obtained_at` wins. Otherwise the later `obtained_at` when both state one, else a different
   * refresh token.
   */
  function newer(other: StoredUser, held: StoredUser): boolean {
    if ((other.access_token === held.access_token && other.refresh_token === held.refresh_token) || dead(other)) return false;
    const stated = other.obtained_at !== undefined && held.obtained_at !== undefined;
    if (stated) return other.obtained_at! > held.obtained_at!;
    return !unsaved.has(held.id) && other.refresh_token !== held.refresh_token;
  }

  /**
   * After `held` proved dead (Twitch refused its refresh token, or it has none and the access
   * token is dead): whether `other` is another pair, not known dead, to use instead. Clocks are
   * not compared: another machine's `obtained_at` may come from a clock that is off.
   */
  function alive(other: StoredUser, held: StoredUser): boolean {
    return other.access_token !== held.access_token && (held.refresh_token === undefined || other.refresh_token !== held.refresh_token) && !dead(other);
  }

  /** Takes a pair another instance stored: it is in the store already, so nothing older is written over it. */
  function adopt(user: StoredUser): StoredUser {
    cache.set(user.id, user);
    unsaved.delete(user.id);
    return user;
  }

  /**
   * The later of the pair held in memory and the one in the store (another instance may have
   * rotated it). When the store cannot be read (reported), the pair in memory.
   */
  async function latest(id: string): Promise<StoredUser | undefined> {
    const mine = cache.get(id);
    const stored = await readStored(id).catch((error: unknown) => {
      if (!mine) throw error;
    });
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
      if (mine && alive(mine, held)) return mine; // e.g. addUser gave this instance a new pair meanwhile
      const stored = await readStored(held.id).catch(() => undefined);
      if (stored && alive(stored, held)) return adopt(stored);
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

  /**
   * Drops the user here and in the store; a store failure is reported, and thrown (as the
   * {@link TokenStoreError}) when `rethrow`.
   * With `deadPair`, the store's record is deleted only when it is not another pair still
   * {@link alive} (another instance's, which is returned instead) and could be read.
   */
  async function forget(id: string, rethrow = false, deadPair?: StoredUser): Promise<StoredUser | undefined> {
    cache.delete(id);
    checkedHere.delete(id);
    unsaved.delete(id);
    const key = userKey(id);
    clearTimeout(retries.get(key)?.timer);
    retries.delete(key);
    // A write still running lands first, so it cannot bring the user back after the delete
    // (unless the store hangs: then the delete goes ahead, and is reported if it fails).
    await Promise.resolve(timely(writes.get(key)?.done)).catch(() => undefined);
    if (deadPair) {
      let stored;
      try {
        stored = await readStored(id);
      } catch {
        // Unreadable (reported): whatever the store holds stays there; this instance lets go.
        if (index) index = index.filter((other) => other !== id);
        return undefined;
      }
      if (stored && alive(stored, deadPair)) return stored;
    }
    // Both are tried (the index in memory drops the user at once); the first failure is thrown.
    let failure: TokenStoreError | undefined;
    try {
      await timely(store.delete(key));
    } catch (error) {
      failure = report('delete', key, 1, undefined, error);
    }
    try {
      await timely(updateIndex(id, false));
    } catch (error) {
      failure ??= report('delete', USERS_KEY, 1, undefined, error);
    }
    if (rethrow && failure) throw failure;
  }

  /**
   * Runs `task` unless one is already running for `id`, whose result is shared instead. `task`
   * gets the removal count when it began (see {@link stillHeld}); a user removed meanwhile is
   * not handed out, nor kept in memory.
   */
  function exclusive(id: string, task: (since: number) => Promise<StoredUser>): Promise<StoredUser> {
    const running = inflight.get(id);
    if (running) return running;
    const since = removals;
    const promise = task(since)
      .then((user) => {
        if (removedSince(id, since)) {
          if (cache.get(id) === user) cache.delete(id);
          throw removedError(id);
        }
        return user;
      })
      .finally(() => inflight.get(id) === promise && inflight.delete(id));
    inflight.set(id, promise);
    return promise;
  }

  /** Whether `removeUser(id)` was called after the removal count was `since`. */
  const removedSince = (id: string, since: number) => (removedAt.get(id) ?? 0) > since;
  const removedError = (id: string) => new NoTokenError('refresh', `user ${id} was removed`);

  /** Throws when `id` was removed since `since`: work begun before a logout never writes the user back. */
  function stillHeld(id: string, since: number) {
    if (removedSince(id, since)) throw removedError(id);
  }

  /**
   * `user`'s pair is dead: uses another pair held here or stored by another instance when there
   * is one, else forgets the user, reports it to `onInvalid` and throws.
   */
  async function invalidate(user: StoredUser, reason: string): Promise<StoredUser> {
    const mine = cache.get(user.id);
    if (mine && alive(mine, user)) return mine;
    const stored = await forget(user.id, false, user);
    if (stored) return adopt(stored);
    const error = new InvalidTokenError(user.id, reason);
    failed.set(user.id, { token: user.access_token, error });
    options.onInvalid?.(user.id);
    throw error;
  }

  /** Refreshes the pair whose access token is `stale`, unless someone already did. */
  function refreshUser(id: string, stale: string): Promise<StoredUser> {
    return exclusive(id, (since) => doRefresh(id, stale, since));
  }

  async function doRefresh(id: string, stale: string, since: number): Promise<StoredUser> {
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
      spend(id, current.refresh_token);
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
    // The traded token is dead, unless Twitch gave it back (a refresh token that does not rotate).
    if (next.refresh_token !== current.refresh_token) spend(id, current.refresh_token);
    // Durable before use when the store works; when it fails, the pair is used from memory and
    // the write retried (see `save`), since Twitch already spent the old refresh token.
    stillHeld(id, since);
    await written(userKey(id), save(next));
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
    return exclusive(user.id, (since) => validateOrRefresh(user, since));
  }

  /**
   * Validates `user`'s token: resolves the same token (with fresh scopes) when Twitch still
   * accepts it or cannot be reached, a refreshed pair when Twitch says it is invalid.
   */
  async function validateOrRefresh(user: StoredUser, since: number): Promise<StoredUser> {
    let info;
    try {
      info = await validateToken(user.access_token, transport);
      note({ type: 'validate', source: 'auth', user: user.id, result: 'valid' });
    } catch (error) {
      const invalid = error instanceof InvalidTokenError;
      note({ type: 'validate', source: 'auth', user: user.id, result: invalid ? 'invalid' : 'unreachable' });
      if (invalid) return doRefresh(user.id, user.access_token, since);
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
    stillHeld(user.id, since);
    await written(userKey(user.id), save(next));
    return next;
  }

  /**
   * After Helix answered 401 to `stale`: adopts a newer pair if there is one, else validates
   * `stale` and refreshes it only when Twitch says it is dead. Resolves a user still holding
   * `stale` when the token is fine (the 401 had another cause) or could not be checked.
   */
  function recheck(id: string, stale: string): Promise<StoredUser> {
    return exclusive(id, async (since) => {
      // Another instance sharing the store may have refreshed already: the later pair wins.
      const current = await latest(id);
      if (!current) throw new NoTokenError('refresh', `no token is held for user ${id}`);
      if (current.access_token !== stale) return current;
      if ((validateBackoff.get(id) ?? 0) > now()) return current;
      return validateOrRefresh(current, since);
    });
  }

  /** Runs `task` for every held user, one after another; a failing user does not stop the rest. */
  async function eachUser(task: (user: StoredUser) => Promise<unknown>): Promise<void> {
    for (const id of [...(await userIds())]) {
      const user = await (inflight.get(id) ?? load(id)).catch(() => undefined);
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
    // A pair whose write failed is written again on use until it lands (see `retryOnUse`).
    if (unsaved.has(id)) retryOnUse(userKey(id));
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
    // A store that cannot be read (reported) is as one without an app token: a new one is fetched.
    app ??= await readJson<StoredApp>(APP_KEY).catch(() => undefined);
    // Twitch refused the token held here (and stored): another manager sharing the store may have replaced it.
    if (shared && !appUnsaved && stale !== undefined && app?.access_token === stale) app = (await readJson<StoredApp>(APP_KEY).catch(() => undefined)) ?? app;
    if (appUnsaved) retryOnUse(APP_KEY);
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
        await written(APP_KEY, persist(APP_KEY));
        return next;
      })().finally(() => (appInflight = undefined));
      await appInflight;
    }
    return { token: app!.access_token, type: 'app' };
  }

  return {
    async addUser(input) {
      const since = removals;
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
      if (removedSince(user.id, since)) throw new NoTokenError('addUser', `user ${user.id} was removed while being added`);
      await written(userKey(user.id), save(user));
      failed.delete(user.id);
      checkedHere.add(user.id);
      validateBackoff.delete(user.id);
      return { id: user.id, login: user.login, scopes: [...user.scopes] };
    },

    async removeUser(id) {
      removedAt.set(id, ++removals);
      spent.delete(id);
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
