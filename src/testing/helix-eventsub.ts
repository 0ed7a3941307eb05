/**
 * Fake Helix routes for EventSub subscriptions (webhook, WebSocket and conduit transports),
 * conduits and conduit shards.
 *
 * Conduit rules kept here, with their sources ("guide": dev.twitch.tv/docs/eventsub/handling-conduit-events,
 * "reference": dev.twitch.tv/docs/api/reference, both as of 2026):
 * - Shard ids run from 0 to shard_count - 1 (guide, "Creating a conduit"; reference, update-conduit-shards).
 * - A client has at most 5 enabled conduits and a conduit 1 to 20,000 shards (guide, "Limits"); past the
 *   conduit limit create-conduits answers 429, a bad count 400 (reference, create-conduits).
 * - Lowering shard_count removes the shards from the new count up (reference, update-conduits; the guide
 *   says they are disabled). twitchdev/issues#914 reports Twitch once keeping them listed: a bug report,
 *   so the fake follows the reference.
 * - update-conduit-shards takes at most 100 shards (reference, since 2026-06-18) and reports each shard it
 *   could not update in `errors`: a bad secret length, a callback that is not https on port 443, a bad
 *   method, a missing callback or session_id, a session that is not connected, an id outside the conduit
 *   (reference, the `errors[].message` list). Every code seen in practice is `invalid_parameter`
 *   (twitchdev/issues#1198, 2026-08).
 * - A webhook shard starts `webhook_callback_verification_pending`; Twitch posts it a challenge
 *   `{ challenge, conduit_shard: { conduit_id, shard } }` and enables it when the callback answers 200
 *   with the raw challenge (guide, "Assigning transports" and "Verifying a conduit").
 * - Deleting a conduit disables its subscriptions (guide, "Adding subscriptions"); they are listed with
 *   status `conduit_deleted` (reference, get-eventsub-subscriptions status filter).
 */
import { badRequest, conflict, HelixFault, forbidden, notFound, paginate, param, required, type HelixContext, type RouteHandler } from './helix-context.js';
import { eventsubSessions } from './eventsub-ws.js';
import {
  isoTime,
  randomString,
  randomUuid,
  type ConduitRecord,
  type ConduitShardRecord,
  type EventSubSubscriptionRecord,
  type EventSubTransportRecord,
  type TwitchState,
} from './state.js';
import { postWebhook, signedWebhook } from './webhook.js';

/** Twitch's caps on the summed cost of subscriptions: per client (app token), per user (WebSocket). */
const MAX_APP_COST = 10_000;
const MAX_WEBSOCKET_COST = 10;
/** Shards one update-conduit-shards request may carry (since 2026-06-18). */
const MAX_SHARDS_PER_UPDATE = 100;
/** Versions Twitch removed: creating one answers 410 (channel.follow v1 went in 2023). */
const REMOVED = new Set(['channel.follow@1']);

function publicTransport(transport: EventSubTransportRecord): EventSubTransportRecord {
  const { secret: _secret, ...shown } = transport;
  return shown;
}

function publicSubscription(sub: EventSubSubscriptionRecord) {
  const { client_id: _client, user_id: _user, ...shown } = sub;
  return { ...shown, transport: publicTransport(sub.transport) };
}

/**
 * The subscriptions a token sees: a user token its own WebSocket subscriptions, an app token
 * its client's webhook and conduit subscriptions.
 */
function subscriptionsOf(ctx: HelixContext): EventSubSubscriptionRecord[] {
  const asUser = ctx.token.type === 'user';
  return [...ctx.state.eventSubSubscriptions.values()].filter(
    (s) =>
      s.client_id === ctx.token.clientId &&
      (asUser ? s.transport.method === 'websocket' && s.user_id === ctx.token.userId : s.transport.method !== 'websocket'),
  );
}

function totals(ctx: HelixContext) {
  const mine = subscriptionsOf(ctx);
  return {
    total: mine.length,
    total_cost: mine.reduce((sum, s) => sum + s.cost, 0),
    max_total_cost: ctx.token.type === 'user' ? MAX_WEBSOCKET_COST : MAX_APP_COST,
  };
}

/** The open WebSocket session with this id (from the EventSub fake), else a 400. */
function openSession(ctx: HelixContext, sessionId: string) {
  const session = eventsubSessions(ctx.state).get(sessionId);
  if (!session) throw badRequest('The WebSocket session does not exist or has disconnected');
  return session;
}

function readTransport(ctx: HelixContext): EventSubTransportRecord {
  const raw = ctx.body.transport as Record<string, unknown> | undefined;
  const method = raw?.method;
  const text = (key: string) => (typeof raw?.[key] === 'string' && raw[key] !== '' ? (raw[key] as string) : undefined);
  if (method === 'webhook') {
    // Twitch answers 400 (not 403) when a webhook subscription is made with a user token.
    if (ctx.token.type !== 'app') throw badRequest('Webhook subscriptions need an app access token');
    const callback = text('callback');
    const secret = text('secret');
    if (!callback || !callback.startsWith('https://')) throw badRequest('transport.callback must be an https URL');
    if (!secret || secret.length < 10 || secret.length > 100) throw badRequest('transport.secret must be 10 to 100 characters');
    return { method, callback, secret };
  }
  if (method === 'websocket') {
    if (ctx.token.type !== 'user') throw forbidden('WebSocket subscriptions need a user access token');
    const sessionId = text('session_id');
    if (!sessionId) throw badRequest('transport.session_id is required');
    return { method, session_id: sessionId, connected_at: openSession(ctx, sessionId).connected_at };
  }
  if (method === 'conduit') {
    if (ctx.token.type !== 'app') throw forbidden('Conduit subscriptions need an app access token');
    const conduitId = text('conduit_id');
    const conduit = conduitId ? ctx.state.conduits.get(conduitId) : undefined;
    if (!conduit || conduit.client_id !== ctx.token.clientId) throw badRequest('transport.conduit_id names no conduit of this client');
    return { method, conduit_id: conduit.id };
  }
  throw badRequest('transport.method must be webhook, websocket or conduit');
}

/** A subscription costs nothing when a user it names has authorized this client (Twitch's rule, simplified). */
function costOf(ctx: HelixContext, condition: Record<string, string>): number {
  const named = Object.entries(condition)
    .filter(([key]) => key.endsWith('user_id') || key === 'broadcaster_id')
    .map(([, value]) => value);
  const authorized = [...ctx.state.tokens.values()].some(
    (t) => t.clientId === ctx.token.clientId && t.userId !== undefined && named.includes(t.userId),
  );
  return authorized ? 0 : 1;
}

function conduitOf(ctx: HelixContext, id: string): ConduitRecord {
  const conduit = ctx.state.conduits.get(id);
  if (!conduit || conduit.client_id !== ctx.token.clientId) throw notFound('No conduit with that ID');
  return conduit;
}

/** Grows or shrinks a conduit's shard list; new shards wait, disabled, for a transport. */
function resizeShards(ctx: HelixContext, conduit: ConduitRecord): void {
  const shards = ctx.state.shards.get(conduit.id) ?? [];
  while (shards.length < conduit.shard_count) {
    shards.push({ id: String(shards.length), status: 'websocket_disconnected', transport: { method: 'websocket', session_id: '' } });
  }
  shards.length = conduit.shard_count;
  ctx.state.shards.set(conduit.id, shards);
}

/** A shard as Get Conduit Shards shows it (no secret, no bookkeeping). */
function publicShard(shard: ConduitShardRecord) {
  return { id: shard.id, status: shard.status, transport: publicTransport(shard.transport) };
}

/** The transport an update asks for, or why it cannot be used (a message for `errors`). */
function shardTransport(ctx: HelixContext, raw: unknown, shard: ConduitShardRecord): EventSubTransportRecord | string {
  const t = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const text = (key: string) => (typeof t[key] === 'string' ? (t[key] as string) : '');
  if (t.method === 'websocket') {
    const sessionId = text('session_id');
    if (!sessionId) return 'transport.session_id is required with the websocket method';
    const session = eventsubSessions(ctx.state).get(sessionId);
    if (!session) return 'The WebSocket session is not connected';
    // Not in Twitch's list: the fake refuses one session for two shards, so a double attach shows up in tests.
    for (const shards of ctx.state.shards.values()) {
      if (shards.some((other) => other !== shard && other.status === 'enabled' && other.transport.session_id === sessionId)) {
        return 'The WebSocket session already serves another shard';
      }
    }
    return { method: 'websocket', session_id: sessionId, connected_at: session.connected_at };
  }
  if (t.method === 'webhook') {
    const callback = text('callback');
    if (!callback) return 'transport.callback is required with the webhook method';
    let url: URL | undefined;
    try {
      url = new URL(callback);
    } catch {
      // refused below
    }
    if (url?.protocol !== 'https:' || (url.port !== '' && url.port !== '443')) return 'transport.callback must be an https URL on port 443';
    const secret = text('secret');
    if (secret.length < 10 || secret.length > 100 || !/^[\x20-\x7e]*$/.test(secret)) return 'transport.secret must be 10 to 100 ASCII characters';
    return { method: 'webhook', callback, secret };
  }
  return 'transport.method must be webhook or websocket';
}

/**
 * Verifies a webhook shard: with a webhook sink, posts Twitch's challenge and enables the shard
 * when the answer is 200 with the raw challenge (else `webhook_callback_verification_failed`);
 * with none, the callback cannot be reached and counts as verified.
 */
function verifyShard(state: TwitchState, conduit: ConduitRecord, shard: ConduitShardRecord): void {
  const transport = shard.transport;
  if (!state.webhook) {
    shard.status = 'enabled';
    return;
  }
  const challenge = randomString(state, 32);
  const messageId = randomUuid(state);
  const timestamp = isoTime(state.now());
  const body = JSON.stringify({ challenge, conduit_shard: { conduit_id: conduit.id, shard: shard.id } });
  postWebhook(
    state,
    () => signedWebhook(transport.callback!, { secret: transport.secret!, messageType: 'webhook_callback_verification', messageId, timestamp, body }),
    async (response) => {
      if (shard.transport !== transport) return; // pointed elsewhere meanwhile
      const answered = response?.status === 200 ? await response.text() : undefined;
      shard.status = answered === challenge ? 'enabled' : 'webhook_callback_verification_failed';
    },
  );
}

function shardCount(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 20_000) {
    throw badRequest('shard_count must be a whole number from 1 to 20000');
  }
  return value;
}

export const eventSubRoutes: Record<string, RouteHandler> = {
  'create-eventsub-subscription'(ctx) {
    const type = required(ctx, 'type');
    const version = required(ctx, 'version');
    const rawCondition = ctx.body.condition;
    if (typeof rawCondition !== 'object' || rawCondition === null || Array.isArray(rawCondition)) {
      throw badRequest('condition must be an object');
    }
    if (REMOVED.has(`${type}@${version}`)) throw new HelixFault(410, 'That type and version were removed');
    const condition = Object.fromEntries(Object.entries(rawCondition).map(([k, v]) => [k, String(v)]));
    const transport = readTransport(ctx);
    const same = subscriptionsOf(ctx).find(
      (s) =>
        s.type === type &&
        s.version === version &&
        JSON.stringify(s.condition) === JSON.stringify(condition) &&
        s.transport.method === transport.method &&
        (s.transport.callback ?? s.transport.session_id ?? s.transport.conduit_id) ===
          (transport.callback ?? transport.session_id ?? transport.conduit_id),
    );
    if (same) throw conflict('subscription already exists');
    if (transport.method === 'websocket') {
      const onSession = subscriptionsOf(ctx).filter((s) => s.transport.session_id === transport.session_id);
      if (onSession.length >= 300) throw new HelixFault(429, 'A WebSocket session holds at most 300 subscriptions');
    }
    const sub: EventSubSubscriptionRecord = {
      id: randomUuid(ctx.state),
      status: transport.method === 'webhook' ? 'webhook_callback_verification_pending' : 'enabled',
      type,
      version,
      condition,
      created_at: isoTime(ctx.state.now()),
      transport,
      cost: costOf(ctx, condition),
      client_id: ctx.token.clientId,
      ...(ctx.token.userId ? { user_id: ctx.token.userId } : {}),
    };
    const { total_cost, max_total_cost } = totals(ctx);
    if (total_cost + sub.cost > max_total_cost) throw new HelixFault(429, 'The subscription cost limit is reached');
    ctx.state.eventSubSubscriptions.set(sub.id, sub);
    return { data: [publicSubscription(sub)], ...totals(ctx) };
  },

  'get-eventsub-subscriptions'(ctx) {
    const status = param(ctx, 'status');
    const type = param(ctx, 'type');
    const userId = param(ctx, 'user_id');
    const id = param(ctx, 'subscription_id');
    const conduitId = param(ctx, 'conduit_id');
    const filters = [status, type, userId, id, conduitId].filter((f) => f !== undefined).length;
    if (filters > 1) throw badRequest('Use at most one of status, type, user_id, subscription_id and conduit_id');
    const subs = subscriptionsOf(ctx)
      .filter(
        (s) =>
          (status === undefined || s.status === status) &&
          (type === undefined || s.type === type) &&
          (id === undefined || s.id === id) &&
          (conduitId === undefined || s.transport.conduit_id === conduitId) &&
          (userId === undefined || Object.values(s.condition).includes(userId)),
      )
      .map(publicSubscription);
    return { ...paginate(ctx, subs, { defaultFirst: 100 }), ...totals(ctx) };
  },

  'delete-eventsub-subscription'(ctx) {
    const id = required(ctx, 'id');
    const sub = subscriptionsOf(ctx).find((s) => s.id === id);
    if (!sub) throw notFound('No subscription with that ID');
    ctx.state.eventSubSubscriptions.delete(id);
    return undefined;
  },

  'get-conduits'(ctx) {
    const data = [...ctx.state.conduits.values()]
      .filter((c) => c.client_id === ctx.token.clientId)
      .map((c) => ({ id: c.id, shard_count: c.shard_count }));
    return { data };
  },

  'create-conduits'(ctx) {
    const mine = [...ctx.state.conduits.values()].filter((c) => c.client_id === ctx.token.clientId);
    if (mine.length >= 5) throw new HelixFault(429, 'A client may have at most 5 conduits');
    const conduit: ConduitRecord = { id: randomUuid(ctx.state), shard_count: shardCount(ctx.body.shard_count), client_id: ctx.token.clientId };
    ctx.state.conduits.set(conduit.id, conduit);
    resizeShards(ctx, conduit);
    return { data: [{ id: conduit.id, shard_count: conduit.shard_count }] };
  },

  'update-conduits'(ctx) {
    const conduit = conduitOf(ctx, required(ctx, 'id'));
    conduit.shard_count = shardCount(ctx.body.shard_count);
    resizeShards(ctx, conduit);
    return { data: [{ id: conduit.id, shard_count: conduit.shard_count }] };
  },

  'delete-conduit'(ctx) {
    const conduit = conduitOf(ctx, required(ctx, 'id'));
    ctx.state.conduits.delete(conduit.id);
    ctx.state.shards.delete(conduit.id);
    // Its subscriptions stay listed, disabled, with the status Twitch gives them.
    for (const sub of ctx.state.eventSubSubscriptions.values()) {
      if (sub.transport.conduit_id === conduit.id) sub.status = 'conduit_deleted';
    }
    return undefined;
  },

  'get-conduit-shards'(ctx) {
    const conduit = conduitOf(ctx, required(ctx, 'conduit_id'));
    const status = param(ctx, 'status');
    const shards = (ctx.state.shards.get(conduit.id) ?? []).filter((s) => status === undefined || s.status === status).map(publicShard);
    return paginate(ctx, shards, { defaultFirst: 100, max: 1000 });
  },

  'update-conduit-shards'(ctx) {
    const conduit = conduitOf(ctx, required(ctx, 'conduit_id'));
    const shards = ctx.state.shards.get(conduit.id) ?? [];
    const updates = ctx.body.shards;
    if (!Array.isArray(updates)) throw badRequest('Missing required parameter "shards"');
    if (updates.length > MAX_SHARDS_PER_UPDATE) throw badRequest(`At most ${MAX_SHARDS_PER_UPDATE} shards per request`);
    const data = [];
    const errors = [];
    for (const update of updates as { id?: unknown; transport?: unknown }[]) {
      const id = String(update?.id ?? '');
      const shard = /^(0|[1-9]\d*)$/.test(id) ? shards[Number(id)] : undefined;
      const transport = shard ? shardTransport(ctx, update?.transport, shard) : "The shard id is outside the conduit's range";
      if (!shard || typeof transport === 'string') {
        errors.push({ id, message: transport as string, code: 'invalid_parameter' });
        continue;
      }
      shard.transport = transport;
      shard.status = transport.method === 'websocket' ? 'enabled' : 'webhook_callback_verification_pending';
      if (transport.method === 'webhook') verifyShard(ctx.state, conduit, shard);
      data.push(publicShard(shard));
    }
    return { data, errors };
  },
};
