/**
 * Where the token manager keeps tokens: any object with `get`, `set` (or `put`) and `delete`,
 * sync or async, holding strings. `memoryStore()` and `webStorage(localStorage)` are included;
 * a Cloudflare Workers KV namespace fits as it is.
 */

/** @inline */
type MaybePromise<T> = T | Promise<T>;

/**
 * A key-value store of strings. Sync or async; a Workers KV namespace (`get`/`put`/`delete`) fits.
 * Managers sharing one adopt what the others wrote (a refreshed pair, a new app token) instead of
 * fetching their own, as far as a read shows the last write: a Durable Object or a database does
 * at once, KV after up to a minute (examples/cloudflare-conduit has a Durable Object store).
 */
export type TokenStore = {
  get(key: string): MaybePromise<string | null | undefined>;
  delete(key: string): MaybePromise<unknown>;
} & ({ set(key: string, value: string): MaybePromise<unknown> } | { put(key: string, value: string): MaybePromise<unknown> });

/** Writes through `set`, or `put` for stores such as Workers KV. */
export function storeSet(store: TokenStore, key: string, value: string): MaybePromise<unknown> {
  return 'set' in store ? store.set(key, value) : store.put(key, value);
}

/** A synchronous store, as `memoryStore` and `webStorage` return. */
export interface SyncTokenStore {
  get(key: string): string | null | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** A store in memory: tokens last as long as the page or process. The default. */
export function memoryStore(): SyncTokenStore {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key),
    set: (key, value) => void map.set(key, value),
    delete: (key) => void map.delete(key),
  };
}

/** The part of the Web Storage API a store needs (`localStorage`, `sessionStorage`). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * A store over `localStorage` (survives reloads) or `sessionStorage` (one tab), with keys
 * prefixed so they do not collide with the page's own.
 */
export function webStorage(storage: WebStorageLike, prefix = 'helixkit:'): SyncTokenStore {
  return {
    get: (key) => storage.getItem(prefix + key),
    set: (key, value) => storage.setItem(prefix + key, value),
    delete: (key) => storage.removeItem(prefix + key),
  };
}
