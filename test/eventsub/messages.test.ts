import { looseObject, string } from 'valibot';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import {
  isFrameOf,
  isNotificationOf,
  parseEventSubFrame,
  parseEventSubMessage,
  parseEventSubWebhookBody,
} from '../../src/eventsub/messages.js';
import { channelFollowV2 } from '../../src/eventsub/schemas.js';

const subscription = {
  id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
  status: 'enabled',
  type: 'channel.follow',
  version: '2',
  condition: { broadcaster_user_id: '1337', moderator_user_id: '1337' },
  transport: { method: 'websocket', session_id: 'AQoQexAWVYKSTIu4ec_2VAxyuhAB' },
  created_at: '2023-07-19T14:56:51.634234626Z',
  cost: 0,
};
const follow = {
  user_id: '1234',
  user_login: 'cool_user',
  user_name: 'Cool_User',
  broadcaster_user_id: '1337',
  broadcaster_user_login: 'cooler_user',
  broadcaster_user_name: 'Cooler_User',
  followed_at: '2020-07-15T18:16:11.17106713Z',
};
const metadata = (message_type: string, extra: object = {}) => ({
  message_id: 'befa7b53-d79d-478f-86b9-120f112b044e',
  message_type,
  message_timestamp: '2023-07-19T10:11:12.464757833Z',
  ...extra,
});
const notification = {
  metadata: metadata('notification', { subscription_type: 'channel.follow', subscription_version: '2' }),
  payload: { subscription, event: follow },
};
const followSchema = {
  type: 'channel.follow',
  version: '2',
  event: looseObject({ user_id: string(), user_login: string(), followed_at: string() }),
};

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('parseEventSubMessage', () => {
  it('parses a welcome frame from a JSON string', () => {
    const frame = parseEventSubFrame(
      JSON.stringify({
        metadata: metadata('session_welcome'),
        payload: {
          session: {
            id: 'AQoQexAWVYKSTIu4ec_2VAxyuhAB',
            status: 'connected',
            keepalive_timeout_seconds: 10,
            reconnect_url: null,
            connected_at: '2023-07-19T14:56:51.616329898Z',
          },
        },
      }),
    );
    expect(frame.metadata.message_type).toBe('session_welcome');
    expect(isFrameOf(frame, 'session_welcome')).toBe(true);
    if (isFrameOf(frame, 'session_welcome')) expect(frame.payload.session.keepalive_timeout_seconds).toBe(10);
  });

  it('parses keepalive, reconnect and revocation frames', () => {
    expect(parseEventSubFrame({ metadata: metadata('session_keepalive'), payload: {} }).metadata.message_type).toBe('session_keepalive');
    const reconnect = parseEventSubFrame({
      metadata: metadata('session_reconnect'),
      payload: {
        session: {
          id: 'x',
          status: 'reconnecting',
          keepalive_timeout_seconds: null,
          reconnect_url: 'wss://eventsub.wss.twitch.tv?id=x',
          connected_at: '2022-11-16T10:11:12.634234626Z',
        },
      },
    });
    expect(reconnect.metadata.message_type).toBe('session_reconnect');
    const revocation = parseEventSubFrame({
      metadata: metadata('revocation', { subscription_type: 'channel.follow', subscription_version: '2' }),
      payload: { subscription: { ...subscription, status: 'authorization_revoked' } },
    });
    expect(revocation.metadata.message_type).toBe('revocation');
  });

  it('parses a notification and keeps unknown fields', () => {
    const frame = parseEventSubFrame({ ...notification, payload: { ...notification.payload, extra: 1 } });
    expect(isNotificationOf(frame, 'channel.follow')).toBe(true);
    if (isNotificationOf(frame, 'channel.follow')) expect(frame.payload.event.user_login).toBe('cool_user');
    expect((frame.payload as Record<string, unknown>).extra).toBe(1);
  });

  it('names the path of a malformed envelope', () => {
    const error = errorOf(() =>
      parseEventSubMessage({ ...notification, payload: { subscription: { ...subscription, cost: 'free' }, event: follow } }),
    );
    expect(error.path).toBe('payload.subscription.cost');
    expect(errorOf(() => parseEventSubMessage({ metadata: { message_type: 'notification' }, payload: {} })).path).toBe('metadata.message_id');
  });

  it('refuses text that is not JSON and unknown message types', () => {
    expect(errorOf(() => parseEventSubMessage('{oops')).message).toMatch(/not JSON/);
    expect(errorOf(() => parseEventSubMessage({ metadata: metadata('session_party'), payload: {} })).path).toBe('metadata.message_type');
    // Names every object has are no message types either.
    for (const type of ['constructor', 'toString', '__proto__']) {
      expect(errorOf(() => parseEventSubMessage({ metadata: metadata(type), payload: {} })).path).toBe('metadata.message_type');
    }
    expect(errorOf(() => parseEventSubMessage('[]')).path).toBe('');
  });

  it('does not check an event without a schema, and checks it with one', () => {
    const odd = { ...notification, payload: { subscription, event: { ...follow, user_login: 42 } } };
    expect(() => parseEventSubMessage(odd)).not.toThrow();
    const error = errorOf(() => parseEventSubMessage(odd, { schemas: [followSchema] }));
    expect(error.path).toBe('payload.event.user_login');
    // an object of descriptors works too, and other versions are not checked with it
    expect(errorOf(() => parseEventSubMessage(odd, { schemas: { follow: followSchema } })).path).toBe('payload.event.user_login');
    const v1 = { ...odd, payload: { ...odd.payload, subscription: { ...subscription, version: '1' } } };
    expect(() => parseEventSubMessage(v1, { schemas: [followSchema] })).not.toThrow();
  });

  it("checks events with a generated schema, whose quick test passes what fits and the schema names what does not", () => {
    const schemas = [channelFollowV2];
    const frame = parseEventSubMessage(notification, { schemas });
    expect(frame).toBe(notification);
    const odd = { ...notification, payload: { subscription, event: { ...follow, user_login: 42, followed_at: undefined } } };
    expect(errorOf(() => parseEventSubMessage(odd, { schemas })).issues.map((issue) => issue.path)).toEqual(['payload.event.user_login', 'payload.event.followed_at']);
    const reports: ValidationError[] = [];
    expect(parseEventSubMessage(odd, { schemas, validate: 'report', onInvalid: (error) => reports.push(error) })).toBe(odd);
    expect(reports.map((error) => error.path)).toEqual(['payload.event.user_login']);
    // A descriptor of one's own needs no quick test: its schema decides alone.
    expect(errorOf(() => parseEventSubMessage(odd, { schemas: [followSchema] })).path).toBe('payload.event.user_login');
  });

  it('parses webhook bodies: challenge, event and batched events', () => {
    const challenge = parseEventSubWebhookBody({ subscription: { ...subscription, status: 'webhook_callback_verification_pending' }, challenge: 'pogchamp-kappa-360noscope-vohiyo' });
    expect(challenge.challenge).toBe('pogchamp-kappa-360noscope-vohiyo');
    expect(parseEventSubWebhookBody(JSON.stringify({ subscription, event: follow })).event).toEqual(follow);
    const batched = { subscription: { ...subscription, type: 'drop.entitlement.grant', version: '1' }, events: [{ id: 'a', data: {} }, { id: 'b' }] };
    expect(parseEventSubWebhookBody(batched).events).toHaveLength(2);
    const dropSchema = { type: 'drop.entitlement.grant', version: '1', event: looseObject({ id: string(), data: looseObject({}) }) };
    expect(errorOf(() => parseEventSubWebhookBody(batched, { schemas: [dropSchema] })).path).toBe('events.1.data');
    expect(errorOf(() => parseEventSubWebhookBody({ event: follow })).path).toBe('subscription');
    expect(errorOf(() => parseEventSubWebhookBody({ subscription: { ...subscription, id: undefined }, event: follow })).path).toBe('subscription.id');
    expect(errorOf(() => parseEventSubWebhookBody({ subscription, event: [] })).path).toBe('event');
    expect(errorOf(() => parseEventSubWebhookBody({ subscription, challenge: 5 })).path).toBe('challenge');
    expect(() => parseEventSubWebhookBody(notification)).toThrow(ValidationError);
  });

  it('with validate: false checks only what routing needs', () => {
    const loose = { ...notification, payload: { subscription: { ...subscription, cost: 'free' }, event: follow } };
    expect(() => parseEventSubMessage(loose, { validate: false })).not.toThrow();
    expect(() => parseEventSubMessage({ metadata: metadata('notification'), payload: {} }, { validate: false })).toThrow(ValidationError);
  });

  it('always refuses a message routing cannot use, in every mode, naming the path', () => {
    const cases: [object, string][] = [
      [{ ...notification, payload: { subscription, events: 5 } }, 'payload.events'],
      [{ ...notification, payload: { subscription, events: 'abc' } }, 'payload.events'],
      [{ ...notification, payload: { subscription, event: 'abc' } }, 'payload.event'],
      [{ ...notification, payload: { subscription: { ...subscription, type: undefined }, event: follow } }, 'payload.subscription.type'],
      [{ ...notification, payload: { subscription: { ...subscription, version: 2 }, event: follow } }, 'payload.subscription.version'],
      [{ ...notification, payload: { event: follow } }, 'payload.subscription'],
      [{ ...notification, metadata: { ...notification.metadata, message_timestamp: undefined } }, 'metadata.message_timestamp'],
      [{ metadata: metadata('session_welcome'), payload: { session: { status: 'connected' } } }, 'payload.session.id'],
    ];
    for (const [message, path] of cases) {
      for (const validate of [false, 'report', 'strict'] as const) {
        const error = errorOf(() => parseEventSubMessage(message, { validate, onInvalid: () => {} }));
        expect(error.path, `${path} (${validate})`).toBe(path);
        expect(error.body).toBe(message);
      }
    }
  });

  it('names the type and version in a report only when they are plain names (they come from the network)', () => {
    const sources: string[] = [];
    const onInvalid = (error: ValidationError) => void sources.push(error.source);
    const odd = (type: string, version: string) => ({
      ...notification,
      payload: { subscription: { ...subscription, type, version, cost: 'x' }, event: follow },
    });
    parseEventSubMessage(odd('channel.follow', '2'), { validate: 'report', onInvalid });
    parseEventSubMessage(odd('channel.follow\nsk_live_1 injected', '2'), { validate: 'report', onInvalid });
    parseEventSubMessage(odd(`channel.${'x'.repeat(200)}`, '2'), { validate: 'report', onInvalid });
    expect(sources).toEqual(['eventsub message (channel.follow v2)', 'eventsub message', 'eventsub message']);
  });

  it("accepts notifications without cost, created_at or transport details, as Twitch's own examples send them", () => {
    const { cost: _c, created_at: _a, transport: _t, ...bare } = subscription;
    const frame = parseEventSubFrame({ ...notification, payload: { subscription: bare, event: follow } });
    expect(frame.metadata.message_type).toBe('notification');
    expect(parseEventSubWebhookBody({ subscription: bare, event: follow }).event).toEqual(follow);
  });

  it("in 'report' mode returns the message and reports each mismatch once, with paths and types only", () => {
    const secret = 'sk_live_value_never_printed';
    const odd = { ...notification, payload: { subscription: { ...subscription, cost: secret }, event: { ...follow, user_login: [secret] } } };
    const reports: ValidationError[] = [];
    const frame = parseEventSubMessage(odd, { validate: 'report', schemas: [followSchema], onInvalid: (error) => reports.push(error) });
    expect(frame).toBe(odd);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.source).toBe('eventsub message (channel.follow v2)');
    expect(reports[0]!.issues.map(({ path, expected, received }) => `${path}: ${expected}/${received}`)).toEqual([
      'payload.subscription.cost: number/string',
      'payload.event.user_login: string/array',
    ]);
    expect(reports[0]!.body).toBe(odd);
    expect(reports[0]!.message).not.toContain(secret);
    expect(JSON.stringify(reports[0])).not.toContain(secret);
    // A reporter that throws does not cost the message.
    expect(parseEventSubMessage(odd, { validate: 'report', onInvalid: () => { throw new Error('x'); } })).toBe(odd);
    // Strict is the default of the parse functions.
    expect(errorOf(() => parseEventSubMessage(odd)).path).toBe('payload.subscription.cost');
  });

  // The fast path must refuse everything valibot refuses: each wrong field is named by its path.
  const welcome = {
    metadata: metadata('session_welcome'),
    payload: { session: { id: 's', status: 'connected', keepalive_timeout_seconds: 10, reconnect_url: null, connected_at: 'x' } },
  };
  const broken: [string, object, string][] = [
    ['message_id', { ...notification, metadata: { ...notification.metadata, message_id: 1 } }, 'metadata.message_id'],
    ['message_timestamp', { ...notification, metadata: { ...notification.metadata, message_timestamp: null } }, 'metadata.message_timestamp'],
    ['message_type', { ...notification, metadata: { ...notification.metadata, message_type: 'notifications' } }, 'metadata.message_type'],
    ['metadata', { ...notification, metadata: Object.assign([], notification.metadata) }, 'metadata'],
    ['events beside event', { ...notification, payload: { subscription, event: follow, events: 5 } }, 'payload.events'],
    ['payload', { ...notification, payload: 'p' }, 'payload'],
    ['subscription', { ...notification, payload: { subscription: [subscription], event: follow } }, 'payload.subscription'],
    ['subscription_type', { ...notification, metadata: { ...notification.metadata, subscription_type: 2 } }, 'metadata.subscription_type'],
    ['event', { ...notification, payload: { subscription, event: 'follow' } }, 'payload.event'],
    ['events', { ...notification, payload: { subscription, events: {} } }, 'payload.events'],
    ['events item', { ...notification, payload: { subscription, events: [follow, 3] } }, 'payload.events.1'],
    ['subscription_version', { ...notification, metadata: { ...notification.metadata, subscription_version: 2 } }, 'metadata.subscription_version'],
    ['subscription.status', { ...notification, payload: { subscription: { ...subscription, status: 1 }, event: follow } }, 'payload.subscription.status'],
    ['subscription.type', { ...notification, payload: { subscription: { ...subscription, type: 1 }, event: follow } }, 'payload.subscription.type'],
    ['subscription.version', { ...notification, payload: { subscription: { ...subscription, version: 2 }, event: follow } }, 'payload.subscription.version'],
    ['session.status', { ...welcome, payload: { session: { ...welcome.payload.session, status: 0 } } }, 'payload.session.status'],
    ['session.connected_at', { ...welcome, payload: { session: { ...welcome.payload.session, connected_at: 0 } } }, 'payload.session.connected_at'],
    ['subscription.cost', { ...notification, payload: { subscription: { ...subscription, cost: 'free' }, event: follow } }, 'payload.subscription.cost'],
    ['subscription.id', { ...notification, payload: { subscription: { ...subscription, id: 5 }, event: follow } }, 'payload.subscription.id'],
    ['subscription.condition', { ...notification, payload: { subscription: { ...subscription, condition: 'c' }, event: follow } }, 'payload.subscription.condition'],
    ['subscription.transport', { ...notification, payload: { subscription: { ...subscription, transport: 'websocket' }, event: follow } }, 'payload.subscription.transport'],
    ['subscription.created_at', { ...notification, payload: { subscription: { ...subscription, created_at: 1 }, event: follow } }, 'payload.subscription.created_at'],
    ['session.id', { ...welcome, payload: { session: { ...welcome.payload.session, id: null } } }, 'payload.session.id'],
    ['session.keepalive', { ...welcome, payload: { session: { ...welcome.payload.session, keepalive_timeout_seconds: '10' } } }, 'payload.session.keepalive_timeout_seconds'],
    ['session.reconnect_url', { ...welcome, payload: { session: { ...welcome.payload.session, reconnect_url: 7 } } }, 'payload.session.reconnect_url'],
    ['session.recovery_url', { ...welcome, payload: { session: { ...welcome.payload.session, recovery_url: 7 } } }, 'payload.session.recovery_url'],
  ];
  for (const [name, frame, path] of broken) {
    it(`refuses a frame with a wrong ${name}`, () => {
      expect(errorOf(() => parseEventSubMessage(frame)).path).toBe(path);
    });
  }

  it('accepts the optional and nullable fields in every allowed form', () => {
    for (const recovery_url of [undefined, null, 'wss://x']) {
      expect(() => parseEventSubMessage({ ...welcome, payload: { session: { ...welcome.payload.session, recovery_url } } })).not.toThrow();
    }
    const { subscription_type: _t, subscription_version: _v, ...bare } = notification.metadata as Record<string, unknown>;
    expect(() => parseEventSubMessage({ ...notification, metadata: bare })).not.toThrow();
    expect(() => parseEventSubMessage({ ...notification, payload: { subscription, events: [follow] } })).not.toThrow();
  });
});