// The two stores that make many isolates act as one, each kept in a Durable Object: one instance
// per name worldwide, so a read sees every write before it (Workers KV may show an old value for
// up to a minute). Each is the store shape helixkit asks for, over a stub.
import { DurableObject } from 'cloudflare:workers';
import type { TokenStore } from 'helixkit';
import type { SeenStore } from 'helixkit/webhooks';

/** The token manager's tokens, as strings by key. */
export class TokenStoreObject extends DurableObject {
  read(key: string): Promise<string | undefined> {
    return this.ctx.storage.get<string>(key);
  }

  async write(key: string, value: string): Promise<void> {
    await this.ctx.storage.put(key, value);
  }

  async remove(key: string): Promise<void> {
    await this.ctx.storage.delete(key);
  }
}

/**
 * The token manager's `{ get, set, delete }` over the TOKENS object: pass it as
 * `createTokenManager({ store: tokenStore(env.TOKENS) })` everywhere, and every isolate and shard
 * object shares one app token (and users' token pairs). The stub is taken at each call: a Worker
 * may not use one across requests.
 */
export function tokenStore(namespace: DurableObjectNamespace<TokenStoreObject>, name = 'tokens'): TokenStore {
  return {
    get: (key) => namespace.getByName(name).read(key),
    set: (key, value) => namespace.getByName(name).write(key, value),
    delete: (key) => namespace.getByName(name).remove(key),
  };
}

/**
 * How long an id handed out by `has` is held for the caller dispatching it: until then, a second
 * delivery of it (another isolate, a redelivery) waits for `add` instead of dispatching too. Longer
 * than a handler takes; after it (a handler that failed or an isolate that died), the next delivery
 * may dispatch.
 */
const CLAIM_MS = 30_000;
/** Spread over this many objects by id, so no single object takes every webhook. */
const SEEN_OBJECTS = 16;

/**
 * Handled webhook message ids. `has` answers `false` to one caller per id at a time (the webhook
 * handler takes `false` as leave to dispatch, and calls `add` once its handlers succeeded): so
 * however many isolates a message and its redeliveries reach, one dispatch runs.
 */
export class SeenStoreObject extends DurableObject {
  /** Ids handed out and not yet added: who waits for them. In memory: a restarted object forgets them. */
  readonly #claims = new Map<string, { until: number; added: Promise<void>; settle(): void }>();

  async has(id: string): Promise<boolean> {
    for (;;) {
      const until = await this.ctx.storage.get<number>(`id:${id}`);
      if (until !== undefined && until >= Date.now()) return true;
      // (From here to the claim nothing awaits: two callers cannot both find the id free.)
      const claim = this.#claims.get(id);
      if (!claim || claim.until <= Date.now()) break;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, claim.until - Date.now());
        void claim.added.then(resolve);
      });
      clearTimeout(timer);
    }
    let settle!: () => void;
    const added = new Promise<void>((resolve) => (settle = resolve));
    this.#claims.set(id, { until: Date.now() + CLAIM_MS, added, settle });
    return false;
  }

  async add(id: string, ttlSeconds = 1200): Promise<void> {
    await this.ctx.storage.put(`id:${id}`, Date.now() + ttlSeconds * 1000);
    this.#claims.get(id)?.settle();
    this.#claims.delete(id);
    // Storage keeps keys for ever: the alarm sweeps out ids past their time.
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + ttlSeconds * 1000);
  }

  async alarm(): Promise<void> {
    const now = Date.now();
    let next: number | undefined;
    for (const [key, until] of await this.ctx.storage.list<number>({ prefix: 'id:' })) {
      if (until < now) await this.ctx.storage.delete(key);
      else next = Math.min(next ?? until, until);
    }
    if (next !== undefined) await this.ctx.storage.setAlarm(next + 1);
  }
}

/** The webhook handler's `seen` store over the SEEN objects: `createWebhookHandler({ seen: seenStore(env.SEEN) })`. */
export function seenStore(namespace: DurableObjectNamespace<SeenStoreObject>): SeenStore {
  const of = (id: string) => {
    let hash = 0;
    for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
    return namespace.getByName(`seen-${hash % SEEN_OBJECTS}`);
  };
  return {
    has: (id) => of(id).has(id),
    add: (id, ttlSeconds) => of(id).add(id, ttlSeconds),
  };
}
