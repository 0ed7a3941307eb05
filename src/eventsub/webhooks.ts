/**
 * EventSub over webhooks, written against the Fetch API only (`Request` in, `Response` out), so
 * one handler serves a Cloudflare Worker, `Deno.serve`, `Bun.serve` or any fetch-style server.
 * The handler path imports no HTTP client: a Worker that only receives events stays small.
 */
import { readBody } from '../body.js';
import type { Client } from '../client.js';
import type { EndpointSpec } from '../endpoint.js';
import { InputError, TwitchError, ValidationError } from '../errors.js';
import { createEventSubSubscription, type EventSubSubscription as CreatedSubscription } from '../helix/eventsub.js';
import { modeOf, warnOnce, type ValidateMode } from '../validate.js';
import {
  checkWebhookBody,
  invalidBody,
  type ConditionOf,
  type EventOf,
  type EventSubSchemas,
  type EventSubSubscription,
  type EventSubShardChallenge,
  type EventSubTypeName,
  type EventSubWebhookBody,
  type UnknownEventSubType,
  type VersionOption,
} from './messages.js';
import type { EventSubType } from './types.js';
import { checkCondition } from './versions.js';

// Twitch's request headers (Headers lookups ignore case).
/** Twitch's `Twitch-Eventsub-Message-<name>` header (Id, Timestamp, Signature, Type, Retry), or ''. */
const header = (headers: Headers, name: string) => headers.get(`Twitch-Eventsub-Message-${name}`) ?? '';

const CHALLENGE = 'webhook_callback_verification';
const PENDING = `${CHALLENGE}_pending`;

/** Twitch's guidance: refuse messages older than 10 minutes (replays). */
const DEFAULT_MAX_AGE = 600;
/** Twitch's messages are a few kilobytes; anything near this is not from Twitch. */
const DEFAULT_MAX_BODY = 2 ** 20; // 1 MiB
/** Handled ids are remembered an hour by default: Twitch may redeliver later than the window. */
const DEFAULT_TTL = 3600;
const DAY = 86_400;
const WEEK = 7 * DAY;
const MAX_BODY_LIMIT = 2 ** 26; // 64 MiB
/** Why ids must be kept 2 × maxAgeSeconds: a message passes the timestamp check that long. */
const TWICE_MAX_AGE = ' (at least twice maxAgeSeconds)';

/**
 * Reads a numeric option: `fallback` when absent (or null), else a number from `min` to `max`, or
 * an InputError naming the option and the range (and `why`, when the range needs a reason).
 */
function bounded(options: object, name: string, fallback: number, min: number, max: number, why = ''): number {
  const value = (options as Record<string, unknown>)[name] ?? fallback;
  if (typeof value === 'number' && value >= min && value <= max) return value;
  throw new InputError(name, `must be a number from ${min} to ${max}${why}`);
}

// ---------------------------------------------------------------------------------------------
// Signature

/** Options of {@link verifyEventSubRequest}. */
export interface VerifyOptions {
  /** Refuse a message whose timestamp is further than this from now, either way. Default 600 (10 minutes); 1 to 86400. */
  maxAgeSeconds?: number;
  /**
   * Refuse a body larger than this many bytes: a larger `Content-Length` is refused unread, and a
   * streamed body is read no further than this. Default 1048576 (1 MiB); 1 to 67108864 (64 MiB).
   */
  maxBodyBytes?: number;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** One HMAC key per secret; several let a handler accept subscriptions made with a rotated secret. */
type Keys = Promise<CryptoKey[]>;

/** The secret or secrets, as a list. */
/** The secret or secrets, as a list; empty unless each is a string of at least one character. */
const listOf = (secret: string | readonly string[]): string[] => {
  const list = [secret].flat();
  return list.every((one) => typeof one === 'string' && one !== '') ? list : [];
};

function importKeys(secret: string | readonly string[]): Keys {
  return Promise.all(
    listOf(secret).map((one) =>
      crypto.subtle.importKey('raw', new TextEncoder().encode(one), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']),
    ),
  );
}

/**
 * Reads Twitch's RFC3339 timestamp (nanosecond precision) as milliseconds; NaN when it is not one.
 * Fractions are cut to milliseconds first, since not every runtime's Date.parse takes nine digits.
 */
const parseTimestamp = (text: string): number =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(text)
    ? Date.parse(text.toUpperCase().replace(/(\.\d{0,3})\d*/, (_, fraction: string) => fraction.padEnd(4, '0')))
    : NaN;

/** Checks the three signed headers and the raw body; false for anything missing or wrong. */
async function verifyParts(keys: Keys, headers: Headers, body: Blob, maxAgeSeconds: number, now: number): Promise<boolean> {
  const [id, timestamp, signature] = ['Id', 'Timestamp', 'Signature'].map((name) => header(headers, name));
  // (Headers strip the whitespace around a value.)
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(signature!)?.[1];
  // Outside the window either way, or no date at all: a replay, a wrong clock, or a forgery.
  if (!id || !hex || !(Math.abs(now - parseTimestamp(timestamp!)) <= maxAgeSeconds * 1000)) return false;
  const signed = await new Blob([id + timestamp, body]).arrayBuffer();
  const mac = new Uint8Array(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
  // crypto.subtle.verify compares MACs in constant time in every runtime we target.
  return (await Promise.all((await keys).map((key) => crypto.subtle.verify('HMAC', key, mac, signed)))).includes(true);
}

/**
 * Tells whether a request really comes from Twitch: HMAC-SHA256 of message id, timestamp and raw
 * body with your secret, and a timestamp within `maxAgeSeconds` (default 10 minutes) of now. A body
 * over `maxBodyBytes` (default 1 MiB) is refused, read no further than that. The request's body
 * stays unread, so you can still call `request.json()`. Throws `InputError` for an option out of range.
 * @see https://dev.twitch.tv/docs/eventsub/handling-webhook-events/#verifying-the-event-message
 */
export async function verifyEventSubRequest(
  request: Request,
  secret: string | readonly string[],
  options: VerifyOptions = {},
): Promise<boolean> {
  const maxAge = bounded(options, 'maxAgeSeconds', DEFAULT_MAX_AGE, 1, DAY);
  const maxBody = bounded(options, 'maxBodyBytes', DEFAULT_MAX_BODY, 1, MAX_BODY_LIMIT);
  if (!listOf(secret)[0]) return false;
  const body = await readBody(request, maxBody, true);
  if (typeof body === 'number') return false;
  return verifyParts(importKeys(secret), request.headers, body, maxAge, (options.now ?? Date.now)());
}

// ---------------------------------------------------------------------------------------------
// Seen message ids

/**
 * Where the handler remembers the message ids it has handled, so a redelivery is acknowledged
 * without running your code twice. Any store with these two methods fits, sync or async, such
 * as a Workers KV namespace wrapped in two lines (see the docs).
 *
 * Per delivery the handler asks `has(id)` once, right before dispatching, and calls `add(id)`
 * once its handlers succeeded (a failed dispatch adds nothing, so Twitch's retry runs it). A
 * store shared by several instances that answers `false` to one caller per id at a time (and
 * makes the next wait until `add`, or until a lease runs out) therefore dispatches each message
 * once, even when deliveries race: examples/cloudflare-conduit keeps one in a Durable Object.
 */
export interface SeenStore {
  /** Whether `id` was handled; `false` is the handler's leave to dispatch it. */
  has(id: string): boolean | Promise<boolean>;
  /** Remember `id`, for at least `ttlSeconds` when given. */
  add(id: string, ttlSeconds?: number): void | Promise<void>;
  /**
   * How long the store keeps every id at the least, whatever else makes it forget (a size
   * limit). Absent: it keeps each id for the `ttlSeconds` it is given. A handler refuses a store
   * whose window is shorter than 2 × its `maxAgeSeconds`.
   */
  readonly windowSeconds?: number;
}

/** Options of {@link memorySeen}. */
export interface MemorySeenOptions {
  /**
   * How many ids to keep once they are older than `windowSeconds`; the oldest are forgotten
   * first. Younger ids are kept even past this count. Default 10000; 1 to 1e9.
   */
  max?: number;
  /**
   * Ids remembered for less than this are never forgotten to make room, since a redelivery or
   * replay of them could still pass the timestamp check: at least 2 × the handler's
   * `maxAgeSeconds`. Default 1200 (twice the default 600); 0 to 604800 (a week).
   */
  windowSeconds?: number;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * The default {@link SeenStore}: ids in memory, forgotten after their time-to-live, and beyond
 * `max` the oldest first, but never one inside the acceptance window. Under a high rate memory
 * therefore grows to what arrives in `windowSeconds` (only signed messages are remembered).
 * Fine for one process; use a shared store when several instances answer.
 */
export function memorySeen(options: MemorySeenOptions = {}): SeenStore & { readonly windowSeconds: number } {
  const max = bounded(options, 'max', 10_000, 1, 1e9);
  const windowSeconds = bounded(options, 'windowSeconds', 2 * DEFAULT_MAX_AGE, 0, WEEK);
  const now = options.now ?? Date.now;
  // Insertion order is age order: the first entries are the oldest. Values: when the id's
  // time-to-live ends, and until when it is never forgotten to make room (its time inside the window).
  const ids = new Map<string, [until: number, kept: number]>();
  return {
    windowSeconds,
    // Kept through the last millisecond of its time-to-live, as the timestamp window is. (An id
    // past it stays until add() makes room; an unknown one compares undefined, which is false.)
    has: (id) => ids.get(id)?.[0]! >= now(),
    add(id, ttlSeconds = DEFAULT_TTL) {
      const time = now();
      ids.delete(id);
      ids.set(id, [time + ttlSeconds * 1000, time + Math.min(ttlSeconds, windowSeconds) * 1000]);
      for (const [oldest, [, kept]] of ids) {
        // Stop at the first id still inside the window: every later one is younger.
        if (ids.size <= max || kept >= time) break;
        ids.delete(oldest);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Handler

/** A verified webhook message: Twitch's header fields plus the parsed body. */
export interface WebhookMessage<T extends string = string> {
  /** `Twitch-Eventsub-Message-Id`: the same on every redelivery of this message. */
  readonly id: string;
  /** `Twitch-Eventsub-Message-Timestamp`, as sent (RFC3339). */
  readonly timestamp: string;
  /** `Twitch-Eventsub-Message-Retry`: how many times Twitch tried before; 0 when absent or not a plain count. */
  readonly retry: number;
  readonly subscription: EventSubSubscription<T>;
  /** The whole body: `event`, or `events` for batched types. */
  readonly body: EventSubWebhookBody<T>;
}

/** A handler for one subscription type's events; may be async. */
export type EventHandler<T extends EventSubTypeName> = (event: EventOf<T>, message: WebhookMessage<T>) => unknown;

/**
 * Handlers per subscription type, typed from the EventSub registry: `{ 'channel.follow': (e) => … }`.
 * A misspelt key fails to compile; a type the registry lacks takes a computed key made with
 * `unknownType` (`{ [unknownType('channel.new_type')]: (e: Record<string, unknown>) => … }`), or
 * reaches `onNotification`.
 */
export type EventHandlers = { readonly [T in EventSubType]?: EventHandler<T> } & {
  /**
   * A type made with `unknownType`. Its handler's arguments are `any` (annotate them): TypeScript
   * types an object literal with a computed key by one index signature covering all its
   * handlers, the typed ones included, and only `any` accepts them all.
   */
  readonly [name: UnknownEventSubType]: (event: any, message: WebhookMessage<any>) => unknown;
};

/** What went wrong behind a webhook answer, besides a {@link ValidationError}. */
export type WebhookErrorCode =
  | 'body' // the request body could not be read (answered 400)
  | 'crypto' // WebCrypto failed while checking the signature (500)
  | 'handler' // one of your handlers threw or rejected (500: Twitch sends the message again)
  | 'store'; // the `seen` store failed (500 before dispatch; after it, the answer stays 204)

/**
 * A webhook handler problem that is not Twitch's data: `code` says which, and what was thrown is
 * on `cause` (a handler can throw anything). The message never holds the secret.
 */
export class WebhookError extends TwitchError {
  override name = 'WebhookError';
  declare readonly code: WebhookErrorCode;
  constructor(code: WebhookErrorCode, cause: unknown) {
    // (What was thrown is on `cause`, which runtimes print with the error.)
    super(`webhook ${code} failed`, { cause });
    this.code = code;
  }
}

/** Options of {@link createWebhookHandler}. Numeric options out of range throw `InputError` at creation. */
export interface WebhookHandlerOptions {
  /**
   * The secret you gave Twitch when subscribing. A list accepts any of them (for rotating
   * secrets). It is never put in a response or an error.
   */
  secret: string | readonly string[];
  /** Called per event of each notification (each item of a batched `events` list); own properties only. */
  on?: EventHandlers;
  /** Called once per notification message, before the `on` handlers. */
  onNotification?: (message: WebhookMessage) => unknown;
  /** Called when Twitch revokes a subscription; `message.subscription.status` says why. */
  onRevocation?: (message: WebhookMessage) => unknown;
  /**
   * Told about what went wrong behind an answer: a `ValidationError` for a body that did not
   * parse or does not fit its message type (400) or a mismatch in `'strict'` mode; a
   * {@link WebhookError} for a handler that threw or a store that failed (its `cause` is what
   * was thrown), a body that could not be read or WebCrypto failing. Never told about the secret
   * or the signature.
   */
  onError?: (error: ValidationError | WebhookError) => void;
  /**
   * How the envelope (and events of the types in `schemas`) are checked. `'report'` (default):
   * a mismatch goes to `onInvalid` and the message is still dispatched. `'strict'` (or `true`):
   * the message is not dispatched, its `ValidationError` goes to `onError`, and the answer is 204
   * with the id remembered, since the same body would fail on every retry and Twitch revokes
   * subscriptions whose deliveries keep failing. `false`: no check beyond what routing needs.
   * A body without what routing needs is refused (400) in every mode.
   */
  validate?: ValidateMode | boolean;
  /**
   * Told about mismatches in `'report'` mode, once per dispatched message; the error names paths
   * and types and carries the body on `.body`. Default: one `console.warn` per type and path.
   */
  onInvalid?: (error: ValidationError) => void;
  /**
   * Where handled message ids are remembered. Default {@link memorySeen} with `windowSeconds`
   * twice `maxAgeSeconds`, so no id is forgotten while a redelivery of it could be accepted.
   */
  seen?: SeenStore;
  /**
   * How long to remember a handled message id, in seconds. Default the larger of 3600 and
   * 2 × `maxAgeSeconds`; at least 2 × `maxAgeSeconds` (a message is accepted up to
   * `maxAgeSeconds` either side of its timestamp), at most 604800 (a week).
   */
  seenTtlSeconds?: number;
  /** Refuse messages whose timestamp is further than this from now (either way). Default 600; 1 to 86400. */
  maxAgeSeconds?: number;
  /**
   * Refuse (413) a body larger than this many bytes: a larger `Content-Length` is refused
   * unread, and a streamed body is read no further than this. Default 1048576 (1 MiB); 1 to
   * 67108864 (64 MiB).
   */
  maxBodyBytes?: number;
  /** Event schemas (from `helixkit/eventsub` schemas) to check events against. Default: envelope only. */
  schemas?: EventSubSchemas;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** What {@link createWebhookHandler} returns: a Fetch API handler. */
export type WebhookHandler = (request: Request) => Promise<Response>;

/** A Response; one with a text body is `text/plain` (the Fetch API's default for a string). */
const answer = (status: number, body?: string, headers?: HeadersInit) => new Response(body, { status, headers });

/**
 * The message-type header is not signed, so a captured message could be replayed under another
 * type: the signed body must look like its type. Returns the path that contradicts it, if any.
 * A revocation's status is anything but `enabled` and pending: Twitch documents
 * `authorization_revoked`, `user_removed`, `notification_failures_exceeded`, `version_removed`,
 * `moderator_removed`, `chat_user_banned`, `beta_maintenance`, `conduit_deleted`, and may add more.
 */
function contradiction(kind: string, { challenge, subscription, event, events }: EventSubWebhookBody | EventSubShardChallenge): string | undefined {
  const status = subscription?.status;
  const challenged = kind === CHALLENGE;
  const notification = kind === 'notification';
  // A conduit shard's challenge verifies a shard and names no subscription; only a challenge may.
  // Then, in order: only a challenge has a challenge (a string); only a notification has an event
  // or events (the parser checked they are objects, when present); a challenged subscription is
  // pending, a revoked one in any state but enabled or pending.
  return !subscription
    ? challenged ? undefined : 'subscription'
    : (challenged ? typeof challenge !== 'string' : challenge !== undefined)
      ? 'challenge'
      : ((event ?? events) === undefined) === notification
        ? 'event'
        : notification || (challenged ? status === PENDING : typeof status === 'string' && !['', 'enabled', PENDING].includes(status))
          ? undefined
          : 'subscription.status';
}

/**
 * Creates a `(request: Request) => Promise<Response>` for Twitch's EventSub webhooks: answers the
 * challenge, refuses unsigned or stale requests (403) and oversized bodies (413), acknowledges
 * redeliveries without dispatching, and dispatches notifications and revocations.
 *
 * The answer waits for your handlers: a handler that throws gives a 500 and the message id is not
 * remembered, so Twitch's retry runs it again. Twitch expects the answer within a few seconds and
 * counts a slow one as a failed delivery (too many and it revokes the subscription), so queue slow
 * work (e.g. `ctx.waitUntil` in a Worker, or your own queue) and return quickly.
 * @see https://dev.twitch.tv/docs/eventsub/handling-webhook-events/
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const { secret, on = {}, onNotification, onRevocation, onError, schemas, onInvalid = warnOnce } = options;
  if (!listOf(secret)[0]) throw new InputError('secret', 'is required');
  const mode = modeOf(options.validate);
  const maxAge = bounded(options, 'maxAgeSeconds', DEFAULT_MAX_AGE, 1, DAY);
  const maxBody = bounded(options, 'maxBodyBytes', DEFAULT_MAX_BODY, 1, MAX_BODY_LIMIT);
  // A message passes the timestamp check for maxAge either side of its timestamp: its id must
  // be remembered that long, or a replay at the far edge runs the handlers twice.
  const window = 2 * maxAge;
  const ttl = bounded(options, 'seenTtlSeconds', Math.max(DEFAULT_TTL, window), window, WEEK, TWICE_MAX_AGE);
  const seen = options.seen ?? memorySeen({ now: options.now, windowSeconds: window });
  if ((seen.windowSeconds ?? window) < window) {
    throw new InputError('seen', `needs windowSeconds: ${window}${TWICE_MAX_AGE}`);
  }
  const now = options.now ?? Date.now;
  let keys: Keys | undefined;
  // Deliveries of a message id still being handled: a retry that overlaps the first attempt waits for it.
  const inflight = new Map<string, Promise<number>>();

  /** Tells `to` (default onError) about `error`, and returns `status`: what it throws changes no answer. */
  const report = <T>(status: T, error: ValidationError | WebhookError, to: ((error: never) => void) | undefined = onError): T => {
    // Reports name paths, types and the subscription type: from a signed body that quotes the
    // secret there (only someone holding it could sign one), withhold the details. (The JSON of a
    // ValidationError holds its source and issues, so everything its message says.)
    const text = error instanceof ValidationError && JSON.stringify(error);
    if (text && listOf(secret).some((one) => text.includes(one))) {
      error = invalidBody('', 'withheld: it quotes the secret', (error as ValidationError).body);
    }
    try {
      to?.(error as never);
    } catch {
      // A failing reporter must not change the answer.
    }
    return status;
  };
  const failed = (code: WebhookErrorCode, status: number) => (error: unknown) => report(status, new WebhookError(code, error));
  /** Handled: remembered, so a redelivery is acknowledged. (The message was handled: a 500 now would only bring it again.) */
  const remember = (id: string) => (async () => seen.add(id, ttl))().catch(failed('store', 0));

  return async (request) => {
    if (request.method !== 'POST') return answer(405, undefined, { Allow: 'POST' });
    const bytes = await readBody(request, maxBody).catch(failed('body', 400));
    if (typeof bytes === 'number') return answer(bytes);
    const { headers } = request;
    const signed = await verifyParts((keys ??= importKeys(secret)), headers, bytes, maxAge, now()).catch((error: unknown) => {
      // WebCrypto itself failed (not a bad signature): say so without ever naming the secret.
      keys = undefined;
      return failed('crypto', 500)(error);
    });
    if (signed !== true) return answer(signed || 403);

    const id = header(headers, 'Id');
    const kind = header(headers, 'Type');
    // Signed, but a kind this version does not know: acknowledge so Twitch does not count a failure.
    if (![CHALLENGE, 'notification', 'revocation'].includes(kind)) return answer(204);
    let body: EventSubWebhookBody | EventSubShardChallenge;
    let invalid: ValidationError | undefined;
    try {
      // What routing needs throws; the rest is kept aside and settled below, once it is known
      // the message is not a duplicate.
      [body, invalid] = checkWebhookBody(await bytes.text(), schemas, mode);
    } catch (error) {
      // (The parser throws nothing but ValidationError.)
      return answer(report(400, error as ValidationError));
    }
    const misfit = contradiction(kind, body);
    const refuse = () => report(400, invalidBody(misfit!, `does not fit a ${kind} message`, body));
    /** Whether the message may be dispatched: a mismatch is reported, and in strict mode stops it. */
    const pass = () => !invalid || report(mode !== 'strict', invalid, mode === 'strict' ? onError : onInvalid);

    if (kind === CHALLENGE) {
      if (misfit) return answer(refuse());
      // Answering delivers nothing, so a mismatch is only reported; the id is remembered, so the
      // same signed body replayed under another message type is acknowledged without dispatch.
      pass();
      await remember(id);
      return answer(200, body.challenge!);
    }

    // Wait out an attempt of the same id that is still running; if it was handled, this is a duplicate.
    for (let running; (running = inflight.get(id)); ) if ((await running) === 204) return answer(204);
    const retry = header(headers, 'Retry');
    const message: WebhookMessage = {
      id,
      timestamp: header(headers, 'Timestamp'),
      // A plain count only: '1e400', '-1' or '0x10' are not what Twitch sends.
      retry: /^\d{1,9}$/.test(retry) ? Number(retry) : 0,
      // (A body without a subscription is a shard's challenge: `misfit` refuses it below.)
      subscription: body.subscription!,
      body: body as EventSubWebhookBody,
    };
    const attempt = (async () => {
      let step: WebhookErrorCode = 'store';
      try {
        if (await seen.has(id)) return 204;
        if (misfit) return refuse();
        step = 'handler';
        // A strict mismatch is not dispatched but remembered: a retry would fail the same way.
        if (pass()) {
          if (kind === 'revocation') await onRevocation?.(message);
          else {
            await onNotification?.(message);
            const { type } = message.subscription;
            // Own properties only: a type named `constructor` or `__proto__` must not find Object.prototype.
            const handler = Object.hasOwn(on, type) && (on as Record<string, unknown>)[type];
            if (typeof handler === 'function') for (const item of message.body.events ?? [message.body.event]) await handler(item, message);
          }
        }
      } catch (error) {
        return failed(step, 500)(error);
      }
      await remember(id);
      return 204;
    })();
    inflight.set(id, attempt);
    // Registered before any waiter's reaction, so waiters never see a finished attempt.
    void attempt.then(() => inflight.get(id) === attempt && inflight.delete(id));
    return answer(await attempt);
  };
}

// ---------------------------------------------------------------------------------------------
// Subscribing

/** Options of {@link subscribeWebhook}. */
export interface SubscribeWebhookOptions {
  /**
   * Where Twitch will POST: `https://` on port 443. `http://localhost` (or 127.0.0.1, [::1]) is
   * accepted for local fakes such as helixkit's testing kit or the Twitch CLI; Twitch refuses it.
   */
  callback: string;
  /** 10 to 100 ASCII characters; the same secret your handler verifies with. */
  secret: string;
  /** The subscription type's version. Default: the newest Twitch documents. */
  version?: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

function checkCallback(callback: unknown): void {
  let url: URL | undefined;
  try {
    url = typeof callback === 'string' ? new URL(callback) : undefined;
  } catch {
    // reported below
  }
  if (!url) throw new InputError('callback', 'must be an absolute URL');
  const local = url.protocol === 'http:' && LOOPBACK.includes(url.hostname);
  if (!local && (url.protocol !== 'https:' || url.port !== '')) {
    throw new InputError('callback', 'must be an https:// URL on port 443 (Twitch delivers nowhere else)');
  }
}

/**
 * Subscribes a webhook to an EventSub type: checks the secret (10–100 ASCII characters), the
 * callback and the condition first, then creates the subscription (webhooks need an app access
 * token). Resolves the created subscription, whose status is pending until your handler answers
 * Twitch's challenge.
 * @see https://dev.twitch.tv/docs/eventsub/manage-subscriptions/
 */
export async function subscribeWebhook<T extends EventSubTypeName>(
  client: Client,
  type: T,
  condition: ConditionOf<T>,
  options: SubscribeWebhookOptions & VersionOption<T>,
): Promise<CreatedSubscription> {
  const { callback, secret, version } = options;
  // The message names the rule only: the secret itself never goes into an error.
  if (typeof secret !== 'string' || !/^[\x00-\x7f]{10,100}$/.test(secret)) {
    throw new InputError('secret', 'must be 10 to 100 ASCII characters');
  }
  checkCallback(callback);
  const info = checkCondition(type, version, condition);
  // Webhook subscriptions take an app token only: saying so makes a token manager pick its app
  // token even when it holds exactly one user (whose token Twitch would refuse with a 400).
  const spec: EndpointSpec = { ...(createEventSubSubscription.endpoint as EndpointSpec), tokens: ['app'] };
  const input: Record<string, unknown> = {
    type,
    version: info.version,
    condition,
    transport: { method: 'webhook', callback, secret },
  };
  // Batched types must say so when subscribing; the generated spec does not list that field.
  const body = await client.call(
    info.batched ? { ...spec, body: [...spec.body, 'is_batching_enabled'] } : spec,
    info.batched ? { ...input, is_batching_enabled: true } : input,
  );
  const created = (body as { data?: CreatedSubscription[] } | undefined)?.data?.[0];
  if (!created) throw new ValidationError(spec.id, [{ path: 'data', message: 'no subscription in the answer' }], body);
  return created;
}
