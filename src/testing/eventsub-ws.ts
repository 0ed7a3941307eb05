/**
 * The fake Twitch's EventSub WebSocket server, on msw's `ws` link: a welcome with a session id,
 * keepalives, the 4003 welcome window, 4001 on inbound data, and controls to emit events,
 * hand over with `session_reconnect`, go silent, revoke, close with a code and resend a frame.
 * Subscriptions live in the shared state (`state.eventSubSubscriptions`); the Helix fake creates
 * them, and should refuse a WebSocket transport whose `session_id` is not an open session
 * (see {@link eventsubSessions}).
 *
 * It also delivers conduit subscriptions over the conduit's shards, as Twitch's conduit guide
 * (dev.twitch.tv/docs/eventsub/handling-conduit-events, 2026) says, in my words:
 * - Twitch hashes the channel id to pick the shard a notification goes to ("Adding subscriptions").
 *   The fake hashes the subscription's channel (condition `broadcaster_user_id`, else
 *   `to_broadcaster_user_id`, `user_id`, the first condition value) with FNV-1a: one channel always
 *   lands on one shard, channels spread over shards, and every run repeats.
 * - A notification for a shard that is disabled is sent to one other shard; if that one is disabled
 *   too, it is dropped ("Failure scenarios"). The other shard is picked by hash as well, among all
 *   the others, enabled or not: so with two shards down, notifications are lost although enabled
 *   shards remain (twitch4j's conduit guide warns of the same). Drops are in `state.conduitDeliveries`.
 * - A webhook shard is disabled only after a long run of failures; a notification its callback
 *   fails is not resent to another shard ("Failure scenarios", note).
 * - When a shard is disabled (its WebSocket closed for any reason), `conduit.shard.disabled` goes to
 *   the client's subscriptions of that type (condition `client_id`, optionally `conduit_id`), with the
 *   shard's new status and transport (the subscription type's reference and example).
 * - Subscriptions stay enabled while shards are down; if every shard stays disabled for 72 hours Twitch
 *   deletes the conduit ("Handling disabled shards"; the fake does not).
 * - A new WebSocket must be attached to a shard within 10 s of its welcome or it is closed ("Assigning
 *   transports"); for plain WebSocket subscriptions the WebSocket guide says 10 s unless the connection
 *   asked otherwise. The fake gives both the keepalive the client asked for (default 10 s), then 4003.
 */
import { ws, type WebSocketHandler } from 'msw';
import {
  createState,
  isoTime,
  randomString,
  randomUuid,
  type ConduitDeliveryRecord,
  type ConduitShardRecord,
  type EventSubSubscriptionRecord,
  type EventSubTransportRecord,
  type TwitchState,
} from './state.js';
import { postWebhook, signedWebhook, webhooksSettled } from './webhook.js';

/** An open session as the Helix fake needs to see it. */
export interface FakeSessionRecord {
  id: string;
  /** `connected`, or `reconnecting` between `session_reconnect` and the new connection's welcome. */
  status: 'connected' | 'reconnecting';
  connected_at: string;
  keepalive_timeout_seconds: number;
}

const SESSIONS = 'eventsub.ws.sessions';

/** The open EventSub WebSocket sessions of a fake Twitch state, by session id. */
export function eventsubSessions(state: TwitchState): Map<string, FakeSessionRecord> {
  let sessions = state.extra.get(SESSIONS) as Map<string, FakeSessionRecord> | undefined;
  if (!sessions) state.extra.set(SESSIONS, (sessions = new Map()));
  return sessions;
}

/** Options of {@link eventsubWs}. */
export interface EventSubWsOptions {
  /** The URL to intercept. Default `wss://eventsub.wss.twitch.tv/ws`. */
  url?: string;
  /** Keepalive when the client asks for none, in seconds. Default 10. */
  keepaliveSeconds?: number;
  /** Close with 4003 when no subscription uses a new session within its keepalive time. Default true. */
  enforceWelcomeWindow?: boolean;
  /** Seconds a client has to reach `reconnect_url` before the old connection closes with 4004. Default 30. */
  reconnectGraceSeconds?: number;
}

/** A connection the fake accepted. */
export interface FakeConnection {
  url: string;
  /** When it opened, on the state's clock. */
  at: number;
  /** Set once closed: by whom and with which code. */
  closed?: { by: 'client' | 'server'; code: number };
}

/** A frame the fake sent, for assertions. */
export interface SentFrame {
  sessionId: string;
  /** msw's id of the connection it went to. */
  connectionId: string;
  messageType: string;
  messageId: string;
  text: string;
}

interface ClientHandle {
  readonly id: string;
  readonly url: URL;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

interface Conn {
  client: ClientHandle;
  record: FakeConnection;
  session?: Session;
  open: boolean;
  keepaliveTimer?: ReturnType<typeof setTimeout>;
}

interface Session {
  id: string;
  keepaliveSeconds: number;
  connectedAt: string;
  conn: Conn;
  /** The connection being replaced during a handover. */
  old?: Conn;
  reconnectId?: string;
  silentUntil: number;
  timers: Set<ReturnType<typeof setTimeout>>;
}

/** Controls of the fake EventSub WebSocket. */
export interface EventSubWsControls {
  /**
   * Sends a notification for every enabled subscription of `type` (narrowed by version or id)
   * whose WebSocket session or conduit shard is connected. Returns the frames sent.
   */
  emit(type: string, event: object, options?: { version?: string; subscriptionId?: string }): SentFrame[];
  /** Sends `session_reconnect`; the client should connect to `reconnect_url` within the grace time. */
  reconnect(sessionId?: string): void;
  /** Sends nothing (no keepalives, no notifications) on the session(s) for `ms`. */
  silence(ms: number, sessionId?: string): void;
  /** Revokes a subscription with a status (default `authorization_revoked`) and tells its session. */
  revoke(subscriptionId: string, status?: string): boolean;
  /** Closes the session(s) with a close code, as Twitch does on errors. */
  close(code: number, sessionId?: string): void;
  /** Sends a frame sent earlier once more (default: the last notification), as Twitch may. */
  duplicate(messageId?: string): SentFrame | undefined;
  /** Sends any text on the session(s): a malformed or unknown frame, say. */
  send(text: string | object, sessionId?: string): void;
  /**
   * Closes the next `count` connections right after they open, before any welcome, with `code`
   * (default 4000); with `code` 0 they stay open and silent, never welcomed.
   */
  refuse(count: number, code?: number): void;
  /** Open sessions. */
  sessions(): FakeSessionRecord[];
  /** Every frame sent so far, oldest first. */
  readonly sent: readonly SentFrame[];
  /** Data frames clients sent (Twitch allows none; the fake closes with 4001). */
  readonly received: readonly string[];
  /** Every connection opened, oldest first: when (state clock), and how it closed. */
  readonly connections: readonly FakeConnection[];
  /**
   * Takes an enabled conduit shard down: a WebSocket shard's connection is closed with `code`
   * (default 4006, network error), a webhook shard gets `status` (default
   * `notification_failures_exceeded`). `conduit.shard.disabled` follows. Returns whether a shard was enabled.
   */
  disableShard(conduitId: string, shardId: string | number, options?: { code?: number; status?: string }): boolean;
  /** Resolves once every webhook request started so far (shard challenges, notifications) has been answered. */
  settled(): Promise<void>;
}

/** The fake EventSub WebSocket: msw handlers to install and controls to drive it. */
export interface FakeEventSubWs {
  /** Pass these to `setupServer(...)` / `setupWorker(...)` (or `server.use(...)`). */
  handlers: WebSocketHandler[];
  controls: EventSubWsControls;
  state: TwitchState;
}

const CLOSE_STATUS: Record<number, string> = {
  4000: 'websocket_internal_error',
  4001: 'websocket_received_inbound_traffic',
  4002: 'websocket_failed_ping_pong',
  4003: 'websocket_connection_unused',
  4004: 'websocket_failed_to_reconnect',
  4005: 'websocket_network_timeout',
  4006: 'websocket_network_error',
};

/** FNV-1a, 32 bits: a small stable hash, so the same channel always picks the same shard. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The channel a conduit subscription's notifications are hashed on. */
function channelOf(sub: EventSubSubscriptionRecord): string {
  const c = sub.condition;
  return c.broadcaster_user_id ?? c.to_broadcaster_user_id ?? c.user_id ?? Object.values(c)[0] ?? sub.id;
}

/** The shards tried for a channel's notification: the hashed one, then one other (see the file's notes). */
function candidates(shards: readonly ConduitShardRecord[], channel: string): ConduitShardRecord[] {
  const n = shards.length;
  if (n === 0) return [];
  const first = hash(channel) % n;
  if (n === 1) return [shards[first]!];
  return [shards[first]!, shards[(first + 1 + (hash(`${channel}#retry`) % (n - 1))) % n]!];
}

const publicTransport = (transport: EventSubTransportRecord) =>
  Object.fromEntries(Object.entries(transport).filter(([key]) => key !== 'secret'));

/** Builds the fake EventSub WebSocket on a (new or shared) fake Twitch state. */
export function eventsubWs(state: TwitchState = createState(), options: EventSubWsOptions = {}): FakeEventSubWs {
  const base = options.url ?? 'wss://eventsub.wss.twitch.tv/ws';
  const link = ws.link(base);
  const sessions = new Map<string, Session>();
  const records = eventsubSessions(state);
  const sent: SentFrame[] = [];
  const received: string[] = [];
  const connections: FakeConnection[] = [];
  let refusals: { count: number; code: number } = { count: 0, code: 4000 };

  const frame = (type: string, payload: object, extra: object = {}) => {
    const messageId = randomUuid(state);
    return {
      messageId,
      body: {
        metadata: { message_id: messageId, message_type: type, message_timestamp: isoTime(state.now()), ...extra },
        payload,
      },
    };
  };

  const sessionPayload = (session: Session, status: string, reconnectUrl: string | null) => ({
    session: {
      id: session.id,
      status,
      keepalive_timeout_seconds: reconnectUrl ? null : session.keepaliveSeconds,
      reconnect_url: reconnectUrl,
      connected_at: session.connectedAt,
    },
  });

  /** Sends on a connection unless the session is silenced; every frame restarts the keepalive clock. */
  function deliver(conn: Conn, type: string, text: string, messageId: string): SentFrame | undefined {
    const session = conn.session;
    if (!conn.open || !session) return undefined;
    if (state.now() < session.silentUntil) return undefined;
    conn.client.send(text);
    const record = { sessionId: session.id, connectionId: conn.client.id, messageType: type, messageId, text };
    sent.push(record);
    scheduleKeepalive(conn);
    return record;
  }

  function send(conn: Conn, type: string, payload: object, extra?: object): SentFrame | undefined {
    const { messageId, body } = frame(type, payload, extra);
    return deliver(conn, type, JSON.stringify(body), messageId);
  }

  function scheduleKeepalive(conn: Conn): void {
    clearTimeout(conn.keepaliveTimer);
    const session = conn.session;
    if (!conn.open || !session) return;
    conn.keepaliveTimer = setTimeout(() => {
      if (!conn.open) return;
      if (state.now() < session.silentUntil) return scheduleKeepalive(conn);
      send(conn, 'session_keepalive', {});
    }, session.keepaliveSeconds * 1000);
  }

  function used(session: Session): boolean {
    for (const sub of state.eventSubSubscriptions.values()) if (sub.transport.session_id === session.id) return true;
    for (const shards of state.shards.values()) for (const shard of shards) if (shard.transport.session_id === session.id) return true;
    return false;
  }

  function later(session: Session, ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      session.timers.delete(timer);
      fn();
    }, ms);
    session.timers.add(timer);
  }

  /** The session is over: its WebSocket subscriptions and its shards are disabled, as Twitch does. */
  function endSession(session: Session, code: number): void {
    if (!sessions.has(session.id)) return;
    sessions.delete(session.id);
    records.delete(session.id);
    for (const timer of session.timers) clearTimeout(timer);
    const status = CLOSE_STATUS[code] ?? 'websocket_disconnected';
    const at = isoTime(state.now());
    for (const sub of state.eventSubSubscriptions.values()) {
      if (sub.transport.method === 'websocket' && sub.transport.session_id === session.id && sub.status === 'enabled') {
        sub.status = status;
        sub.transport.disconnected_at = at;
      }
    }
    for (const [conduitId, shards] of state.shards) {
      for (const shard of shards) {
        if (shard.transport.method === 'websocket' && shard.transport.session_id === session.id) {
          const wasEnabled = shard.status === 'enabled';
          shard.status = status;
          shard.transport.disconnected_at = at;
          if (wasEnabled) shardDisabled(conduitId, shard);
        }
      }
    }
  }

  /** Tells the owner's `conduit.shard.disabled` subscriptions (all of the client, or of this conduit). */
  function shardDisabled(conduitId: string, shard: ConduitShardRecord): void {
    const owner = state.conduits.get(conduitId)?.client_id;
    const event = { conduit_id: conduitId, shard_id: shard.id, status: shard.status, transport: publicTransport(shard.transport) };
    for (const sub of [...state.eventSubSubscriptions.values()]) {
      const { client_id: clientId, conduit_id: only } = sub.condition;
      if (sub.type !== 'conduit.shard.disabled' || sub.status !== 'enabled' || sub.client_id !== owner || clientId !== owner) continue;
      if (only === undefined || only === conduitId) notify(sub, event);
    }
  }

  function closeConn(conn: Conn, code: number, reason = ''): void {
    if (!conn.open) return;
    conn.open = false;
    clearTimeout(conn.keepaliveTimer);
    conn.record.closed ??= { by: 'server', code };
    conn.client.close(code, reason);
  }

  function startSession(conn: Conn, keepaliveSeconds: number): void {
    const session: Session = {
      id: randomString(state, 28, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'),
      keepaliveSeconds,
      connectedAt: isoTime(state.now()),
      conn,
      silentUntil: 0,
      timers: new Set(),
    };
    conn.session = session;
    sessions.set(session.id, session);
    records.set(session.id, {
      id: session.id,
      status: 'connected',
      connected_at: session.connectedAt,
      keepalive_timeout_seconds: keepaliveSeconds,
    });
    send(conn, 'session_welcome', sessionPayload(session, 'connected', null));
    if (options.enforceWelcomeWindow ?? true) {
      later(session, keepaliveSeconds * 1000, () => {
        if (sessions.get(session.id) === session && session.conn === conn && !used(session)) {
          closeConn(conn, 4003, 'connection unused');
          endSession(session, 4003);
        }
      });
    }
  }

  function resumeSession(conn: Conn, session: Session): void {
    const old = session.conn;
    session.old = old;
    session.conn = conn;
    session.reconnectId = undefined;
    conn.session = session;
    const record = records.get(session.id);
    if (record) record.status = 'connected';
    send(conn, 'session_welcome', sessionPayload(session, 'connected', null));
    // Twitch drops the old connection shortly after the new one is welcomed, if the client has not.
    later(session, 1000, () => {
      if (old.open) closeConn(old, 1000, 'reconnected');
      session.old = undefined;
    });
  }

  const handler = link.addEventListener('connection', ({ client }) => {
    const record: FakeConnection = { url: client.url.href, at: state.now() };
    const conn: Conn = { client: client as unknown as ClientHandle, record, open: true };
    connections.push(record);
    client.addEventListener('message', (event) => {
      received.push(String(event.data));
      // Twitch allows no inbound data: 4001.
      const session = conn.session;
      closeConn(conn, 4001, 'client sent inbound traffic');
      if (session && session.conn === conn) endSession(session, 4001);
    });
    client.addEventListener('close', (event) => {
      const wasOpen = conn.open;
      conn.open = false;
      record.closed ??= { by: 'client', code: (event as CloseEvent).code };
      clearTimeout(conn.keepaliveTimer);
      const session = conn.session;
      if (!session || session.conn !== conn) return; // an old connection after a handover
      if (wasOpen || sessions.get(session.id) === session) endSession(session, (event as CloseEvent).code);
    });

    if (refusals.count > 0) {
      refusals.count--;
      if (refusals.code !== 0) closeConn(conn, refusals.code, 'refused');
      return;
    }
    const reconnectId = client.url.searchParams.get('reconnect_id');
    if (reconnectId !== null) {
      const session = [...sessions.values()].find((candidate) => candidate.reconnectId === reconnectId);
      if (!session) {
        closeConn(conn, 4007, 'invalid reconnect');
        return;
      }
      resumeSession(conn, session);
      return;
    }
    const asked = Number(client.url.searchParams.get('keepalive_timeout_seconds'));
    const keepalive = asked ? Math.min(600, Math.max(10, Math.round(asked))) : (options.keepaliveSeconds ?? 10);
    startSession(conn, keepalive);
  });

  const targets = (sessionId?: string): Session[] => {
    if (sessionId === undefined) return [...sessions.values()];
    const session = sessions.get(sessionId);
    return session ? [session] : [];
  };

  /** The open session of an enabled WebSocket shard, `webhook` for an enabled webhook shard, else nothing. */
  function takerOf(shard: ConduitShardRecord): Session | 'webhook' | undefined {
    if (shard.status !== 'enabled') return undefined;
    if (shard.transport.method === 'webhook') return 'webhook';
    return shard.transport.session_id ? sessions.get(shard.transport.session_id) : undefined;
  }

  /** Picks the shard for a conduit subscription's message: the shards tried and the one that can take it. */
  function pick(sub: EventSubSubscriptionRecord) {
    const tried: ConduitShardRecord[] = [];
    for (const shard of candidates(state.shards.get(sub.transport.conduit_id ?? '') ?? [], channelOf(sub))) {
      tried.push(shard);
      const taker = takerOf(shard);
      if (taker) return { tried, shard, taker };
    }
    return { tried };
  }

  /** Sends a message of a subscription where Twitch would: its session, or a shard of its conduit. */
  function dispatch(sub: EventSubSubscriptionRecord, messageType: 'notification' | 'revocation', payload: object): SentFrame | undefined {
    const extra = { subscription_type: sub.type, subscription_version: sub.version };
    if (sub.transport.method === 'websocket') {
      const session = sub.transport.session_id ? sessions.get(sub.transport.session_id) : undefined;
      return session && send(session.conn, messageType, payload, extra);
    }
    if (sub.transport.method !== 'conduit') return undefined;
    const { tried, shard, taker } = pick(sub);
    const record: ConduitDeliveryRecord = {
      conduit_id: sub.transport.conduit_id!,
      subscription_id: sub.id,
      type: sub.type,
      channel: channelOf(sub),
      tried: tried.map((t) => t.id),
      dropped: !shard,
    };
    if (messageType === 'notification') state.conduitDeliveries.push(record);
    if (!shard) return undefined;
    record.shard_id = shard.id;
    if (taker !== 'webhook') {
      const frameSent = send(taker!.conn, messageType, payload, extra);
      if (frameSent) record.message_id = frameSent.messageId;
      return frameSent;
    }
    // With no webhook sink nothing goes out (and no id is drawn, so later ids stay as they were).
    if (!state.webhook) return undefined;
    const { callback, secret } = shard.transport;
    const messageId = (record.message_id = randomUuid(state));
    const timestamp = isoTime(state.now());
    const headers = { 'Twitch-Eventsub-Subscription-Type': sub.type, 'Twitch-Eventsub-Subscription-Version': sub.version };
    postWebhook(
      state,
      () => signedWebhook(callback!, { secret: secret ?? '', messageType, messageId, timestamp, body: JSON.stringify(payload), headers }),
      (response) => {
        if (!response?.ok) record.failed = true;
      },
    );
    return undefined;
  }

  /** A notification for one subscription; the frame, when one went out on a WebSocket. */
  const notify = (sub: EventSubSubscriptionRecord, event: object) => dispatch(sub, 'notification', { subscription: publicSubscription(sub), event });

  const publicSubscription = (sub: EventSubSubscriptionRecord) => ({
    id: sub.id,
    status: sub.status,
    type: sub.type,
    version: sub.version,
    condition: sub.condition,
    transport: publicTransport(sub.transport),
    created_at: sub.created_at,
    cost: sub.cost,
  });

  const controls: EventSubWsControls = {
    emit(type, event, { version, subscriptionId } = {}) {
      const out: SentFrame[] = [];
      for (const sub of state.eventSubSubscriptions.values()) {
        if (sub.type !== type || sub.status !== 'enabled') continue;
        if (version !== undefined && sub.version !== version) continue;
        if (subscriptionId !== undefined && sub.id !== subscriptionId) continue;
        const frameSent = notify(sub, event);
        if (frameSent) out.push(frameSent);
      }
      return out;
    },
    reconnect(sessionId) {
      for (const session of targets(sessionId)) {
        if (session.reconnectId) continue;
        session.reconnectId = randomString(state, 16);
        const url = new URL(base);
        url.searchParams.set('reconnect_id', session.reconnectId);
        const record = records.get(session.id);
        if (record) record.status = 'reconnecting';
        const conn = session.conn;
        send(conn, 'session_reconnect', sessionPayload(session, 'reconnecting', url.href));
        later(session, (options.reconnectGraceSeconds ?? 30) * 1000, () => {
          if (session.conn === conn && session.reconnectId) {
            closeConn(conn, 4004, 'reconnect grace time expired');
            endSession(session, 4004);
          }
        });
      }
    },
    silence(ms, sessionId) {
      for (const session of targets(sessionId)) session.silentUntil = state.now() + ms;
    },
    revoke(subscriptionId, status = 'authorization_revoked') {
      const sub = state.eventSubSubscriptions.get(subscriptionId);
      if (!sub) return false;
      sub.status = status;
      dispatch(sub, 'revocation', { subscription: publicSubscription(sub) });
      state.eventSubSubscriptions.delete(subscriptionId);
      return true;
    },
    close(code, sessionId) {
      for (const session of targets(sessionId)) {
        if (session.old) closeConn(session.old, code);
        closeConn(session.conn, code, CLOSE_STATUS[code] ?? '');
        endSession(session, code);
      }
    },
    duplicate(messageId) {
      const original = [...sent].reverse().find((item) => (messageId ? item.messageId === messageId : item.messageType === 'notification'));
      if (!original) return undefined;
      const session = sessions.get(original.sessionId);
      return session ? deliver(session.conn, original.messageType, original.text, original.messageId) : undefined;
    },
    send(text, sessionId) {
      const body = typeof text === 'string' ? text : JSON.stringify(text);
      for (const session of targets(sessionId)) deliver(session.conn, 'raw', body, '');
    },
    refuse(count, code = 4000) {
      refusals = { count, code };
    },
    sessions: () => [...records.values()].map((record) => ({ ...record })),
    sent,
    received,
    connections,
    disableShard(conduitId, shardId, { code = 4006, status = 'notification_failures_exceeded' } = {}) {
      const shard = state.shards.get(conduitId)?.find((candidate) => candidate.id === String(shardId));
      if (!shard || shard.status !== 'enabled') return false;
      const websocket = shard.transport.method === 'websocket';
      const session = websocket && shard.transport.session_id ? sessions.get(shard.transport.session_id) : undefined;
      if (session) {
        controls.close(code, session.id);
        return true;
      }
      shard.status = websocket ? (CLOSE_STATUS[code] ?? 'websocket_disconnected') : status;
      if (websocket) shard.transport.disconnected_at = isoTime(state.now());
      shardDisabled(conduitId, shard);
      return true;
    },
    settled: () => webhooksSettled(state),
  };

  return { handlers: [handler], controls, state };
}
