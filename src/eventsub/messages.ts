/**
 * The envelope of EventSub messages: WebSocket frames (metadata + payload) and webhook bodies
 * (subscription + event, events or challenge). Only the envelope is checked by default; an
 * event is checked when a schema for its type and version is passed, so a bundle carries only
 * the event schemas it asks for.
 */
import { ValidationError, type ValidationIssue } from '../errors.js';
import { check, issueAt, modeOf, type Schema, type ValidateMode } from '../validate.js';
import type { Log, LogEntry } from '../log.js';
import type { EventSubType, EventSubTypes as KnownTypes } from './types.js';

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

declare const unknownTypeBrand: unique symbol;

/**
 * A subscription type name helixkit does not know yet, as {@link unknownType} makes it: a string
 * at runtime, a type of its own to the compiler, which no string literal (so no typo) has.
 */
export type UnknownEventSubType<N extends string = string> = N & { readonly [unknownTypeBrand]: N };

/**
 * The subscription type names `subscribe`, `on`, `events`, `waitFor` and the webhook handler's
 * `on` take: one the registry knows (so a misspelt name fails to compile), or one made with
 * {@link unknownType}.
 */
export type EventSubTypeName = EventSubType | UnknownEventSubType;

/**
 * The one way to use a subscription type that Twitch added after this version of helixkit:
 * `socket.subscribe(unknownType('channel.new_type'), condition, { version: '1' })`, then
 * `socket.on(unknownType('channel.new_type'), (event) => …)` or, in a webhook handler,
 * `on: { [unknownType('channel.new_type')]: (event) => … }`. Its events and condition are plain
 * objects; subscribing needs the version, and checks only that condition values are strings.
 *
 * Why a branded helper: a plain string can only become a type name by this visible call, so a
 * string literal that is not a known name still fails to compile and every escape can be found
 * by searching for `unknownType(`. A `string & {}` member (what 0.1 had) or a generic
 * `on<T extends string>` overload would accept any string, typos included. Once helixkit knows
 * the type, `unknownType('that.type')` gets its typed events; drop the call when convenient.
 */
export const unknownType = <const N extends string>(name: N): UnknownEventSubType<N> => name as UnknownEventSubType<N>;

/** The plain name inside an {@link UnknownEventSubType}, or the name itself. */
type PlainName<T extends string> = T extends { readonly [unknownTypeBrand]: infer N extends string } ? N : T;

/** Any subscription type name as data carries it: Twitch may send a type helixkit does not know. */
type AnyTypeName = EventSubType | (string & {});

/** The event object of a subscription type (a plain object for types the registry lacks). */
export type EventOf<T extends string> = T extends unknown
  ? PlainName<T> extends infer N extends keyof KnownTypes ? KnownTypes[N]['event'] : Record<string, unknown>
  : never;

/** The condition object of a subscription type (string values for types the registry lacks). */
export type ConditionOf<T extends string> = T extends unknown
  ? PlainName<T> extends infer N extends keyof KnownTypes ? KnownTypes[N]['condition'] : Record<string, string>
  : never;

/**
 * The `version` option for a type: it may be left out (the newest is used) for a type the
 * registry knows, and must be given for an {@link unknownType}.
 */
export type VersionOption<T extends string> = PlainName<T> extends keyof KnownTypes ? { version?: string } : { version: string };

/** `subscribe`'s options for a type: optional, except for an {@link unknownType}, whose version is needed. */
export type SubscribeOptionsFor<T extends string> = PlainName<T> extends keyof KnownTypes
  ? [options?: VersionOption<T>]
  : [options: VersionOption<T>];

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

/**
 * A subscription as it appears in notifications, revocations and webhook bodies. Twitch's own
 * examples sometimes leave out `cost`, `created_at` or transport details, so only what routing
 * needs is promised.
 */
export interface EventSubSubscription<T extends string = AnyTypeName> {
  readonly id: string;
  readonly status: string;
  readonly type: T;
  readonly version: string;
  readonly condition: ConditionOf<T>;
  readonly transport?: EventSubTransport;
  readonly created_at?: string;
  readonly cost?: number;
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
export interface EventSubNotificationMessage<T extends string = AnyTypeName> {
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
export interface EventSubWebhookBody<T extends string = AnyTypeName> {
  readonly subscription: EventSubSubscription<T>;
  readonly event?: EventOf<T>;
  readonly events?: readonly EventOf<T>[];
  readonly challenge?: string;
}

/**
 * The challenge Twitch sends a webhook shard of a conduit: it names the shard instead of a
 * subscription (Twitch's conduit guide, "Verifying a conduit").
 */
export interface EventSubShardChallenge {
  readonly challenge: string;
  readonly conduit_shard: { readonly conduit_id: string; readonly shard: string };
  readonly subscription?: undefined;
  readonly event?: undefined;
  readonly events?: undefined;
}

/** What `parseEventSubMessage` returns: a WebSocket frame, a webhook body, or a shard's challenge. */
export type EventSubMessage = EventSubFrame | EventSubWebhookBody | EventSubShardChallenge;

/** A schema descriptor for one (type, version), as ./schemas.ts exports them. */
export interface EventSubSchema<T extends string = string> {
  readonly type: T;
  readonly version: string;
  readonly condition?: Schema;
  readonly event: Schema;
  /**
   * A quick test that is true only for events `event` accepts (./schemas.ts generates one per
   * schema): a fitting event is then not walked by the schema, which runs only to name misfits.
   */
  readonly fits?: (event: unknown) => boolean;
}

/** Event schemas to check notifications against: a list of descriptors or an object of them. */
export type EventSubSchemas =
  | readonly EventSubSchema[]
  | Readonly<Record<string, EventSubSchema>>;

/** Options of {@link parseEventSubMessage}. */
export interface ParseOptions {
  /** Check events of these (type, version) pairs against their schemas. Default: none. */
  readonly schemas?: EventSubSchemas;
  /**
   * How the envelope (and events with a schema) are checked. `'strict'` (default here, or
   * `true`): throw `ValidationError`. `'report'`: return the message and pass the mismatch to
   * `onInvalid`. `false`: no check beyond what routing needs. What routing needs (message id,
   * type and timestamp; subscription id, type and version; the event or events) is always
   * checked, since a message without it cannot be delivered.
   */
  readonly validate?: ValidateMode | boolean;
  /** Told about mismatches in `'report'` mode; the error carries the whole message on `.body`. */
  readonly onInvalid?: (error: ValidationError) => void;
  /** Also told about those mismatches, first, as `invalid` {@link LogEntry} objects. */
  readonly log?: Log;
}

// ---------------------------------------------------------------------------------------------
// The envelope's shape, as plain data checked by one small loop: no copying, so a frame costs
// next to nothing beyond JSON.parse, and each problem is named by its path. (Events are checked
// by the valibot schemas of ./schemas.ts, when asked for.)
//   a typeof name (object: not null, not an array) · ? may be absent · ~ may be null · a nested object: its shape
//   ! needed for routing: checked in every mode, and a message without it is refused

interface Shape {
  readonly [field: string]: string | Shape;
}

const SUBSCRIPTION: Shape = {
  id: 'string!',
  status: 'string',
  type: 'string!',
  version: 'string!',
  condition: 'object',
  transport: 'object?',
  created_at: 'string?',
  cost: 'number?',
};
const SESSION: Shape = {
  id: 'string!',
  status: 'string',
  keepalive_timeout_seconds: 'number~',
  reconnect_url: 'string~',
  connected_at: 'string',
  recovery_url: 'string~?',
};
const METADATA: Shape = {
  message_id: 'string!',
  message_type: 'string!',
  message_timestamp: 'string!',
  subscription_type: 'string?',
  subscription_version: 'string?',
};
/** A frame: its metadata, and a payload that is an object (what is in it depends on the type). */
const FRAME_SHAPE: Shape = { metadata: METADATA, payload: {} };
/** A frame's payload, by message type. */
const PAYLOADS: Readonly<Record<string, Shape>> = {
  session_keepalive: {},
  session_welcome: { session: SESSION },
  session_reconnect: { session: SESSION },
  notification: { subscription: SUBSCRIPTION },
  revocation: { subscription: SUBSCRIPTION },
};
const WEBHOOK_BODY: Shape = { subscription: SUBSCRIPTION, challenge: 'string?' };
const SHARD_CHALLENGE: Shape = { challenge: 'string!', conduit_shard: { conduit_id: 'string!', shard: 'string!' } };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What one check found: issues that stop routing (`[0]`), and the rest (`[1]`). Plain indices: a named constant costs the bundle bytes. */
type Findings = [routing: ValidationIssue[], other: ValidationIssue[]];

/**
 * Adds each field of `value` that does not fit `shape` to `found`. Every shape holds routing
 * fields, so a value that is not an object at all stops routing.
 */
function misfits(value: unknown, shape: Shape, path: string, found: Findings): void {
  if (!isObject(value)) {
    found[0].push(issueAt(path.slice(0, -1), 'object', value));
    return;
  }
  for (const field in shape) {
    const kind = shape[field]!;
    const item = value[field];
    if (typeof kind !== 'string') {
      misfits(item, kind, `${path}${field}.`, found);
      continue;
    }
    const want = kind.replace(/\W/g, '');
    if (want === 'object' ? isObject(item) : typeof item === want) continue;
    if (item === undefined ? kind.includes('?') : item === null && kind.includes('~')) continue;
    found[kind.endsWith('!') ? 0 : 1].push(issueAt(path + field, want, item));
  }
}

/**
 * `event` (an object) or `events` (an array of objects), one of them present: routing needs it.
 * With a `descriptor` (found by the caller, in a mode that checks), each event is also checked
 * against its schema.
 */
function eventMisfits(payload: Record<string, any>, prefix: string, found: Findings, descriptor?: EventSubSchema | false): void {
  const { event, events } = payload;
  /** An event must be an object; `checked` ones are then checked against the schema, if any. */
  const one = (item: unknown, path: string, checked: boolean) =>
    isObject(item)
      ? checked && descriptor && found[1].push(...(check(descriptor.event, item, '', `${path}.`)?.issues ?? []))
      : found[0].push(issueAt(path, 'object', item));
  if (event !== undefined || events === undefined) one(event, `${prefix}event`, events === undefined);
  if (Array.isArray(events)) events.forEach((item, index) => one(item, `${prefix}events.${index}`, true));
  else if (events !== undefined) found[0].push(issueAt(`${prefix}events`, 'array', events));
}

const FRAME = 'eventsub message';
const WEBHOOK = 'eventsub webhook body';

/** A webhook body's ValidationError of one issue (the webhook handler's too). */
export const invalidBody = (path: string, message: string, body: unknown) => new ValidationError(WEBHOOK, [{ path, message }], body);

function fail(source: string, path: string, message: string, body?: unknown): never {
  throw new ValidationError(source, [{ path, message }], body);
}

// Descriptor lookups by `type@version`, one Map per schemas option object; and the last answer,
// the frames' fast path keeps the last answer, since notifications mostly repeat one type.
const lookups = /* @__PURE__ */ new WeakMap<object, Map<string, EventSubSchema>>();
let last: [list?: object, type?: string, version?: string, found?: EventSubSchema] = [];

/**
 * Finds the schema descriptor for a (type, version) in the `schemas` option. A list is indexed
 * the first time it is seen and treated as the readonly value its type says: to check more
 * types, pass a new list rather than adding to one in use.
 */
export function findSchema(list: EventSubSchemas | undefined, type: string, version: string): EventSubSchema | undefined {
  let map = list && lookups.get(list);
  if (list && !map) lookups.set(list, (map = new Map(Object.values(list).map((item: EventSubSchema) => [`${item?.type}@${item?.version}`, item]))));
  return map?.get(`${type}@${version}`);
}

/** The schema `options.schemas` holds for the type and version of a payload's subscription (which may be anything). */
function schemaOf({ subscription }: Record<string, any>, { schemas }: ParseOptions): EventSubSchema | undefined {
  const type = subscription?.type;
  const version = subscription?.version;
  if (last[0] !== schemas || last[1] !== type || last[2] !== version) last = [schemas, type, version, findSchema(schemas, type, version)];
  return last[3];
}

/** Whether an event fits the schema `options.schemas` holds for its subscription's type and version (or none is held). */
function eventFits(payload: Record<string, any>, options: ParseOptions): boolean {
  const descriptor = schemaOf(payload, options);
  return !descriptor || (descriptor.fits ? descriptor.fits(payload.event) : !check(descriptor.event, payload.event, ''));
}

/**
 * Settles what a check found: routing problems always throw; others throw in strict mode, go
 * to `onInvalid` in report mode, and are ignored with `validate: false`. `source` names the
 * type and version when known, so a report says which events surprise.
 */
function settle(found: Findings, mode: ValidateMode, options: ParseOptions, source: string, message: unknown): void {
  const [routing, other] = found;
  if (routing[0]) throw new ValidationError(source, routing, message);
  if (!mode || !other[0]) return;
  const error = new ValidationError(source, other, message);
  if (mode === 'strict') throw error;
  try {
    options.log?.({ type: 'invalid', source: 'eventsub', error });
    options.onInvalid?.(error);
  } catch {
    // A failing reporter must not cost the event.
  }
}

/** The mode of a parse call: strict unless told otherwise. */
const parseMode = (options: ParseOptions): ValidateMode => modeOf(options.validate ?? true);

/**
 * `eventsub message (channel.follow v2)` once the subscription is known (`payload` is an object;
 * its subscription may be anything). The names come from the network, so only plain type and
 * version names go into a report (no text, no line breaks).
 */
const named = (source: string, { subscription }: Record<string, any>) => {
  const name = `${subscription?.type} v${subscription?.version}`;
  return /^\w+\.[\w.]{1,80} v\w{1,9}$/.test(name) ? `${source} (${name})` : source;
};

const isString = (value: unknown) => typeof value === 'string';
const maybeString = (value: unknown) => value === undefined || typeof value === 'string';

/**
 * The common case, a notification whose envelope fits, told with plain property reads: walking
 * the shapes above reads fields by computed names, which costs several times as much per frame.
 * True only when the walk would find nothing; anything else takes the walk, which names misfits.
 */
function isPlainNotification({ metadata: m, payload: p }: Record<string, any>): boolean {
  const s = isObject(p) && p.subscription;
  return (
    isObject(m) &&
    m.message_type === 'notification' &&
    isString(m.message_id) &&
    isString(m.message_timestamp) &&
    maybeString(m.subscription_type) &&
    maybeString(m.subscription_version) &&
    isObject(s) &&
    isString(s.id) &&
    isString(s.status) &&
    isString(s.type) &&
    isString(s.version) &&
    isObject(s.condition) &&
    (s.transport === undefined || isObject(s.transport)) &&
    maybeString(s.created_at) &&
    (s.cost === undefined || typeof s.cost === 'number') &&
    isObject(p.event) &&
    p.events === undefined
  );
}

function parseFrame(message: Record<string, unknown>, options: ParseOptions): EventSubFrame {
  const mode = parseMode(options);
  // Most frames are notifications that fit: they return here, with nothing built.
  if (isPlainNotification(message) && (!mode || eventFits(message.payload as Record<string, unknown>, options))) {
    return message as unknown as EventSubFrame;
  }
  const found: Findings = [[], []];
  misfits(message, FRAME_SHAPE, '', found);
  if (found[0][0]) throw new ValidationError(FRAME, found[0], message);
  const type = (message.metadata as Record<string, unknown>).message_type as string;
  const body = message.payload as Record<string, any>;
  if (!Object.hasOwn(PAYLOADS, type)) fail(FRAME, 'metadata.message_type', 'expected a known message type', message);
  misfits(body, PAYLOADS[type]!, 'payload.', found);
  if (type === 'notification') eventMisfits(body, 'payload.', found, mode && schemaOf(body, options));
  settle(found, mode, options, named(FRAME, body), message);
  return message as unknown as EventSubFrame;
}

function parseWebhook(body: Record<string, unknown>, options: ParseOptions): EventSubWebhookBody | EventSubShardChallenge {
  const mode = parseMode(options);
  settle(webhookFindings(body, options.schemas, mode), mode, options, named(WEBHOOK, body), body);
  return body as unknown as EventSubWebhookBody | EventSubShardChallenge;
}

/** What a webhook body's check finds, in `mode`. */
function webhookFindings(body: Record<string, unknown>, schemas: EventSubSchemas | undefined, mode: ValidateMode): Findings {
  const found: Findings = [[], []];
  // A conduit shard's challenge has no subscription, only the shard it verifies.
  misfits(body, body.conduit_shard && body.subscription === undefined ? SHARD_CHALLENGE : WEBHOOK_BODY, '', found);
  // A webhook body has an event only when it is a notification (the header says which): check
  // one when present, and the handler checks that a notification has one.
  if (body.event !== undefined || body.events !== undefined) {
    // A plain search, the last fit winning as in findSchema: a webhook request carries one
    // message, so the frames' cached lookup would save no time, only cost a Worker bytes.
    const { type, version } = (body.subscription ?? {}) as Record<string, unknown>;
    const descriptor = mode && Object.values(schemas ?? {}).findLast((item: EventSubSchema) => item?.type === type && item?.version === version);
    eventMisfits(body, '', found, descriptor);
  }
  return found;
}

/**
 * A webhook body's text, checked for the webhook handler: what routing needs throws a
 * ValidationError; the other mismatches (in a mode that checks) come back as one, to settle
 * once the handler knows the message is new. (Leaner than the parse function: no reporting.)
 */
export function checkWebhookBody(
  text: string,
  schemas: EventSubSchemas | undefined,
  mode: ValidateMode,
): [body: EventSubWebhookBody | EventSubShardChallenge, invalid: ValidationError | undefined] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidBody('', 'not JSON', text);
  }
  if (!isObject(body)) throw invalidBody('', 'expected an object', body);
  const [routing, other] = webhookFindings(body, schemas, mode);
  const source = named(WEBHOOK, body);
  if (routing[0]) throw new ValidationError(source, routing, body);
  return [body as unknown as EventSubWebhookBody, mode && other[0] ? new ValidationError(source, other, body) : undefined];
}

/**
 * Parses and checks a WebSocket frame or webhook body (a JSON string or an already parsed
 * value). Throws `ValidationError`, naming each path and type, when the shape is wrong (unless
 * `validate` says otherwise); an event is checked when `options.schemas` holds a schema for its
 * type and version.
 * @see https://dev.twitch.tv/docs/eventsub/websocket-reference/
 */
export function parseEventSubMessage(json: string | unknown, options: ParseOptions = {}): EventSubMessage {
  const value = parsedObject(json);
  return 'metadata' in value ? parseFrame(value, options) : parseWebhook(value, options);
}

/** A JSON string parsed, or a value as it is; either way it must be an object. */
function parsedObject(json: string | unknown, source = FRAME): Record<string, unknown> {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      fail(source, '', 'not JSON', json);
    }
  }
  if (!isObject(value)) fail(source, '', 'expected an object', value);
  return value;
}

/**
 * Like {@link parseEventSubMessage}, but refuses anything that is not a WebSocket frame. (It
 * does not reach the webhook parser, so a socket-only bundle leaves that out.)
 */
export function parseEventSubFrame(json: string | unknown, options: ParseOptions = {}): EventSubFrame {
  // (A body without metadata is refused by the frame's shape: `metadata` must be an object.)
  return parseFrame(parsedObject(json), options);
}

/** Like {@link parseEventSubMessage}, for a webhook request body. */
export function parseEventSubWebhookBody(json: string | unknown, options: ParseOptions = {}): EventSubWebhookBody | EventSubShardChallenge {
  const value = parsedObject(json, WEBHOOK);
  if ('metadata' in value) fail(WEBHOOK, 'metadata', 'a WebSocket frame is not a webhook body', value);
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
