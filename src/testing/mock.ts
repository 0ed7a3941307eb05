/**
 * `createMockTwitch`: the whole fake Twitch in one call, for users' own tests. It wires the
 * seeded state, every Helix operation, the OAuth endpoints and the EventSub WebSocket into one
 * list of msw handlers, and hands back the controls a test needs to play a stream: emit events,
 * force a reconnect handover, go silent, revoke, close, rate-limit.
 * @see https://dev.twitch.tv/docs/eventsub/handling-websocket-events/
 */
import { getResponse, http, type HttpHandler, type WebSocketHandler } from 'msw';
import type { EventOf, EventSubTypeName } from '../eventsub/messages.js';
import { eventsubWs, type EventSubWsControls, type SentFrame } from './eventsub-ws.js';
import { helixHandlers } from './helix.js';
import { chatIrc, type FakeChatIrc } from './irc.js';
import { oauthFake, oauthHandlers, type OAuthFake } from './oauth.js';
import {
  createState,
  isoTime,
  randomUuid,
  setRateLimit,
  type ResponseShapes,
  type SeededUsers,
  type TwitchState,
  type UserRecord,
  type WebhookSink,
} from './state.js';

/** Options of {@link createMockTwitch}. */
export interface MockTwitchOptions {
  /** Seed of the fake's data: the same seed gives the same ids and tokens. Default 1. */
  seed?: number;
  /** A client id to use instead of a generated one. */
  clientId?: string;
  /** Clock in epoch milliseconds. Default `Date.now`, read at each call (fake timers apply). */
  now?: () => number;
  /** Helix base URL the handlers answer on. Default `https://api.twitch.tv/helix/`. */
  helixUrl?: string;
  /** OAuth base URL the handlers answer on. Default `https://id.twitch.tv/oauth2/`. */
  authUrl?: string;
  /** EventSub WebSocket URL the handler answers on (and puts in `reconnect_url`). Default `wss://eventsub.wss.twitch.tv/ws`. */
  eventsubUrl?: string;
  /** Keepalive in seconds when a client asks for none. Default 10. */
  keepaliveSeconds?: number;
  /** IRC chat WebSocket URL the handler answers on. Default `wss://irc-ws.chat.twitch.tv:443`. */
  chatUrl?: string;
  /**
   * How Helix answers are shaped. `'observed'` (default) answers the way Twitch was seen to (the
   * evidence corpus): null where Twitch sends null (a pending unban request's resolution, a stream
   * without tags, a team without images, `data` of a search that found nothing or of a broadcaster
   * in no team), fields left out where Twitch leaves them out (a running poll's `ended_at`), a
   * marker's link spelled `URL` as in Twitch's example. The same state always gives the same answer.
   * `'documented'` gives the tidy shapes of Twitch's reference instead: `[]` and `''` for nothing,
   * every field present, one spelling.
   */
  shapes?: ResponseShapes;
  /**
   * Where webhook conduit shards' challenges and notifications go, signed as Twitch signs them:
   * e.g. your `createWebhookHandler(…)`, or `fetch`. Unset, nothing is sent: webhook shards count as
   * verified and what they take is only recorded in `state.conduitDeliveries`. Also `state.webhook`.
   */
  webhook?: WebhookSink;
}

/** Tokens the fake already knows, ready to hand to `createClient({ auth })`. */
export interface MockTokens {
  /** An app access token of `clientId`. */
  app: string;
  /** A user access token of the broadcaster (`users.broadcaster`), holding every scope. */
  user: string;
  /** A user access token of the broadcaster's moderator, holding every scope. */
  moderator: string;
}

/** Who sends a scripted chat message, follow or cheer: a seeded user's id or login. Default a crowd member. */
export interface FromOption {
  from?: string;
}

/** The fake Twitch: msw handlers, its state and the controls a test drives it with. */
export interface MockTwitch {
  /** Give these to `setupServer(...)` (Node) or `setupWorker(...)` (browser). */
  handlers: Array<HttpHandler | WebSocketHandler>;
  /** Everything the fake knows; tests may read and change it. */
  state: TwitchState;
  /** The client id the fake accepts. */
  clientId: string;
  /** The client secret the fake accepts (for the code and client-credentials grants). */
  clientSecret: string;
  tokens: MockTokens;
  /** Ids of the seeded users: `broadcaster`, `moderator`, `viewer`, `other`, `crowd`. */
  users: SeededUsers;
  /** The OAuth side's knobs: approve a device login, deny the authorize page, sign id tokens. */
  oauth: OAuthFake;
  /** Lower-level EventSub controls: every frame sent, duplicates, refusals, raw frames, conduit shards taken down. */
  eventsub: EventSubWsControls;
  /** The IRC chat (for `ChatClient`): Twitch's RECONNECT, lines clients sent. */
  irc: Pick<FakeChatIrc, 'reconnect' | 'received'>;
  /**
   * Sends a notification of `type` to every enabled subscription of that type whose condition fits
   * the event: on its WebSocket, or on one shard of its conduit, picked as Twitch does (see
   * `state.conduitDeliveries`). Returns how many WebSocket frames went out (0 when nobody subscribed).
   */
  emit<T extends EventSubTypeName>(type: T, event: EventOf<T>, options?: { version?: string; subscriptionId?: string }): number;
  /** Sends `session_reconnect`: clients should move to the new URL without losing anything. */
  reconnect(sessionId?: string): void;
  /** Sends nothing, not even keepalives, for `ms` milliseconds. */
  silence(ms: number, sessionId?: string): void;
  /** Revokes a subscription (default status `authorization_revoked`) and tells its session. */
  revoke(subscriptionId: string, status?: string): boolean;
  /** Closes the EventSub connection(s) with a close code (4000-4007 as Twitch uses them). */
  close(code: number, sessionId?: string): void;
  /**
   * Leaves `remaining` requests in every token's rate-limit bucket and stops its refill: after
   * them Helix answers 429 until the bucket is full again (`resetIn` ms, default one minute), as
   * if another program had spent the token's points. Otherwise buckets refill continuously, 800
   * points a minute, as Twitch's do.
   */
  rateLimit(remaining: number, options?: { resetIn?: number; token?: string }): void;
  /** A viewer follows the broadcaster: emits `channel.follow` (v2) and records the follower. */
  follow(options?: FromOption): number;
  /** A viewer writes in the broadcaster's chat: emits `channel.chat.message` (v1) and a PRIVMSG to IRC clients. */
  chat(text: string, options?: FromOption): number;
  /** A viewer cheers: emits `channel.cheer` (v1). */
  cheer(bits: number, options?: FromOption & { message?: string }): number;
}

const CHAT_PATH = 'chat/messages';

/**
 * Creates an in-memory fake Twitch for tests: msw handlers for every Helix operation, the OAuth
 * endpoints and the EventSub WebSocket, sharing one seeded state, plus controls.
 * @see https://dev.twitch.tv/docs/api/reference/
 */
export function createMockTwitch(options: MockTwitchOptions = {}): MockTwitch {
  const state = createState({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.shapes === undefined ? {} : { shapes: options.shapes }),
    ...(options.webhook === undefined ? {} : { webhook: options.webhook }),
  });
  let helixUrl = options.helixUrl ?? 'https://api.twitch.tv/helix/';
  if (!helixUrl.endsWith('/')) helixUrl += '/';
  const helix = helixHandlers(state, { baseUrl: helixUrl });
  const oauth = oauthHandlers(state, { authBaseUrl: options.authUrl ?? 'https://id.twitch.tv/oauth2/' });
  const socket = eventsubWs(state, {
    ...(options.eventsubUrl === undefined ? {} : { url: options.eventsubUrl }),
    ...(options.keepaliveSeconds === undefined ? {} : { keepaliveSeconds: options.keepaliveSeconds }),
  });
  const controls = socket.controls;
  const b = state.ids.broadcaster;
  const broadcaster = state.users.get(b)!;
  let crowdTurn = 0;

  /**
   * Sends to the subscriptions whose condition fits the event, as Twitch does: every condition
   * field the event also carries (e.g. `broadcaster_user_id`) must hold the same value.
   */
  const deliver = (type: string, event: object, { version, subscriptionId }: { version?: string; subscriptionId?: string } = {}): SentFrame[] => {
    const fields = event as Record<string, unknown>;
    const out: SentFrame[] = [];
    for (const sub of [...state.eventSubSubscriptions.values()]) {
      if (sub.type !== type || (subscriptionId !== undefined && sub.id !== subscriptionId)) continue;
      const fits = Object.entries(sub.condition).every(([key, value]) => typeof fields[key] !== 'string' || fields[key] === value);
      if (fits) out.push(...controls.emit(type, event, { subscriptionId: sub.id, ...(version === undefined ? {} : { version }) }));
    }
    return out;
  };
  const emit: MockTwitch['emit'] = (type, event, emitOptions) => deliver(type, event as object, emitOptions).length;

  /** A seeded user by id or login; the next crowd member when none is named. */
  const userOf = (from: string | undefined): UserRecord => {
    if (from === undefined) {
      const id = state.ids.crowd[crowdTurn++ % state.ids.crowd.length]!;
      return state.users.get(id)!;
    }
    const user = state.users.get(from) ?? [...state.users.values()].find((u) => u.login === from.toLowerCase());
    if (!user) throw new Error(`the fake Twitch has no user "${from}"`);
    return user;
  };
  const broadcasterFields = {
    broadcaster_user_id: broadcaster.id,
    broadcaster_user_login: broadcaster.login,
    broadcaster_user_name: broadcaster.display_name,
  };

  /** Emits a chat message from `user` in `channel` (as Twitch echoes messages sent over Helix too). */
  const chatFrom = (user: UserRecord, text: string, channel: UserRecord = broadcaster, messageId = randomUuid(state)): SentFrame[] =>
    deliver('channel.chat.message', {
      broadcaster_user_id: channel.id,
      broadcaster_user_login: channel.login,
      broadcaster_user_name: channel.display_name,
      chatter_user_id: user.id,
      chatter_user_login: user.login,
      chatter_user_name: user.display_name,
      message_id: messageId,
      message: { text, fragments: [{ type: 'text', text, cheermote: null, emote: null, mention: null }] },
      message_type: 'text',
      badges: user.id === channel.id ? [{ set_id: 'broadcaster', id: '1', info: '' }] : [],
      cheer: null,
      color: state.chatColors.get(user.id) ?? '#1E90FF',
      reply: null,
      channel_points_custom_reward_id: null,
      source_broadcaster_user_id: null,
      source_broadcaster_user_login: null,
      source_broadcaster_user_name: null,
      source_message_id: null,
      source_badges: null,
      is_source_only: null,
    });

  // Chat written over IRC reaches EventSub; chat from anywhere else reaches both.
  const irc = chatIrc(state, {
    ...(options.chatUrl === undefined ? {} : { url: options.chatUrl }),
    onMessage: ({ channel, sender, text, id }) => chatFrom(sender, text, channel, id),
  });
  const chatEverywhere = (user: UserRecord, text: string, channel: UserRecord = broadcaster, messageId = randomUuid(state)) => {
    irc.deliver(channel, user, text, messageId);
    return chatFrom(user, text, channel, messageId);
  };

  // Sending a chat message over Helix shows up in chat, as on Twitch: answer with the Helix
  // fake, then echo what it stored to EventSub and IRC.
  const chatEcho = http.post(`${helixUrl}${CHAT_PATH}`, async ({ request }) => {
    const before = state.chatMessages.length;
    const response = await getResponse(helix, request);
    for (const record of state.chatMessages.slice(before)) {
      const sender = state.users.get(record.sender_id);
      const channel = state.users.get(record.broadcaster_id);
      if (sender && channel) chatEverywhere(sender, record.message, channel, record.message_id);
    }
    return response ?? new Response(null, { status: 500 });
  });

  return {
    handlers: [chatEcho, ...helix, ...oauth, ...socket.handlers, ...irc.handlers],
    state,
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    tokens: { app: state.appToken, user: state.userToken, moderator: state.moderatorToken },
    users: state.ids,
    oauth: oauthFake(state),
    eventsub: controls,
    irc: { reconnect: irc.reconnect, received: irc.received },
    emit,
    reconnect: (sessionId) => controls.reconnect(sessionId),
    silence: (ms, sessionId) => controls.silence(ms, sessionId),
    revoke: (subscriptionId, status) => controls.revoke(subscriptionId, status),
    close: (code, sessionId) => controls.close(code, sessionId),
    rateLimit(remaining, { resetIn, token } = {}) {
      setRateLimit(state, { remaining, ...(resetIn === undefined ? {} : { resetIn }), ...(token === undefined ? {} : { token }) });
    },
    follow({ from } = {}) {
      const user = userOf(from);
      const followedAt = isoTime(state.now());
      if (!state.followers.some((f) => f.broadcaster_id === b && f.user_id === user.id)) {
        state.followers.push({ broadcaster_id: b, user_id: user.id, since: followedAt });
      }
      return emit('channel.follow', {
        user_id: user.id,
        user_login: user.login,
        user_name: user.display_name,
        ...broadcasterFields,
        followed_at: followedAt,
      });
    },
    chat(text, { from } = {}) {
      return chatEverywhere(userOf(from), text).length;
    },
    cheer(bits, { from, message } = {}) {
      const user = userOf(from);
      return emit('channel.cheer', {
        is_anonymous: false,
        user_id: user.id,
        user_login: user.login,
        user_name: user.display_name,
        ...broadcasterFields,
        message: message ?? `Cheer${bits}`,
        bits,
      });
    },
  };
}
