/**
 * The envelope of EventSub messages: WebSocket frames (metadata + payload) and webhook bodies
 * (subscription + event, events or challenge). Only the envelope is checked by default; an
 * event is checked when a schema for its type and version is passed, so a bundle carries only
 * the event schemas it asks for.
 */
import {
  array,
  getDotPath,
  looseObject,
  nullable,
  nullish,
  number,
  optional,
  safeParse,
  string,
  type GenericSchema,
} from 'valibot';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { EventSubTypes as KnownTypes } from './types.js';

// ---------------------------------------------------------------------------------------------
// Types

/**
 * The shape of one EventSub subscription type as the typed registry describes it. The full map
 * (`EventSubTypes`) lives in ./types.ts; a type missing there gets a plain object.
 */
export interface EventSubTypeShape {
  readonly version: string;
  readonly condition: object;
  readonly event: object;
}

/** Every subscription type name the registry knows, plus any other string (types Twitch adds later). */
export type EventSubType = keyof KnownTypes | (string & {});

/** The event object of a subscription type (a plain object for types the registry lacks). */
export type EventOf<T extends string> = T extends keyof KnownTypes
  ? KnownTypes[T] extends { event: infer E } ? E : Record<string, unknown>
  : Record<string, unknown>;

/** The condition object of a subscription type. */
export type ConditionOf<T extends string> = T extends keyof KnownTypes
  ? KnownTypes[T] extends { condition: infer C } ? C : Record<string, string>
  : Record<string, string>;

/** The kinds of frame Twitch sends on an EventSub WebSocket. */
export type EventSubMessageType =
  | 'session_welcome'
  | 'session_keepalive'
  | 'notification'
  | 'session_reconnect'
  | 'revocation';

/** A frame's metadata. @see https://dev.twitch.tv/docs/eventsub/websocket-reference/ */
export interface EventSubMetadata<M extends EventSubMessageType = EventSubMessageType> {
  readonly message_id: string;
  readonly message_type: M;
  readonly message_timestamp: string;
  readonly subscription_type?: string;
  readonly subscription_version?: string;
}

/** A WebSocket session as Twitch describes it in welcome and reconnect frames. */
export interface EventSubSession {
  readonly id: string;
  readonly status: string;
  /** Seconds of silence after which the connection counts as dead; `null` in reconnect frames. */
  readonly keepalive_timeout_seconds: number | null;
  /** Where to connect next; set only in `session_reconnect` frames. */
  readonly reconnect_url: string | null;
  readonly connected_at: string;
  readonly recovery_url?: string | null;
}

/** How a subscription is delivered. */
export interface EventSubTransport {
  readonly method: 'websocket' | 'webhook' | 'conduit' | (string & {});
  readonly session_id?: string;
  readonly callback?: string;
  readonly conduit_id?: string;
  readonly connected_at?: string;
  readonly disconnected_at?: string;
}

/** A subscription as it appears in notifications, revocations and webhook bodies. */
export interface EventSubSubscription<T extends string = EventSubType> {
  readonly id: string;
  readonly status: string;
  readonly type: T;
  readonly version: string;
  readonly condition: ConditionOf<T>;
  readonly transport: EventSubTransport;
  readonly created_at: string;
  readonly cost: number;
}

/** `session_welcome`: the session id and keepalive. */
export interface EventSubWelcomeMessage {
  readonly metadata: EventSubMetadata<'session_welcome'>;
  readonly payload: { readonly session: EventSubSession };
}
/** `session_keepalive`: the connection is alive. */
export interface EventSubKeepaliveMessage {
  readonly metadata: EventSubMetadata<'session_keepalive'>;
  readonly payload: Readonly<Record<string, never>>;
}
/** `session_reconnect`: move to `payload.session.reconnect_url`. */
export interface EventSubReconnectMessage {
  readonly metadata: EventSubMetadata<'session_reconnect'>;
  readonly payload: { readonly session: EventSubSession };
}
/** `revocation`: Twitch ended a subscription; `subscription.status` says why. */
export interface EventSubRevocationMessage {
  readonly metadata: EventSubMetadata<'revocation'>;
  readonly payload: { readonly subscription: EventSubSubscription };
}
/** `notification` for one subscription type. */
export interface EventSubNotificationMessage<T extends string = EventSubType> {
  readonly metadata: EventSubMetadata<'notification'>;
  readonly payload: {
    readonly subscription: EventSubSubscription<T>;
    readonly event: EventOf<T>;
    /** Batched types (webhooks) carry `events` instead of `event`. */
    readonly events?: readonly EventOf<T>[];
  };
}

/** Any WebSocket frame, discriminated by `metadata.message_type`. */
export type EventSubFrame =
  | EventSubWelcomeMessage
  | EventSubKeepaliveMessage
  | EventSubReconnectMessage
  | EventSubRevocationMessage
  | EventSubNotificationMessage;

/** A webhook body: a challenge, a notification (`event`, or `events` when batched), or a revocation. */
export interface EventSubWebhookBody<T extends string = EventSubType> {
  readonly subscription: EventSubSubscription<T>;
  readonly event?: EventOf<T>;
  readonly events?: readonly EventOf<T>[];
  readonly challenge?: string;
}

/** What `parseEventSubMessage` returns: a WebSocket frame, or a webhook body. */
export type EventSubMessage = EventSubFrame | EventSubWebhookBody;

/** A schema descriptor for one (type, version), as ./schemas.ts exports them. */
export interface EventSubSchema<T extends string = string> {
  readonly type: T;
  readonly version: string;
  readonly condition?: GenericSchema<unknown>;
  readonly event: GenericSchema<unknown>;
}

/** Event schemas to check notifications against: a list of descriptors or an object of them. */
export type EventSubSchemas =
  | readonly EventSubSchema[]
  | Readonly<Record<string, EventSubSchema>>;

/** Options of {@link parseEventSubMessage}. */
export interface ParseOptions {
  /** Check events of these (type, version) pairs against their schemas. Default: none. */
  readonly schemas?: EventSubSchemas;
  /** Check the envelope's shape. Default `true`; `false` checks only what dispatch needs. */
  readonly validate?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Schemas (built on first use: nothing runs at import time)

interface Schemas {
  metadata: GenericSchema<unknown>;
  session: GenericSchema<unknown>;
  subscription: GenericSchema<unknown>;
  event: GenericSchema<unknown>;
  events: GenericSchema<unknown>;
  webhook: GenericSchema<unknown>;
}
let built: Schemas | undefined;

function schemas(): Schemas {
  if (built) return built;
  const subscription = looseObject({
    id: string(),
    status: string(),
    type: string(),
    version: string(),
    condition: looseObject({}),
    transport: looseObject({ method: string() }),
    created_at: string(),
    cost: number(),
  });
  const event = looseObject({});
  const events = array(looseObject({}));
  built = {
    metadata: looseObject({
      message_id: string(),
      message_type: string(),
      message_timestamp: string(),
      subscription_type: optional(string()),
      subscription_version: optional(string()),
    }),
    session: looseObject({
      id: string(),
      status: string(),
      keepalive_timeout_seconds: nullable(number()),
      reconnect_url: nullable(string()),
      connected_at: string(),
      recovery_url: nullish(string()),
    }),
    subscription,
    event,
    events,
    webhook: looseObject({
      subscription,
      event: optional(event),
      events: optional(events),
      challenge: optional(string()),
    }),
  };
  return built;
}

function check(schema: GenericSchema<unknown>, value: unknown, source: string, prefix: string): void {
  const result = safeParse(schema, value);
  if (result.success) return;
  const issues: ValidationIssue[] = result.issues.map((issue) => {
    const path = getDotPath(issue);
    return { path: path ? prefix + path : prefix.slice(0, -1), message: issue.message };
  });
  throw new ValidationError(source, issues);
}

function fail(source: string, path: string, message: string): never {
  throw new ValidationError(source, [{ path, message }]);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const FRAME = 'eventsub message';
const WEBHOOK = 'eventsub webhook body';

// Descriptor lookups by `type@version`, cached per schemas option object.
const lookups = new WeakMap<object, Map<string, EventSubSchema>>();

/** Finds the schema descriptor for a (type, version) in the `schemas` option. */
export function findSchema(list: EventSubSchemas | undefined, type: string, version: string): EventSubSchema | undefined {
  if (!list) return undefined;
  // Notifications mostly repeat one type: remember the last answer.
  if (last && last.list === list && last.type === type && last.version === version) return last.found;
  let map = lookups.get(list);
  if (!map) {
    map = new Map();
    const items = Array.isArray(list) ? list : Object.values(list);
    for (const item of items as EventSubSchema[]) {
      if (item && typeof item.type === 'string') map.set(`${item.type}@${item.version}`, item);
    }
    lookups.set(list, map);
  }
  const found = map.get(`${type}@${version}`);
  last = { list, type, version, found };
  return found;
}
let last: { list: object; type: string; version: string; found: EventSubSchema | undefined } | undefined;

function checkEvents(
  payload: Record<string, unknown>,
  subscription: { type: string; version: string },
  options: ParseOptions,
  source: string,
  prefix: string,
): void {
  const descriptor = findSchema(options.schemas, subscription.type, subscription.version);
  if (!descriptor) return;
  const name = `${source} (${subscription.type} v${subscription.version})`;
  if (payload.event !== undefined) check(descriptor.event, payload.event, name, `${prefix}event.`);
  if (Array.isArray(payload.events)) {
    payload.events.forEach((item, index) => check(descriptor.event, item, name, `${prefix}events.${index}.`));
  }
}

const KNOWN = new Set<string>(['session_welcome', 'session_keepalive', 'notification', 'session_reconnect', 'revocation']);

// The hot path: plain checks that accept exactly what the valibot schemas above accept (or less),
// so a well-formed frame costs no copying. Anything they reject goes through valibot, which then
// names the path of the problem (or accepts it, if these checks were stricter).
const obj = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const str = (value: unknown) => typeof value === 'string';
const optStr = (value: unknown) => value === undefined || typeof value === 'string';

function fitsSubscription(sub: unknown): boolean {
  return (
    obj(sub) && str(sub.id) && str(sub.status) && str(sub.type) && str(sub.version) && obj(sub.condition) &&
    obj(sub.transport) && str(sub.transport.method) && str(sub.created_at) && typeof sub.cost === 'number'
  );
}

function fitsSession(session: unknown): boolean {
  return (
    obj(session) && str(session.id) && str(session.status) && str(session.connected_at) &&
    (session.keepalive_timeout_seconds === null || typeof session.keepalive_timeout_seconds === 'number') &&
    (session.reconnect_url === null || str(session.reconnect_url)) &&
    (session.recovery_url === null || optStr(session.recovery_url))
  );
}

function fits(message: Record<string, unknown>): boolean {
  const { metadata, payload } = message;
  if (!obj(metadata) || !str(metadata.message_id) || !str(metadata.message_timestamp)) return false;
  if (!optStr(metadata.subscription_type) || !optStr(metadata.subscription_version) || !isObject(payload)) return false;
  switch (metadata.message_type) {
    case 'notification': {
      const { event, events } = payload;
      if (event === undefined && events === undefined) return false;
      if (event !== undefined && !obj(event)) return false;
      if (events !== undefined && !(Array.isArray(events) && events.every(obj))) return false;
      return fitsSubscription(payload.subscription);
    }
    case 'revocation':
      return fitsSubscription(payload.subscription);
    case 'session_welcome':
    case 'session_reconnect':
      return fitsSession(payload.session);
    case 'session_keepalive':
      return true;
    default:
      return false;
  }
}

function parseFrame(message: Record<string, unknown>, options: ParseOptions): EventSubFrame {
  const validate = options.validate ?? true;
  if (validate && fits(message)) {
    const payload = message.payload as Record<string, unknown>;
    if ((message.metadata as { message_type: string }).message_type === 'notification') {
      checkEvents(payload, payload.subscription as { type: string; version: string }, options, FRAME, 'payload.');
    }
    return message as unknown as EventSubFrame;
  }
  const s = schemas();
  const metadata = message.metadata;
  const payload = message.payload;
  if (validate) check(s.metadata, metadata, FRAME, 'metadata.');
  if (!isObject(metadata) || typeof metadata.message_id !== 'string') fail(FRAME, 'metadata.message_id', 'missing');
  const type = metadata.message_type;
  if (typeof type !== 'string' || !KNOWN.has(type)) {
    fail(FRAME, 'metadata.message_type', `unknown message type ${JSON.stringify(type)}`);
  }
  if (!isObject(payload)) fail(FRAME, 'payload', 'must be an object');

  if (type === 'session_welcome' || type === 'session_reconnect') {
    if (validate) check(s.session, payload.session, FRAME, 'payload.session.');
    else if (!isObject(payload.session) || typeof payload.session.id !== 'string') fail(FRAME, 'payload.session.id', 'missing');
  } else if (type === 'notification' || type === 'revocation') {
    if (validate) check(s.subscription, payload.subscription, FRAME, 'payload.subscription.');
    else if (!isObject(payload.subscription) || typeof payload.subscription.type !== 'string') {
      fail(FRAME, 'payload.subscription', 'missing');
    }
    if (type === 'notification') {
      if (payload.event === undefined && payload.events === undefined) fail(FRAME, 'payload.event', 'missing');
      if (validate) {
        if (payload.event !== undefined) check(s.event, payload.event, FRAME, 'payload.event.');
        if (payload.events !== undefined) check(s.events, payload.events, FRAME, 'payload.events.');
      }
      checkEvents(payload, payload.subscription as { type: string; version: string }, options, FRAME, 'payload.');
    }
  }
  return message as unknown as EventSubFrame;
}

function parseWebhook(body: Record<string, unknown>, options: ParseOptions): EventSubWebhookBody {
  if (options.validate ?? true) check(schemas().webhook, body, WEBHOOK, '');
  else if (!isObject(body.subscription)) fail(WEBHOOK, 'subscription', 'missing');
  checkEvents(body, body.subscription as { type: string; version: string }, options, WEBHOOK, '');
  return body as unknown as EventSubWebhookBody;
}

/**
 * Parses and checks a WebSocket frame or webhook body (a JSON string or an already parsed
 * value). Throws `ValidationError`, naming the path, when the shape is wrong; an event is
 * checked when `options.schemas` holds a schema for its type and version.
 * @see https://dev.twitch.tv/docs/eventsub/websocket-reference/
 */
export function parseEventSubMessage(json: string | unknown, options: ParseOptions = {}): EventSubMessage {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      fail(FRAME, '', 'not JSON');
    }
  }
  if (!isObject(value)) fail(FRAME, '', 'must be a JSON object');
  return 'metadata' in value ? parseFrame(value, options) : parseWebhook(value, options);
}

/** Like {@link parseEventSubMessage}, but refuses anything that is not a WebSocket frame. */
export function parseEventSubFrame(json: string | unknown, options: ParseOptions = {}): EventSubFrame {
  const message = parseEventSubMessage(json, options);
  if (!('metadata' in message)) fail(FRAME, 'metadata', 'missing');
  return message;
}

/** Like {@link parseEventSubMessage}, for a webhook request body. */
export function parseEventSubWebhookBody(json: string | unknown, options: ParseOptions = {}): EventSubWebhookBody {
  const message = parseEventSubMessage(json, options);
  if ('metadata' in message) fail(WEBHOOK, 'metadata', 'a WebSocket frame is not a webhook body');
  return message;
}

/** The frame type whose `metadata.message_type` is `M`. */
export type FrameOf<M extends EventSubMessageType> = Extract<EventSubFrame, { metadata: { message_type: M } }>;

/** Narrows a frame by its `metadata.message_type` (TypeScript does not narrow on nested fields). */
export function isFrameOf<M extends EventSubMessageType>(frame: EventSubFrame, type: M): frame is FrameOf<M> {
  return frame.metadata.message_type === type;
}

/** Narrows a notification to one subscription type. */
export function isNotificationOf<T extends string>(
  message: EventSubFrame,
  type: T,
): message is EventSubNotificationMessage<T> & EventSubFrame {
  return message.metadata.message_type === 'notification' && (message as EventSubNotificationMessage).payload.subscription.type === type;
}
