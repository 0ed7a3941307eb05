/**
 * EventSub over a native WebSocket, following every rule of Twitch's protocol: the welcome,
 * the keepalive watchdog, `session_reconnect` handovers, close codes, duplicates, revocations
 * and the per-socket and per-token limits.
 * @see https://dev.twitch.tv/docs/eventsub/handling-websocket-events/
 */
import type { Client } from '../client.js';
import { checkScopes, type EndpointSpec } from '../endpoint.js';
import { ConflictError, HelixError, InputError, NotFoundError, TwitchError, type ValidationError } from '../errors.js';
import {
  parseEventSubFrame,
  type ConditionOf,
  type EventOf,
  type EventSubNotificationMessage,
  type EventSubRevocationMessage,
  type EventSubSchemas,
  type EventSubSession,
  type EventSubSubscription,
  type EventSubTypeName,
  type ParseOptions,
  type SubscribeOptionsFor,
} from './messages.js';
import type { Log, LogEntry } from '../log.js';
import { MAX_TIMER_MS } from '../sleep.js';
import { anything } from '../validate.js';
import { checkCondition } from './versions.js';

/** Twitch's EventSub WebSocket server. */
export const EVENTSUB_WS_URL = 'wss://eventsub.wss.twitch.tv/ws';
/** Enabled subscriptions one WebSocket session may hold. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 300;
/** WebSocket connections with subscriptions that one user token may have open at once. */
export const MAX_SOCKETS_PER_TOKEN = 3;
/** Seconds Twitch gives a client to move to `reconnect_url` after `session_reconnect`. */
const HANDOVER_MS = 30_000;
/** Twitch resends a message for a while; ids are remembered this long. */
const DUPLICATE_WINDOW_MS = 600_000;
/** Only the loss of a session welcomed this long ago restarts the backoff. */
const HEALTHY_MS = 30_000;
/** While backing off, a new session must stay up this long before subscriptions are re-created (Twitch allows 10 s or more). */
const SETTLE_MS = 5000;

/** The second (`2023-07-19T14:56:51`) `sentAt` read last, and its ms: frames of one second share it. */
let second = '';
let secondMs = NaN;

/**
 * Twitch's timestamps (`2023-07-19T14:56:51.634234626Z`) in ms: Date.parse, which costs a tenth
 * of a frame's JSON.parse, reads each second once, and the milliseconds are its next three digits
 * (taken as digits, kept within ±1 s by `% 1000`: a stamp that lies there is off by at most a second,
 * never enough to skew the welcome's clock). Other forms go to it whole.
 */
function sentAt(text: string): number {
  if (text.length < 24 || text[19] !== '.' || !text.endsWith('Z')) return Date.parse(text);
  const head = text.slice(0, 19);
  if (head !== second) secondMs = Date.parse((second = head) + 'Z');
  return secondMs + ((text.charCodeAt(20) * 100 + text.charCodeAt(21) * 10 + text.charCodeAt(22) - 5328) % 1000); // 5328: '0' × 111
}

/** setTimeout, never past 2^31 - 1 ms (beyond it runtimes fire at once). */
/** @internal */
export const later = (run: () => void, ms: number): ReturnType<typeof setTimeout> => setTimeout(run, Math.min(ms, MAX_TIMER_MS));

/** What can go wrong on the socket itself (not in Helix calls, which throw `HelixError`s). */
export type EventSubErrorCode =
  | 'limit' // a Twitch limit would be exceeded; nothing was sent
  | 'closed' // the socket was closed by `close()`
  | 'fatal-close' // Twitch closed the connection with a code that reconnecting cannot fix
  | 'unused' // Twitch closed the connection because no subscription was created in time (4003)
  | 'connection' // the connection could not be opened or kept, and retries are exhausted
  | 'timeout' // `waitFor` timed out
  | 'handler' // one of your handlers threw; the socket carries on
  | 'subscription' // a remembered subscription could not be re-created
  | 'conduit' // the conduit shard could not be pointed at this session
  | 'frame' // a frame that is not text, or longer than `maxFrameLength`, was dropped unparsed
  | 'keepalive' // a welcome's keepalive was not a number from 10 to 600 s; the asked one is used
  | 'reconnect-url'; // `session_reconnect` pointed off the configured host or Twitch: reconnecting to the configured URL

/** An EventSub socket problem. `code` says which; `closeCode` is Twitch's close code, when one applies. */
export class EventSubError extends TwitchError {
  override name = 'EventSubError';
  declare readonly code: EventSubErrorCode;
  declare readonly closeCode?: number;
  constructor(code: EventSubErrorCode, message: string, closeCode?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.closeCode = closeCode;
  }
}

/** @internal The rejection of whatever waits on a socket that `close()` ended. */
export const closedError = () => new EventSubError('closed', 'the socket was closed');

/** Close codes Twitch uses on EventSub WebSockets, with what the socket does about each. */
export const CLOSE_CODES: Readonly<Record<number, { readonly reason: string; readonly action: 'reconnect' | 'fatal' | 'unused' }>> = {
  4000: { reason: 'internal server error', action: 'reconnect' },
  4001: { reason: 'the client sent inbound traffic', action: 'fatal' },
  4002: { reason: 'the client failed ping-pong', action: 'reconnect' },
  4003: { reason: 'connection unused: no subscription was created in time', action: 'unused' },
  4004: { reason: 'reconnect grace time expired', action: 'reconnect' },
  4005: { reason: 'network timeout', action: 'reconnect' },
  4006: { reason: 'network error', action: 'reconnect' },
  4007: { reason: 'invalid reconnect', action: 'reconnect' },
};

/** The WebSocket constructor shape the socket needs (the standard one). */
export type WebSocketConstructor = new (url: string) => WebSocket;

/**
 * Options of {@link EventSubSocket}. Each numeric one but `keepaliveTimeoutSeconds` (10 to 600),
 * `reconnect`'s too, is absent (or null: its default) or a number from 0 up, Infinity included;
 * anything else (NaN, a negative number, a string) makes the constructor throw `InputError` with
 * the option's own name as `param` (`minDelayMs`, not `reconnect.minDelayMs`: the names are unique).
 */
export interface EventSubSocketOptions {
  /** The Helix client whose user token creates the subscriptions. */
  client: Client;
  /** Server URL. Default `wss://eventsub.wss.twitch.tv/ws`. */
  url?: string;
  /**
   * Ask Twitch for this keepalive, in whole seconds from 10 to 600. Default: Twitch's (10). A
   * welcome granting one outside 10 to 600 s is reported (`keepalive`) and this one is used.
   */
  keepaliveTimeoutSeconds?: number;
  /** Extra silence tolerated past the keepalive before the connection counts as dead, in ms (Infinity: never). Default 5000. */
  keepaliveGraceMs?: number;
  /** Milliseconds to wait for the welcome after opening a connection (0 gives up at once, Infinity never). Default 10000. */
  connectTimeoutMs?: number;
  /** The WebSocket constructor. Default `globalThis.WebSocket`, read at each connection. */
  WebSocket?: WebSocketConstructor;
  /** Event schemas (e.g. `channelFollowV2` from `helixkit/eventsub/schemas`) to check notifications against; read once, not watched for changes. */
  schemas?: EventSubSchemas;
  /**
   * How frames (their envelope, and events of the types in `schemas`) are checked. Default: the
   * client's `validate`, so `'report'`: a mismatch goes to `onInvalid` and the event is still
   * delivered. `'strict'`: the message is dropped and the `ValidationError` (carrying the message
   * on `.body`) goes to the `error` listeners. A frame without what routing needs is always
   * dropped and reported there.
   */
  validate?: 'report' | 'strict' | boolean;
  /** Told about mismatches in `'report'` mode. Default: the client's `onInvalid`. */
  onInvalid?: (error: ValidationError) => void;
  /**
   * Told about reconnects and validation reports as {@link LogEntry} objects (`source:
   * 'eventsub'`); never a token or secret. Default: the client's `log`, which also sees the
   * socket's Helix calls. `log: console.debug` shows everything. What it throws never disturbs
   * the socket (a throw from a `reconnect` entry is reported on `error`, like a handler's).
   */
  log?: Log;
  /** The `user` call option for Helix calls: whose token, when the auth provider holds several. */
  user?: string;
  /**
   * Reconnection after a lost connection, and `session_reconnect` handovers: exponential backoff
   * with jitter, restarted (the next attempt immediate) only when a session welcomed 30 s or more
   * ago is lost or handed over.
   */
  reconnect?: {
    /** First retry delay in ms (the first attempt after a healthy session is immediate); 0 means no backoff at all. Default 1000. */
    minDelayMs?: number;
    /** Longest delay in ms (0, like a `minDelayMs` of 0, retries without waiting). Default 60000. */
    maxDelayMs?: number;
    /** Give up after this many failed attempts in a row (0: a lost connection is not retried). Default Infinity. */
    attempts?: number;
  };
  /**
   * Message ids remembered to drop duplicates (each for ten minutes). Default 10000. 0 remembers
   * none (a repeat is then dropped only once it is ten minutes old); Infinity every id of the ten minutes.
   */
  maxRememberedIds?: number;
  /** Longer frames (in UTF-16 code units) are dropped unparsed and reported (Infinity: no cap). Default 1048576 (Twitch's are a few KB). */
  maxFrameLength?: number;
}

/** The numeric options with their defaults, `reconnect`'s three last: the constructor checks and fills in each. */
const NUMBERS = { keepaliveGraceMs: 5000, connectTimeoutMs: 10_000, maxRememberedIds: 10_000, maxFrameLength: 1 << 20, minDelayMs: 1000, maxDelayMs: 60_000, attempts: Infinity };

/** The options as the socket reads them: one flat record (`reconnect`'s flattened in) with the defaults filled in. */
type Settings = EventSubSocketOptions & ParseOptions & typeof NUMBERS;

/** The socket's connection state, for UIs. */
export type EventSubSocketState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Why a reconnect started. */
export type ReconnectReason = 'session_reconnect' | 'keepalive_timeout' | 'closed' | 'connect_failed';

/** Payloads of the socket's own events. */
export interface EventSubSocketEvents {
  /** A welcome arrived: a new session, or (`resumed`) the same subscriptions on a new connection. */
  session: { readonly session: EventSubSession; readonly resumed: boolean };
  /**
   * A reconnect is starting: `delay` ms before the attempt, to `url` (the configured one, or
   * Twitch's `reconnect_url`). The payload is also the socket's `reconnect` {@link LogEntry}.
   */
  reconnect: {
    readonly type: 'reconnect';
    readonly source: 'eventsub';
    readonly reason: ReconnectReason;
    readonly attempt: number;
    readonly delay: number;
    readonly url: string;
  };
  /** The connection was lost (not during a handover). `code` 0 means the keepalive watchdog gave up. */
  disconnect: { readonly code: number; readonly reason: string; readonly willReconnect: boolean };
  /**
   * Subscriptions were re-created on a new session after a lost connection. Events sent between
   * `since` (the last frame heard) and the new session may have been missed.
   */
  resubscribed: {
    /** Every subscription the socket remembers, as `subscriptions`: one in `failed` that was kept is tried again on the next session. */
    readonly subscriptions: readonly EventSubSubscription[];
    readonly failed: readonly { readonly type: string; readonly error: unknown }[];
    readonly since: string;
    readonly mayHaveMissedEvents: true;
  };
  /** Twitch revoked a subscription; it is forgotten and will not be re-created. */
  revocation: EventSubSubscription;
  /** Every notification, before per-type handlers. */
  notification: EventSubNotificationMessage;
  /** Something went wrong that did not stop the socket (or, with `EventSubError` `fatal-close`, did). */
  error: Error;
  /** `close()` was called: nothing more arrives, and `events` loops end. */
  close: undefined;
}

type ControlName = keyof EventSubSocketEvents;

/** The names `on`, `events` and `waitFor` take: the socket's own events, and subscription types. */
export type EventSubSocketEventName = ControlName | EventSubTypeName;

/** What `events` and `waitFor` deliver for a name: the socket event's payload, or the notification's event. */
export type EventSubSocketValue<K extends string> = K extends ControlName ? EventSubSocketEvents[K] : EventOf<K>;
type Handler = (value: unknown, message?: unknown) => unknown;

interface Connection {
  ws: WebSocket;
  /** primary: the live connection; handover: opened for `reconnect_url`; dead: closed or replaced, ignored. */
  role: 'primary' | 'handover' | 'dead';
  timer?: ReturnType<typeof setTimeout>;
  /** The watchdog's limit: ms of silence after which the connection counts as dead. */
  timeout: number;
  /** Twitch sends one welcome and at most one `session_reconnect` per connection; repeats are ignored. */
  welcomed?: boolean;
  moved?: boolean;
  /** When the last frame arrived (the watchdog compares against it instead of restarting per frame). */
  heard: number;
}

interface Entry {
  type: string;
  version: string;
  condition: Record<string, unknown>;
  scopes: readonly (readonly string[])[];
  subscription?: EventSubSubscription;
  /** Every id this subscription had, so `unsubscribe` works with an id from before a reconnect. */
  ids: Set<string>;
  /** The session it exists on (Twitch's `transport.session_id`). */
  session_id?: string;
  pending?: Promise<void>;
  removed?: boolean;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  const pending = {} as Deferred<T>;
  // (A rejection nobody awaits is not an unhandled one.)
  (pending.promise = new Promise<T>((resolve, reject) => {
    pending.resolve = resolve;
    pending.reject = reject;
  })).catch(() => {});
  return pending;
}

/**
 * The three Helix operations the socket calls, as minimal specs for `client.call` (the same ids
 * as `createEventSubSubscription` & co.). Local rather than imported: the generated endpoints
 * bring input checks and response schemas that would cost a socket-only bundle about 1 KB gzip.
 * Built at each call: there are few, and nothing waits at import time. (@internal: conduits.ts uses it.)
 */
export const spec = (id: string, method: EndpointSpec['method'], path: string, tokens: EndpointSpec['tokens'], extra: Partial<EndpointSpec>): EndpointSpec => ({
  id,
  method,
  path,
  query: [],
  body: [],
  scopes: [],
  tokens,
  ...extra,
}) as EndpointSpec; // (not `paginated`: the client never reads it)

/**
 * @internal What `attachToConduit` needs of a socket it serves: its Helix call (with its `user`)
 * and its `error` channel; set by the constructor, so the conduit code stays out of the class.
 */
export const socketAccess = /* @__PURE__ */ new WeakMap<EventSubSocket, [call: (spec: EndpointSpec, input: Record<string, unknown>) => Promise<unknown>, report: (error: Error) => void]>();
/**
 * @internal Sockets serving a conduit shard, with what points the shard at a new session. Such a
 * socket is never "unused" (4003) for lack of its own subscriptions.
 */
export const shards = /* @__PURE__ */ new WeakMap<EventSubSocket, (session: EventSubSession) => Promise<void>>();

// Sockets holding subscriptions, per client and user: Twitch allows three per user token.
const claimed = /* @__PURE__ */ new WeakMap<Client, Map<string, number>>();

/**
 * One EventSub WebSocket session: connects, creates subscriptions over Helix, dispatches typed
 * notifications and keeps itself alive across Twitch's reconnects and network failures.
 * @see https://dev.twitch.tv/docs/eventsub/handling-websocket-events/
 */
export class EventSubSocket {
  /**
   * The options as at construction, `reconnect`'s among them, with every default filled in (the
   * client's `validate`, `onInvalid` and `log` too): also how frames are parsed, and the client.
   */
  readonly #options: Settings;
  readonly #baseUrl: string;
  /** Listeners by name. A list is replaced, never changed, so a delivery walks the one it began with. */
  readonly #handlers = new Map<string, readonly Handler[]>();
  /** The last notification's type and its listeners (notifications mostly repeat one type); `on` sets 0 (and it starts undefined), which no type equals (not even ''). */
  #lastType: unknown;
  #lastHandlers: readonly Handler[] | undefined;
  readonly #entries = new Set<Entry>();
  /** Message ids seen, from `#head` on, in arrival order, with each one's hash and when it came. */
  #ids: string[] = [];
  #hashes: number[] = [];
  #times: number[] = [];
  #head = 0;
  /**
   * A hash table over `#ids` (index + 1 of each, 0 when empty; a clash takes the next slot): a
   * Set of the strings costs several times as much per frame, in hashing and cache misses. An id
   * that left keeps its slot until the next rebuild, so `#ids.length` slots are taken.
   */
  #slots = new Int32Array(0);
  /** Where the id hash starts, drawn per socket: no server can choose ids that crowd one run of slots. */
  readonly #seed = (Math.random() * 2 ** 31) | 0;
  #state: EventSubSocketState = 'idle';
  #primary: Connection | undefined;
  #handover: Connection | undefined;
  #session: EventSubSession | undefined;
  #ready: Deferred<EventSubSession> | undefined;
  #hadSession: boolean | undefined;
  /** When the latest welcome arrived: a session is healthy once this is HEALTHY_MS ago. */
  #welcomedAt = 0;
  /** Our clock minus Twitch's, from the last welcome. */
  #skew = 0;
  /** When the last frame arrived before the connection was lost. */
  #lostAt: number | undefined;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** 1 while this socket holds one of its user token's three places. */
  #slot = 0;
  #cost: { total: number; total_cost: number; max_total_cost: number } | undefined;
  /** Aborted by close(): a Helix call not yet answered (one waiting for the rate bucket too) is dropped, with `closed`. */
  readonly #closing = new AbortController();

  constructor(options: EventSubSocketOptions) {
    if (!options?.client) throw new InputError('client', 'is required');
    const log = options.log ?? options.client.log;
    // (Parsing reads `schemas`, `validate`, `onInvalid` and `log` only. The names are unique, so
    // InputError's `param` is just the name.)
    const settings = (this.#options = {
      ...options,
      validate: options.validate ?? options.client.validate,
      onInvalid: options.onInvalid ?? options.client.onInvalid,
      log,
    } as Settings & Record<string, unknown>);
    // NaN (from `Number()` of nothing) or a negative number would turn a cap or the backoff off unseen.
    // (NUMBERS' last three are read from `reconnect`, and nothing else is: another option put there
    // in JavaScript, `maxFrameLength` say, must not cap every frame.)
    let at = 0;
    for (const name in NUMBERS) {
      const value = (settings[name] = ((at++ > 3 ? options.reconnect : options) as Record<string, unknown> | undefined)?.[name] ?? NUMBERS[name as keyof typeof NUMBERS]);
      if (!(typeof value == 'number' && value >= 0)) throw new InputError(name, 'must be a number from 0 up');
    }
    // The `reconnect` payload is a log entry. As a listener, a log that throws is reported on
    // `error` like any handler, never up the socket.
    if (log) this.on('reconnect', log);
    const url = new URL(options.url ?? EVENTSUB_WS_URL);
    const keepalive = options.keepaliveTimeoutSeconds;
    if (keepalive !== undefined) {
      if (!(Number.isInteger(keepalive) && keepalive >= 10 && keepalive <= 600)) throw new InputError('keepaliveTimeoutSeconds', 'must be a whole number from 10 to 600');
      url.searchParams.set('keepalive_timeout_seconds', String(keepalive));
    }
    this.#baseUrl = url.href;
    socketAccess.set(this, [(spec, input) => this.#helix(spec, input), (error) => this.#emit('error', error)]);
  }

  /**
   * The connection state, for UIs and for supervisors (a Durable Object's alarm): `closed` needs
   * a new socket; `idle` (it gave up, or never started) connects again on `connect()` or
   * `attachToConduit`; the others recover by themselves.
   */
  get state(): EventSubSocketState {
    return this.#state;
  }

  /** The current session, once welcomed. */
  get session(): EventSubSession | undefined {
    return this.#session;
  }

  /** The subscriptions this socket remembers and re-creates after a lost connection. */
  get subscriptions(): readonly EventSubSubscription[] {
    return [...this.#entries].flatMap((entry) => entry.subscription ?? []);
  }

  /** Twitch's cost figures from the latest subscription it created: `total`, `total_cost`, `max_total_cost`. */
  get cost(): { readonly total: number; readonly total_cost: number; readonly max_total_cost: number } | undefined {
    return this.#cost;
  }

  /** Opens the connection; resolves with the session when Twitch's welcome arrives. */
  async connect(): Promise<EventSubSession> {
    if (this.#state === 'closed') throw closedError();
    if (this.#session) return this.#session; // set only while connected
    const ready = (this.#ready ??= deferred());
    if (this.#state === 'idle') {
      this.#state = 'connecting';
      this.#attempt = 0;
      try {
        this.#primary = this.#open(this.#baseUrl, 'primary');
      } catch (error) {
        this.#stop(error as Error);
      }
    }
    return ready.promise;
  }

  /**
   * Subscribes this session to a type (newest version unless `version` is given). Checks the
   * condition first, connects when needed, and remembers the subscription so it is re-created
   * after a lost connection. The same type, version and condition a second time on one session
   * rejects with `ConflictError` (Twitch's 409); the first stays.
   * @see https://dev.twitch.tv/docs/api/reference/#create-eventsub-subscription
   */
  subscribe<T extends EventSubTypeName>(type: T, condition: ConditionOf<T>, ...options: SubscribeOptionsFor<T>): Promise<EventSubSubscription<T>>;
  async subscribe(type: string, condition: object, options: { version?: string } = {}): Promise<EventSubSubscription> {
    if (this.#state === 'closed') throw closedError();
    const info = checkCondition(type, options.version, condition);
    if (info.webhookOnly) throw new InputError('type', `${type} is delivered over webhooks only`);
    if (this.#entries.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      throw new EventSubError('limit', `at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per WebSocket: use another one or a conduit`);
    }
    this.#hold(1);
    // The info's type, version and scopes; its other fields ride along unread (the body takes three).
    const entry: Entry = { ...info, condition: condition as Record<string, unknown>, ids: new Set() };
    this.#entries.add(entry);
    try {
      await this.#ensure(entry); // connects when needed
    } catch (error) {
      this.#forget(entry);
      throw error;
    }
    return entry.subscription!;
  }

  /**
   * Deletes a subscription (by its id, current or from before a reconnect) and forgets it.
   * @see https://dev.twitch.tv/docs/api/reference/#delete-eventsub-subscription
   */
  async unsubscribe(id: string): Promise<void> {
    const entry = [...this.#entries].find((candidate) => candidate.ids.has(id));
    if (entry) this.#forget(entry);
    try {
      await this.#delete(entry?.subscription?.id ?? id);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  /**
   * Listens to one of the socket's own events; returns a function that stops listening. Their
   * names hold no dot and subscription types always do, so no notification can raise one.
   */
  on<K extends ControlName>(name: K, handler: (value: EventSubSocketEvents[K]) => unknown): () => void;
  /** Listens to notifications of a subscription type; returns a function that stops listening. */
  on<T extends EventSubTypeName>(type: T, handler: (event: EventOf<T>, message: EventSubNotificationMessage<T>) => unknown): () => void;
  on(name: string, handler: (...args: never[]) => unknown): () => void {
    const call = handler as Handler;
    const handlers = this.#handlers;
    // Wrapped, so the same function registered twice is two listeners with two removers.
    const listener: Handler = (value, message) => call(value, message);
    handlers.set(name, [...(handlers.get(name) ?? []), listener]);
    this.#lastType = 0;
    return () => {
      handlers.set(name, handlers.get(name)!.filter((one) => one !== listener));
      this.#lastType = 0;
    };
  }

  /**
   * Closes the socket for good. Helix calls it has under way (re-creations waiting for the rate
   * bucket too) are dropped; `connect`, `subscribe` and `unsubscribe` then reject with `closed`.
   * Twitch deletes a WebSocket's subscriptions itself once its connection ends.
   */
  close(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearTimeout(this.#retryTimer);
    this.#drop(this.#primary);
    this.#drop(this.#handover);
    // (Both connections stay referenced, marked dead: nothing reads them once the state is closed.)
    this.#session = undefined;
    this.#hold(0);
    const error = closedError(); // (one for both)
    this.#ready?.reject(error);
    this.#ready = undefined;
    this.#closing.abort(error);
    this.#emit('close', undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Connections

  #open(url: string, role: Connection['role']): Connection {
    const Ctor = this.#options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new EventSubError('connection', 'no global WebSocket: pass the WebSocket option');
    const ws = new Ctor(url);
    const connection = {
      ws,
      role,
      timeout: role === 'handover' ? HANDOVER_MS : this.#options.connectTimeoutMs,
    } as Connection;
    // Whatever a server sends, nothing escapes a listener: it is reported on `error`.
    const listen = (type: string, run: (event: MessageEvent & CloseEvent) => void) =>
      ws.addEventListener(type, (event) => {
        try {
          run(event as MessageEvent & CloseEvent);
        } catch (error) {
          this.#emit('error', error as Error);
        }
      });
    listen('message', (event) => this.#onFrame(connection, event.data));
    listen('close', (event) => this.#gone(connection, event.code, event.reason, 'closed'));
    this.#arm(connection);
    return connection;
  }

  /**
   * (Re)starts a connection's watchdog: silence past it means the connection is dead. Frames only
   * stamp `heard`; when the timer fires early relative to the last frame, it waits the rest.
   */
  #arm(connection: Connection): void {
    clearTimeout(connection.timer);
    connection.heard = Date.now();
    const check = (): void => {
      const now = Date.now();
      // A local clock set back puts the last frame in its future: silence then counts from now, so
      // such a jump delays the verdict by one period at most.
      const left = (connection.heard = Math.min(connection.heard, now)) + connection.timeout - now;
      if (left > 0) connection.timer = later(check, left);
      else this.#gone(connection, 0, connection.welcomed ? 'no message within the keepalive time' : 'no welcome in time', 'keepalive_timeout');
    };
    connection.timer = later(check, connection.timeout);
  }

  /** Stops listening to a connection and closes it. The client never sends anything else. */
  #drop(connection: Connection | undefined): void {
    if (!connection) return;
    connection.role = 'dead';
    clearTimeout(connection.timer);
    try {
      connection.ws.close(1000);
    } catch {
      // already closed
    }
  }

  /**
   * A connection closed or fell silent. A failed handover counts as the loss of the connection it
   * was to replace; the old connection ending during a handover leaves the new one to take over.
   */
  #gone(connection: Connection, code: number, reason: string, why: ReconnectReason): void {
    const role = connection.role;
    this.#drop(connection);
    if (role === 'dead') return; // also every connection once close() was called
    if (role === 'handover') this.#handover = undefined;
    else if (this.#handover) return;
    this.#lost(code, reason, why);
  }

  /** The primary connection is gone: reconnect with backoff, or stop when nothing can fix it. */
  #lost(code: number, reason: string, why: ReconnectReason): void {
    const session = this.#session;
    // When the session's last frame came, for `since`.
    if (session) this.#lostAt = this.#primary!.heard;
    this.#drop(this.#primary);
    this.#primary = undefined;
    // A session welcomed HEALTHY_MS ago or more proved the server works: the backoff starts over.
    if (session && Date.now() - this.#welcomedAt >= HEALTHY_MS) this.#attempt = 0;
    this.#session = undefined;
    const known = CLOSE_CODES[code];
    const text = reason || known?.reason || 'connection closed';

    const action = known?.action;
    // The first connection never welcomed (connect() fails), a fatal code, or 4003 with nothing to subscribe: stop.
    const error =
      !session && !this.#hadSession
        ? new EventSubError('connection', `could not connect to EventSub: ${text}`, code || undefined)
        : action === 'fatal' || (action === 'unused' && !this.#entries.size && !shards.has(this))
          ? new EventSubError(action === 'fatal' ? 'fatal-close' : action, `Twitch closed the session (${code}: ${text}); not reconnecting`, code)
          : undefined;
    this.#emit('disconnect', { code, reason: text, willReconnect: !error });
    if (error) this.#stop(error);
    else this.#scheduleReconnect(why);
  }

  /** Goes idle for good (until the next connect() or subscribe()): connect() rejects and `error` says why. */
  #stop(error: Error): void {
    this.#state = 'idle';
    this.#hadSession = false;
    this.#ready?.reject(error);
    this.#ready = undefined;
    this.#emit('error', error);
  }

  /**
   * Runs `run` after the backoff of `attempt` (none for the first, then exponential, with jitter
   * so many clients spread out), and says so on `reconnect`.
   */
  #retry(reason: ReconnectReason, attempt: number, url: string, run: () => void): void {
    const delay = Math.round((attempt && Math.min(this.#options.maxDelayMs, this.#options.minDelayMs * 2 ** (attempt - 1))) * (0.5 + Math.random() / 2));
    this.#emit('reconnect', { type: 'reconnect', source: 'eventsub', reason, attempt, delay, url });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = later(run, delay);
  }

  #scheduleReconnect(reason: ReconnectReason): void {
    const attempt = this.#attempt++;
    if (attempt >= this.#options.attempts) return this.#stop(new EventSubError('connection', `gave up reconnecting after ${attempt} attempts`));
    this.#state = 'reconnecting';
    this.#retry(reason, attempt, this.#baseUrl, () => {
      if (this.#state !== 'reconnecting' || this.#primary) return;
      try {
        this.#primary = this.#open(this.#baseUrl, 'primary');
      } catch (error) {
        this.#emit('error', error as Error);
        this.#scheduleReconnect('connect_failed');
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Frames

  /** Runs inside the listener guard of `#open`: whatever this throws is reported on `error`. */
  #onFrame(connection: Connection, data: unknown): void {
    if (connection.role === 'dead') return;
    const now = Date.now();
    // Every frame counts as a sign of life. One that comes longer after the last than the watchdog
    // allows (it would have closed a connection that quiet) means the local clock was set forward;
    // so does one half the duplicate window after it when the watchdog allows more (a keepalive of
    // 600 s, a grace of Infinity): a jump missed there leaves every later frame looking that much
    // older, and past the window dropped as a replay. One as far before the last means the clock
    // was set back, which would let replays through as young.
    const jumped = Math.abs(now - connection.heard) > Math.min(connection.timeout, DUPLICATE_WINDOW_MS / 2);
    connection.heard = now;
    if (typeof data !== 'string' || data.length > this.#options.maxFrameLength) throw new EventSubError('frame', 'a frame not text or over maxFrameLength');
    const frame = parseEventSubFrame(data, this.#options);
    const { message_type: type, message_timestamp: timestamp } = frame.metadata;
    if (jumped || type === 'session_welcome' || type === 'session_keepalive') {
      // Twitch's clock as seen from ours, so the age check below survives a wrong local clock;
      // learned again at each keepalive, and at once after a jump (a busy session gets no
      // keepalives), so it survives a clock set forward or back mid-session too.
      const sent = sentAt(timestamp);
      if (Number.isFinite(sent)) this.#skew = now - sent;
    }
    if (type === 'session_welcome') {
      this.#onWelcome(connection, (frame.payload as { session: EventSubSession }).session);
    } else if (type === 'session_reconnect') {
      this.#onReconnect(connection, (frame.payload as { session: EventSubSession }).session);
    } else if (type !== 'session_keepalive' && !this.#isRepeat(frame.metadata.message_id, timestamp, now)) {
      if (type === 'notification') this.#dispatch(frame as EventSubNotificationMessage);
      else this.#onRevocation(frame as EventSubRevocationMessage);
    }
  }

  #onWelcome(connection: Connection, session: EventSubSession): void {
    if (connection.welcomed) return;
    connection.welcomed = true;
    // The keepalive granted is trusted only within Twitch's 10 to 600 s; otherwise the one asked for is used.
    let keepalive: unknown = session.keepalive_timeout_seconds;
    if (!(typeof keepalive === 'number' && keepalive >= 10 && keepalive <= 600)) {
      if (keepalive != null) this.#emit('error', new EventSubError('keepalive', 'keepalive_timeout_seconds not from 10 to 600: ignored'));
      keepalive = this.#options.keepaliveTimeoutSeconds ?? 10;
    }
    connection.timeout = (keepalive as number) * 1000 + this.#options.keepaliveGraceMs;
    this.#arm(connection);
    this.#welcomedAt = Date.now();

    if (connection.role === 'handover') {
      // Twitch moved the subscriptions: switch over, then close the old connection.
      const previous = this.#session;
      this.#drop(this.#primary);
      this.#handover = undefined;
      this.#primary = connection;
      connection.role = 'primary';
      if (previous) {
        // The subscriptions moved with the session (even if Twitch gave it a new id).
        for (const entry of this.#entries) if (entry.session_id === previous.id) entry.session_id = session.id;
        return this.#settle(session, true);
      }
      // The session handed over had not settled: this one settles as a new one does.
    }
    // While backing off, a session is used only once it has stayed up SETTLE_MS: a server that
    // welcomes and closes gets no Helix calls.
    const settle = () => connection.role === 'primary' && this.#settle(session);
    clearTimeout(this.#retryTimer);
    if (this.#attempt > 1) this.#retryTimer = later(settle, SETTLE_MS);
    else settle();
  }

  /**
   * A session is in use: connect() resolves and the conduit shard moves to it; unless it was
   * `resumed` (the subscriptions moved with it), the remembered subscriptions are created on it.
   */
  #settle(session: EventSubSession, resumed = false): void {
    const afterLoss = this.#hadSession;
    const since = new Date(this.#lostAt || Date.now()).toISOString();
    this.#hadSession = true;
    this.#session = session;
    this.#state = 'connected';
    this.#ready?.resolve(session);
    this.#ready = undefined;
    this.#emit('session', { session, resumed });
    shards.get(this)?.(session).catch(() => {});
    if (resumed) return;
    // Create every remembered subscription right away: Twitch closes a session unused past the keepalive.
    const entries = [...this.#entries];
    const failed: { type: string; error: unknown }[] = [];
    void Promise.all(
      entries.map((entry) =>
        this.#ensure(entry).catch((error: unknown) => {
          // Told once, on the session it ended on (a later one shares the attempt); never after close(),
          // nor on the first session, where subscribe() itself rejects.
          if (!afterLoss || this.#session?.id !== session.id) return;
          failed.push({ type: entry.type, error });
          // Only refusals that no retry can fix forget it; a 401 may pass once the token is refreshed,
          // and a 400 is also what a session that died before its close arrived gets.
          if (error instanceof HelixError && [403, 404].includes(error.status)) this.#forget(entry);
          this.#emit('error', new EventSubError('subscription', `could not re-create ${entry.type}: ${(error as Error).message}`, undefined, { cause: error }));
        }),
      ),
    ).then(() => {
      // (A handover meanwhile keeps the session id: the re-creation still happened on it.)
      if (!afterLoss || !entries.length || this.#session?.id !== session.id) return;
      this.#emit('resubscribed', {
        subscriptions: this.subscriptions,
        failed,
        since,
        mayHaveMissedEvents: true,
      });
    });
  }

  /**
   * `session_reconnect`: follows `reconnect_url` only to `wss:` on the configured host or a Twitch
   * host (`ws:` to the same host when the configured URL is `ws:`), after the backoff (none after a
   * healthy session). Anywhere else: reported, and a fresh session on the configured URL instead.
   */
  #onReconnect(connection: Connection, session: EventSubSession): void {
    if (connection.role !== 'primary' || connection.moved || this.#handover) return;
    connection.moved = true;
    const url = session.reconnect_url!;
    if (!this.#trusted(url)) {
      const reason = 'untrusted reconnect_url';
      this.#emit('error', new EventSubError('reconnect-url', reason));
      return this.#lost(0, reason, 'session_reconnect');
    }
    // A healthy session moves at once and costs no attempt; a young one waits like a reconnect (if
    // past Twitch's 30 s, Twitch closes the old connection and a fresh session follows; #lost
    // clears this timer).
    this.#retry('session_reconnect', this.#session && Date.now() - this.#welcomedAt >= HEALTHY_MS ? (this.#attempt = 0) : this.#attempt++, url, () => {
      try {
        this.#handover = this.#open(url, 'handover');
      } catch (error) {
        this.#emit('error', error as Error);
      }
    });
  }

  #trusted(url: string): boolean {
    try {
      const { protocol, host, hostname } = new URL(url);
      const base = new URL(this.#baseUrl);
      return (protocol === 'wss:' && hostname.endsWith('.twitch.tv')) || (host === base.host && (protocol === 'wss:' || protocol + base.protocol === 'ws:ws:'));
    } catch {
      return false; // not a URL at all
    }
  }

  #onRevocation(message: EventSubRevocationMessage): void {
    const subscription = message.payload.subscription;
    for (const entry of this.#entries) if (entry.ids.has(subscription.id)) this.#forget(entry);
    this.#emit('revocation', subscription);
  }

  #dispatch(message: EventSubNotificationMessage): void {
    this.#emit('notification', message);
    const { subscription, event, events } = message.payload;
    const type = subscription.type;
    if (type !== this.#lastType) {
      // Subscription types all hold a dot and the socket's own events none: no message can raise one.
      this.#lastHandlers = type.includes('.') ? this.#handlers.get(type) : undefined;
      this.#lastType = type;
    }
    const handlers = this.#lastHandlers;
    if (!handlers) return;
    if (events) for (const item of events) this.#run(handlers, item, message, type);
    else this.#run(handlers, event, message, type);
  }

  /**
   * Drops a message id seen in the last ten minutes (remembering at most `maxRememberedIds`), and
   * a message older than that, which could be a replay whose id was already forgotten. Age is
   * measured on Twitch's clock (offset learned from the welcome).
   */
  #isRepeat(id: string, timestamp: string, now: number): boolean {
    if (now - this.#skew - sentAt(timestamp) > DUPLICATE_WINDOW_MS) return true;
    const ids = this.#ids;
    // Expired ids leave at the head (and below, surplus ones once the id proves new).
    while (this.#head < ids.length && now - this.#times[this.#head]! >= DUPLICATE_WINDOW_MS) this.#head++;
    if (2 * ids.length >= this.#slots.length || (this.#head > 1024 && 2 * this.#head > ids.length)) this.#rebuild();
    let hash = this.#seed;
    for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x1000193);
    // (The high bits folded in: they depend on every character, the low ones pick the slot.)
    hash ^= hash >>> 15;
    const slot = this.#find(hash, id);
    if (this.#slots[slot]) return true;
    this.#head = Math.max(this.#head, this.#ids.length + 1 - this.#options.maxRememberedIds);
    this.#slots[slot] = this.#ids.push(id);
    this.#hashes.push(hash);
    this.#times.push(now);
    return false;
  }

  /** The slot holding `id` (of this hash) among the ids kept, else the empty slot that ends its run. */
  #find(hash: number, id?: string, kept = this.#head): number {
    const slots = this.#slots;
    let i = hash & (slots.length - 1);
    while (slots[i] && !(slots[i]! > kept && this.#hashes[slots[i]! - 1] === hash && this.#ids[slots[i]! - 1] === id)) i = (i + 1) & (slots.length - 1);
    return i;
  }

  /** Drops the ids before `#head` and sizes the table to four slots or more per id kept. */
  #rebuild(): void {
    const ids = (this.#ids = this.#ids.slice(this.#head));
    const hashes = (this.#hashes = this.#hashes.slice(this.#head));
    this.#times = this.#times.slice(this.#head);
    this.#head = 0;
    this.#slots = new Int32Array(2 ** Math.ceil(Math.log2(4 * ids.length + 64)));
    // (Every id is new here: each lands in the first empty slot of its run.)
    hashes.forEach((hash, at) => (this.#slots[this.#find(hash)] = at + 1));
  }

  // ---------------------------------------------------------------------------------------------
  // Subscriptions

  /** Creates the subscription on the current session unless it already exists there. */
  #ensure(entry: Entry): Promise<void> {
    return (entry.pending ??= (async () => {
      let retried = false;
      try {
        while (!entry.removed) {
          const session = await this.connect(); // (after close(), it throws `closed`)
          if (entry.session_id === session.id) return;
          try {
            const body = (await this.#helix(
              spec('create-eventsub-subscription', 'POST', 'eventsub/subscriptions', ['user'], {
                body: ['type', 'version', 'condition', 'transport'],
                // The type's scopes, checked against a token whose scopes are known before Twitch is asked.
                scopes: entry.scopes,
                checkScopes,
                response: anything,
              }),
              // (The body takes `type`, `version` and `condition` from the entry, and nothing else.)
              { ...entry, transport: { method: 'websocket', session_id: session.id } },
            )) as { data?: EventSubSubscription[]; total?: number; total_cost?: number; max_total_cost?: number };
            const created = body?.data?.[0];
            if (created && typeof created.id === 'string') {
              entry.subscription = created;
              entry.ids.add(created.id);
              // Unsubscribed while this call was out: it must not live on.
              if (entry.removed) await this.#delete(created.id).catch(() => {});
            }
            if (typeof body?.total_cost === 'number') {
              this.#cost = { total: body.total ?? 0, total_cost: body.total_cost, max_total_cost: body.max_total_cost ?? 0 };
            }
          } catch (error) {
            if (error instanceof ConflictError) {
              // Twitch has it already. If that is our own from a session that died without Twitch
              // noticing, it is bound to nobody: delete it and create it again, once.
              const orphan = entry.subscription;
              // A subscription never created here is another one's (a second subscribe() of the same
              // condition): Twitch's 409 is the answer.
              if (!orphan) throw error;
              if (orphan.transport?.session_id !== session.id && !retried) {
                retried = true;
                await this.#delete(orphan.id).catch(() => {});
                continue;
              }
              // Otherwise it exists on this session, which is what we want.
            } else {
              // The session ended mid-call: wait for the next one (which, while backing off, must settle first).
              if (this.#session?.id !== session.id && this.#state !== 'idle') continue;
              throw error;
            }
          }
          entry.session_id = session.id;
        }
        if (this.#state === 'closed') throw closedError();
      } finally {
        entry.pending = undefined;
      }
    })());
  }

  /** Deletes a subscription over Helix. */
  #delete(id: string): Promise<unknown> {
    return this.#helix(spec('delete-eventsub-subscription', 'DELETE', 'eventsub/subscriptions', ['app', 'user'], { query: ['id'] }), { id });
  }

  /** A Helix call as this socket's user. */
  #helix(spec: EndpointSpec, input: Record<string, unknown>): Promise<unknown> {
    return this.#options.client.call(spec, input, { user: this.#options.user, signal: this.#closing.signal });
  }

  #forget(entry: Entry): void {
    entry.removed = true;
    this.#entries.delete(entry);
    // A socket without subscriptions no longer counts against the token's three.
    if (!this.#entries.size) this.#hold(0);
  }

  /** Takes (1) or gives back (0) this socket's place among the sockets its client and user may hold. */
  #hold(want: number): void {
    const counts = claimed.get(this.#options.client) ?? new Map<string, number>();
    claimed.set(this.#options.client, counts);
    const key = this.#options.user ?? '';
    const open = counts.get(key) ?? 0;
    if (want > this.#slot && open >= MAX_SOCKETS_PER_TOKEN) {
      throw new EventSubError('limit', `at most ${MAX_SOCKETS_PER_TOKEN} EventSub WebSockets per user token: close one or use a conduit`);
    }
    counts.set(key, open + want - this.#slot);
    this.#slot = want;
  }

  // ---------------------------------------------------------------------------------------------
  // Listeners

  #emit<K extends ControlName>(name: K, value: EventSubSocketEvents[K]): void {
    const handlers = this.#handlers.get(name);
    if (handlers) this.#run(handlers, value, undefined, name);
  }

  /**
   * Runs listeners; whatever one throws (or rejects with) goes to `error`, never up the socket.
   * A listener added meanwhile waits for the next value (`on` replaces the list).
   */
  #run(handlers: readonly Handler[], value: unknown, message: unknown, name: string): void {
    for (const handler of handlers) {
      try {
        const result = handler(value, message);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          (result as Promise<unknown>).then(undefined, (error: unknown) => this.#report(error, name));
        }
      } catch (error) {
        this.#report(error, name);
      }
    }
  }

  #report(error: unknown, name: string): void {
    if (name === 'error') return; // an error listener that fails has nowhere to report to
    this.#emit('error', new EventSubError('handler', `a ${name} handler threw: ${(error as Error)?.message ?? String(error)}`, undefined, { cause: error }));
  }
}
