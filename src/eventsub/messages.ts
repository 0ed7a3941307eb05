/**
 * The envelope of EventSub messages: WebSocket frames (metadata + payload) and webhook bodies
 * (subscription + event, events or challenge). Only the envelope is checked by default; an
 * event is checked when a schema for its type and version is passed, so a bundle carries only
 * the event schemas it asks for.
 */
import { ValidationError } from '../errors.js';
import { validate, type Schema } from '../validate.js';
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
  readonly condition?: Schema;
  readonly event: Schema;
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
// The envelope's shape, as plain data checked by one small loop: no copying, so a frame costs
// next to nothing beyond JSON.parse, and a problem is named by its path. (Events are checked by
// the valibot schemas of ./schemas.ts, when asked for.)
//   s string · n number · o object · ? may be absent · ~ may be null · a nested object: its shape

interface Shape {
  readonly [field: string]: string | Shape;
}

const SUBSCRIPTION: Shape = {
  id: 's',
  status: 's',
  type: 's',
  version: 's',
  condition: 'o',
  transport: { method: 's' },
  created_at: 's',
  cost: 'n',
};
const SESSION: Shape = {
  id: 's',
  status: 's',
  keepalive_timeout_seconds: 'n~',
  reconnect_url: 's~',
  connected_at: 's',
  recovery_url: 's~?',
};
const METADATA: Shape = {
  message_id: 's',
  message_type: 's',
  message_timestamp: 's',
  subscription_type: 's?',
  subscription_version: 's?',
};
const WEBHOOK_BODY: Shape = { subscription: SUBSCRIPTION, event: 'o?', challenge: 's?' };

const NAMES: Record<string, string> = { s: 'a string', n: 'a number', o: 'an object' };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first field of `value` that does not fit `shape`, as `[path, problem]`; undefined when all fit. */
function misfit(value: unknown, shape: Shape, path: string): [string, string] | undefined {
  if (!isObject(value)) return [path.slice(0, -1), 'must be an object'];
  for (const field in shape) {
    const kind = shape[field]!;
    const item = value[field];
    if (typeof kind !== 'string') {
      const inner = misfit(item, kind, `${path}${field}.`);
      if (inner) return inner;
      continue;
    }
    const want = kind[0];
    if (want === 's' ? typeof item === 'string' : want === 'n' ? typeof item === 'number' : isObject(item)) continue;
    if (item === undefined ? kind.endsWith('?') : item === null && kind.includes('~')) continue;
    return [path + field, `expected ${NAMES[kind[0]!]}, got ${item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item}`];
  }
  return undefined;
}

function fail(source: string, path: string, message: string): never {
  throw new ValidationError(source, [{ path, message }]);
}

function need(value: unknown, shape: Shape, source: string, path: string): void {
  const problem = misfit(value, shape, path);
  if (problem) fail(source, problem[0], problem[1]);
}

const FRAME = 'eventsub message';
const WEBHOOK = 'eventsub webhook body';

/** Checks `event` (an object) or `events` (an array of objects): at least one must be present. */
function needEvents(payload: Record<string, unknown>, source: string, prefix: string): void {
  const { event, events } = payload;
  if (event === undefined && events === undefined) fail(source, `${prefix}event`, 'missing');
  if (event !== undefined && !isObject(event)) fail(source, `${prefix}event`, 'expected an object');
  if (events === undefined) return;
  if (!Array.isArray(events)) fail(source, `${prefix}events`, 'expected an array');
  events.forEach((item, index) => isObject(item) || fail(source, `${prefix}events.${index}`, 'expected an object'));
}

// Descriptor lookups by `type@version`, cached per schemas option object.
const lookups = /* @__PURE__ */ new WeakMap<object, Map<string, EventSubSchema>>();
let last: { list: object; type: string; version: string; found: EventSubSchema | undefined } | undefined;

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
  if (payload.event !== undefined) validate(descriptor.event, payload.event, name, `${prefix}event.`);
  if (Array.isArray(payload.events)) {
    payload.events.forEach((item, index) => validate(descriptor.event, item, name, `${prefix}events.${index}.`));
  }
}

function parseFrame(message: Record<string, unknown>, options: ParseOptions): EventSubFrame {
  const validate = options.validate ?? true;
  const { metadata, payload } = message;
  if (validate) need(metadata, METADATA, FRAME, 'metadata.');
  else if (!isObject(metadata) || typeof metadata.message_id !== 'string') fail(FRAME, 'metadata.message_id', 'missing');
  const type = (metadata as Record<string, unknown>).message_type;
  if (!isObject(payload)) fail(FRAME, 'payload', 'must be an object');
  switch (type) {
    case 'session_keepalive':
      break;
    case 'session_welcome':
    case 'session_reconnect':
      if (validate) need(payload.session, SESSION, FRAME, 'payload.session.');
      else if (!isObject(payload.session) || typeof payload.session.id !== 'string') fail(FRAME, 'payload.session.id', 'missing');
      break;
    case 'notification':
    case 'revocation':
      if (validate) need(payload.subscription, SUBSCRIPTION, FRAME, 'payload.subscription.');
      else if (!isObject(payload.subscription) || typeof payload.subscription.type !== 'string') fail(FRAME, 'payload.subscription', 'missing');
      if (type === 'notification') {
        if (validate) needEvents(payload, FRAME, 'payload.');
        else if (payload.event === undefined && payload.events === undefined) fail(FRAME, 'payload.event', 'missing');
        checkEvents(payload, payload.subscription as { type: string; version: string }, options, FRAME, 'payload.');
      }
      break;
    default:
      fail(FRAME, 'metadata.message_type', `unknown message type ${JSON.stringify(type)}`);
  }
  return message as unknown as EventSubFrame;
}

function parseWebhook(body: Record<string, unknown>, options: ParseOptions): EventSubWebhookBody {
  if (options.validate ?? true) {
    need(body, WEBHOOK_BODY, WEBHOOK, '');
    if (body.events !== undefined) needEvents(body, WEBHOOK, '');
  } else if (!isObject(body.subscription)) fail(WEBHOOK, 'subscription', 'missing');
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
  const value = parsedObject(json);
  return 'metadata' in value ? parseFrame(value, options) : parseWebhook(value, options);
}

/** A JSON string parsed, or a value as it is; either way it must be an object. */
function parsedObject(json: string | unknown): Record<string, unknown> {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      fail(FRAME, '', 'not JSON');
    }
  }
  if (!isObject(value)) fail(FRAME, '', 'must be a JSON object');
  return value;
}

/**
 * Like {@link parseEventSubMessage}, but refuses anything that is not a WebSocket frame. (It
 * does not reach the webhook parser, so a socket-only bundle leaves that out.)
 */
export function parseEventSubFrame(json: string | unknown, options: ParseOptions = {}): EventSubFrame {
  const value = parsedObject(json);
  if (!('metadata' in value)) fail(FRAME, 'metadata', 'missing');
  return parseFrame(value, options);
}

/** Like {@link parseEventSubMessage}, for a webhook request body. */
export function parseEventSubWebhookBody(json: string | unknown, options: ParseOptions = {}): EventSubWebhookBody {
  const value = parsedObject(json);
  if ('metadata' in value) fail(WEBHOOK, 'metadata', 'a WebSocket frame is not a webhook body');
  return parseWebhook(value, options);
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
