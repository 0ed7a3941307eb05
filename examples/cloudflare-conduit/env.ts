// The Worker's bindings (see wrangler.toml), and the app-token Helix client every part builds.
import { createClient, createTokenManager, type Client } from 'helixkit';
import type { EventLogObject } from './log.ts';
import type { ShardObject } from './shard.ts';
import { tokenStore, type SeenStoreObject, type TokenStoreObject } from './stores.ts';

export interface Env {
  CLIENT_ID: string;
  CLIENT_SECRET: string;
  /** The secret of the conduit's webhook shards (10 to 100 ASCII characters). */
  WEBHOOK_SECRET: string;
  /** The Worker's public https origin, for webhook shards' callback (`/eventsub`). */
  PUBLIC_URL?: string;
  /** Seconds between a shard object's health checks (its alarm). Default 30. */
  ALARM_SECONDS?: string;
  /** When set, the control routes (`/start`, `/shards/…`) want `Authorization: Bearer <ADMIN_KEY>`. */
  ADMIN_KEY?: string;
  /** Only to point the Worker at a fake Twitch. */
  HELIX_URL?: string;
  AUTH_URL?: string;
  EVENTSUB_URL?: string;
  SHARDS: DurableObjectNamespace<ShardObject>;
  TOKENS: DurableObjectNamespace<TokenStoreObject>;
  SEEN: DurableObjectNamespace<SeenStoreObject>;
  LOG: DurableObjectNamespace<EventLogObject>;
  EVENTS: Queue<QueuedEvent>;
}

/** What goes on the queue for each notification, from a shard's WebSocket or a webhook. */
export interface QueuedEvent {
  /** Twitch's message id: the same on a redelivery. */
  id: string;
  type: string;
  /** `shard 2`, or `webhook`. */
  via: string;
  /** A fresh id per dispatch: a redelivery by the queue keeps it, a second dispatch would not. */
  dispatch: string;
  event: unknown;
}

/**
 * A Helix client on the app token, whose token manager keeps the token in the TOKENS object:
 * every shard object and Worker isolate uses the one token, and when Twitch refuses it, the
 * first to notice fetches the next one and the others adopt it.
 */
export function appClient(env: Env): Client {
  const auth = createTokenManager({
    clientId: env.CLIENT_ID,
    clientSecret: env.CLIENT_SECRET,
    store: tokenStore(env.TOKENS),
    ...(env.AUTH_URL ? { authBaseUrl: env.AUTH_URL } : {}),
  });
  return createClient({ clientId: env.CLIENT_ID, auth, ...(env.HELIX_URL ? { baseUrl: env.HELIX_URL } : {}) });
}
