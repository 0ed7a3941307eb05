import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { ChannelFollowCondition, ChannelFollowEvent, StreamOnlineEvent } from '../../src/eventsub/types.js';
import { EventSubError, EventSubSocket, type EventSubSocketOptions } from '../../src/eventsub/socket.js';
import { events, waitFor } from '../../src/eventsub/listen.js';
import { attachToConduit } from '../../src/eventsub/conduits.js';
import { unknownType } from '../../src/eventsub/messages.js';
import { ConflictError, InputError, MissingScopeError, type ValidationError } from '../../src/errors.js';
import { createClient } from '../../src/client.js';
import { follow, followCondition, harness, type Harness } from './socket.helpers.js';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.stop());

describe('EventSubSocket: welcome and subscriptions', () => {
  it('connect() resolves with the session from the welcome', async () => {
    const socket = h.socket();
    const connected = socket.connect();
    await h.tick(10);
    const session = await connected;
    expect(session.id).toBe(h.fake.sessions()[0]!.id);
    expect(session.keepalive_timeout_seconds).toBe(10);
    expect(socket.state).toBe('connected');
  });

  it('asks for the keepalive it was given and uses the one the welcome grants', async () => {
    const socket = h.socket({ keepaliveTimeoutSeconds: 30 });
    const connected = socket.connect();
    await h.tick(10);
    expect((await connected).keepalive_timeout_seconds).toBe(30);
    expect(new URL(h.fake.connections[0]!.url).searchParams.get('keepalive_timeout_seconds')).toBe('30');
    expect(() => h.socket({ keepaliveTimeoutSeconds: 5 })).toThrow(/10 to 600/);
  });

  it('subscribe() creates the subscription on this session over Helix and reports the cost', async () => {
    const socket = h.socket();
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    const sub = await subscribing;
    const session = socket.session!;
    expect(sub.type).toBe('channel.follow');
    expect(h.calls.at(-1)!.body).toEqual({
      type: 'channel.follow',
      version: '2',
      condition: followCondition,
      transport: { method: 'websocket', session_id: session.id },
    });
    expect(socket.subscriptions.map((s) => s.id)).toEqual([sub.id]);
    expect(socket.cost).toEqual({ total: h.state.eventSubSubscriptions.size, total_cost: 0, max_total_cost: 10 });
  });

  it('refuses, before asking Twitch, a subscription whose scope the token is known to lack', async () => {
    const client = createClient({
      clientId: h.state.clientId,
      auth: { getToken: async () => ({ token: h.state.userToken, scopes: ['chat:read'] }) },
      retry: { limit: 0 },
    });
    const socket = h.socket({ client });
    const subscribing = socket.subscribe('channel.follow', followCondition);
    const refused = expect(subscribing).rejects.toThrow(MissingScopeError);
    await h.tick(10);
    await refused;
    await expect(subscribing).rejects.toThrow(/moderator:read:followers/);
    expect(h.calls.filter((call) => call.path.endsWith('eventsub/subscriptions'))).toEqual([]);
  });

  it('delivers typed notifications to on(type) handlers', async () => {
    const socket = h.socket();
    const logins: string[] = [];
    socket.on('channel.follow', (event) => void logins.push(event.user_login));
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    h.fake.emit('channel.follow', follow('7'));
    await h.tick(10);
    expect(logins).toEqual(['user_7']);
  });

  it('subscribe() refuses a bad condition and webhook-only types before sending anything', async () => {
    const socket = h.socket();
    await expect(socket.subscribe('channel.follow', { broadcaster_user_id: '1' } as never)).rejects.toThrow(/moderator_user_id/);
    await expect(socket.subscribe('user.authorization.grant', { client_id: 'x' })).rejects.toThrow(/webhooks only/);
    await expect(socket.subscribe('channel.follow', followCondition, { version: '9' })).rejects.toThrow(/version/);
    expect(h.calls).toHaveLength(0);
    expect(h.fake.connections).toHaveLength(0);
  });

  it('unsubscribe() deletes the subscription over Helix and forgets it', async () => {
    const socket = h.socket();
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    const sub = await subscribing;
    const removing = socket.unsubscribe(sub.id);
    await h.tick(10);
    await removing;
    expect(h.calls.at(-1)).toMatchObject({ method: 'DELETE', query: { id: sub.id } });
    expect(socket.subscriptions).toEqual([]);
    expect(h.state.eventSubSubscriptions.has(sub.id)).toBe(false);
  });

  it('a second subscribe() of the same type and condition rejects with ConflictError, as Twitch answers it', async () => {
    const socket = h.socket();
    const first = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    const sub = await first;
    const again = socket.subscribe('channel.follow', followCondition);
    const refused = expect(again).rejects.toBeInstanceOf(ConflictError);
    await h.tick(10);
    await refused;
    expect(socket.subscriptions.map((one) => one.id)).toEqual([sub.id]);
  });

  it('a subscribe() Twitch refuses rejects, and is not also reported on error as a failed re-creation', async () => {
    const socket = h.socket();
    const errors: Error[] = [];
    socket.on('error', (error) => void errors.push(error));
    h.override.create = () => HttpResponse.json({ error: 'Forbidden', status: 403, message: 'no' }, { status: 403 });
    const subscribing = socket.subscribe('channel.follow', followCondition);
    const refused = expect(subscribing).rejects.toThrow(/403 Forbidden/);
    await h.tick(50);
    await refused;
    expect(errors).toEqual([]);
    expect(socket.subscriptions).toEqual([]);
  });

  it('after close(), subscribe() and unsubscribe() reject with closed and send nothing', async () => {
    const socket = h.socket();
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    const sub = await subscribing;
    const sent = h.calls.length;
    socket.close();
    const closed = { name: 'EventSubError', code: 'closed' };
    await expect(socket.unsubscribe(sub.id)).rejects.toMatchObject(closed);
    await expect(socket.subscribe('channel.follow', followCondition)).rejects.toMatchObject(closed);
    await h.tick(10);
    expect(h.calls).toHaveLength(sent);
    expect(socket.subscriptions).toEqual([]);
  });
});

describe('EventSubSocket: numeric options', () => {
  const top = ['keepaliveGraceMs', 'connectTimeoutMs', 'maxRememberedIds', 'maxFrameLength'] as const;
  const backoff = ['minDelayMs', 'maxDelayMs', 'attempts'] as const;
  /** Options with one numeric option set to `value`, at the top level or inside `reconnect`. */
  const withOption = (name: string, value: unknown) =>
    ({ client: h.client, ...((backoff as readonly string[]).includes(name) ? { reconnect: { [name]: value } } : { [name]: value }) }) as EventSubSocketOptions;
  /** A socket with `options`, subscribed to channel.follow, and what its listeners hear. */
  async function following(options: Partial<EventSubSocketOptions>) {
    const socket = h.socket(options);
    const follows: string[] = [];
    const errors: Error[] = [];
    socket.on('channel.follow', (event) => void follows.push(event.user_id));
    socket.on('error', (error) => void errors.push(error));
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    return { socket, follows, errors };
  }

  // NaN is what `Number(process.env.UNSET)` gives; each would otherwise pass silently and turn a
  // cap, the watchdog or the backoff off later.
  it.each([...top, ...backoff].flatMap((name) => [NaN, -1, -Infinity, '1000', true].map((value) => [name, value] as const)))(
    'refuses %s: %s, naming the option',
    (name, value) => {
      let thrown: unknown;
      try {
        new EventSubSocket(withOption(name, value));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect(thrown).toMatchObject({ param: name, message: `${name}: must be a number from 0 up` });
    },
  );

  it('takes 0 and Infinity for every numeric option, and leaves the options object as it was given', () => {
    for (const name of [...top, ...backoff]) {
      for (const value of [0, Infinity]) expect(() => h.socket(withOption(name, value))).not.toThrow();
    }
    const options = { client: h.client, maxFrameLength: undefined, reconnect: { attempts: 3 } };
    new EventSubSocket(options).close();
    expect(options).toStrictEqual({ client: h.client, maxFrameLength: undefined, reconnect: { attempts: 3 } });
  });

  // (Keys TypeScript refuses there, from JavaScript or a config object passed whole.)
  it('reads only minDelayMs, maxDelayMs and attempts from reconnect: another option there changes nothing', async () => {
    const reconnect = { attempts: 3, maxFrameLength: 10, keepaliveGraceMs: NaN } as EventSubSocketOptions['reconnect'];
    const { follows, errors } = await following({ reconnect });
    h.fake.emit('channel.follow', follow('1'));
    await h.tick(10);
    expect(follows).toEqual(['1']);
    expect(errors).toEqual([]);
  });

  it('0 where it means something: maxRememberedIds 0 drops no repeat, reconnect.attempts 0 retries no lost connection', async () => {
    const { socket, follows, errors } = await following({ maxRememberedIds: 0, reconnect: { attempts: 0 } });
    const [sent] = h.fake.emit('channel.follow', follow('1'));
    h.fake.duplicate(sent!.messageId);
    await h.tick(10);
    expect(follows).toEqual(['1', '1']);
    h.fake.close(4000);
    await h.tick(120_000);
    expect(h.fake.connections).toHaveLength(1);
    expect(socket.state).toBe('idle');
    expect(errors).toMatchObject([{ code: 'connection', message: 'gave up reconnecting after 0 attempts' }]);
  });
});

describe('EventSubSocket: limits', () => {
  it('refuses the 301st subscription on one socket, naming the limit, without calling Helix', async () => {
    const socket = h.socket();
    const all = Array.from({ length: 300 }, (_, i) => socket.subscribe('stream.online', { broadcaster_user_id: String(i + 1) }));
    await h.tick(50);
    await Promise.all(all);
    const before = h.calls.length;
    await expect(socket.subscribe('stream.online', { broadcaster_user_id: '301' })).rejects.toMatchObject({
      name: 'EventSubError',
      code: 'limit',
      message: expect.stringMatching(/300/),
    });
    expect(h.calls.length).toBe(before);
  });

  it('refuses a 4th socket with subscriptions on one user token, and allows it once one closes', async () => {
    const sockets = [h.socket(), h.socket(), h.socket()];
    const subs = sockets.map((socket, i) => socket.subscribe('stream.online', { broadcaster_user_id: String(i + 1) }));
    await h.tick(10);
    await Promise.all(subs);
    const fourth = h.socket();
    const error = await fourth.subscribe('stream.online', { broadcaster_user_id: '9' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventSubError);
    expect((error as EventSubError).code).toBe('limit');
    expect((error as Error).message).toMatch(/3 EventSub WebSockets per user token/);
    expect(h.fake.connections).toHaveLength(3);
    sockets[0]!.close();
    const retry = fourth.subscribe('stream.online', { broadcaster_user_id: '9' });
    await h.tick(10);
    await expect(retry).resolves.toMatchObject({ type: 'stream.online' });
  });
});

describe('EventSubSocket: limits (freeing a place)', () => {
  it('a socket whose subscriptions are all gone (unsubscribed or refused) no longer counts against the token', async () => {
    const sockets = [h.socket(), h.socket(), h.socket()];
    const subs = sockets.map((socket, i) => socket.subscribe('stream.online', { broadcaster_user_id: String(i + 1) }));
    await h.tick(10);
    const [first] = await Promise.all(subs);
    const removing = sockets[0]!.unsubscribe(first!.id);
    await h.tick(10);
    await removing;
    const fourth = h.socket();
    h.override.create = () => new Response(JSON.stringify({ error: 'Forbidden', status: 403, message: 'no' }), { status: 403 });
    const refused = fourth.subscribe('stream.online', { broadcaster_user_id: '9' });
    const check = expect(refused).rejects.toMatchObject({ status: 403 });
    await h.tick(10);
    await check;
    h.override.create = undefined;
    const fifth = h.socket();
    const ok = fifth.subscribe('stream.online', { broadcaster_user_id: '10' });
    await h.tick(10);
    await expect(ok).resolves.toMatchObject({ status: 'enabled' });
  });
});

describe('EventSubSocket: handlers', () => {
  async function subscribed() {
    const socket = h.socket();
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    return socket;
  }

  it('a handler that throws (or rejects) is reported on error and never stops the socket', async () => {
    const socket = await subscribed();
    const errors: Error[] = [];
    const seen: string[] = [];
    socket.on('error', (error) => void errors.push(error));
    socket.on('channel.follow', () => {
      throw new Error('boom');
    });
    socket.on('channel.follow', async () => {
      throw new Error('async boom');
    });
    socket.on('channel.follow', (event) => void seen.push(event.user_id));
    h.fake.emit('channel.follow', follow('1'));
    h.fake.emit('channel.follow', follow('2'));
    await h.tick(10);
    expect(seen).toEqual(['1', '2']);
    expect(errors.map((e) => (e as EventSubError).code)).toEqual(['handler', 'handler', 'handler', 'handler']);
    expect(errors.map((e) => ((e as Error).cause as Error).message).sort()).toEqual(['async boom', 'async boom', 'boom', 'boom']);
    expect(socket.state).toBe('connected');
  });

  it('on() returns a function that stops the handler', async () => {
    const socket = await subscribed();
    const seen: string[] = [];
    const off = socket.on('channel.follow', (event) => void seen.push(event.user_id));
    h.fake.emit('channel.follow', follow('1'));
    await h.tick(10);
    off();
    h.fake.emit('channel.follow', follow('2'));
    await h.tick(10);
    expect(seen).toEqual(['1']);
  });

  it('events(type) yields notifications in order and ends on close()', async () => {
    const socket = await subscribed();
    const iterator = events(socket, 'channel.follow');
    h.fake.emit('channel.follow', follow('1'));
    h.fake.emit('channel.follow', follow('2'));
    await h.tick(10);
    const collected: string[] = [];
    const loop = (async () => {
      for await (const event of iterator) collected.push(event.user_login);
    })();
    await h.tick(10);
    h.fake.emit('channel.follow', follow('3'));
    await h.tick(10);
    socket.close();
    await loop;
    expect(collected).toEqual(['user_1', 'user_2', 'user_3']);
  });

  it('events(type) stops at a break: the iterator is then done, and a later loop gets later events only', async () => {
    const socket = await subscribed();
    const iterator = events(socket, 'channel.follow');
    h.fake.emit('channel.follow', follow('1'));
    h.fake.emit('channel.follow', follow('2'));
    await h.tick(10);
    for await (const event of iterator) {
      expect(event.user_login).toBe('user_1');
      break;
    }
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
    const later = events(socket, 'channel.follow');
    h.fake.emit('channel.follow', follow('3'));
    await h.tick(10);
    await expect(later.next()).resolves.toMatchObject({ value: { user_login: 'user_3' }, done: false });
    socket.close();
    await expect(later.next()).resolves.toMatchObject({ done: true });
  });

  it('waitFor() resolves with the first matching event, and times out or aborts', async () => {
    const socket = await subscribed();
    const waiting = waitFor(socket, 'channel.follow', { predicate: (event) => event.user_id === '2' });
    h.fake.emit('channel.follow', follow('1'));
    h.fake.emit('channel.follow', follow('2'));
    await h.tick(10);
    await expect(waiting).resolves.toMatchObject({ user_login: 'user_2' });

    const timing = waitFor(socket, 'channel.follow', { timeout: 1000 });
    const timedOut = expect(timing).rejects.toMatchObject({ code: 'timeout' });
    await h.tick(1000);
    await timedOut;

    const controller = new AbortController();
    const aborting = waitFor(socket, 'channel.follow', { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(aborting).rejects.toThrow('stop');
  });

  it('close() rejects a pending waitFor with `closed`, tells `close` listeners once, and ends what starts afterwards at once', async () => {
    const socket = await subscribed();
    const closes: unknown[] = [];
    socket.on('close', (value) => void closes.push(value));
    const waiting = waitFor(socket, 'channel.follow', { timeout: 60_000 });
    const iterator = events(socket, 'channel.follow');
    socket.close();
    socket.close();
    await expect(waiting).rejects.toMatchObject({ name: 'EventSubError', code: 'closed' });
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
    expect(closes).toEqual([undefined]);

    // On a socket already closed nothing can arrive: no hang (the clock is fake), no timer left behind.
    const timers = vi.getTimerCount();
    await expect(waitFor(socket, 'channel.follow', { timeout: 60_000 })).rejects.toMatchObject({ code: 'closed' });
    await expect(events(socket, 'channel.follow').next()).resolves.toEqual({ value: undefined, done: true });
    expect(vi.getTimerCount()).toBe(timers);
  });

  it('checks events against schemas passed in: by default delivers a mismatch and reports it with the message', async () => {
    const { channelFollowV2 } = await import('../../src/eventsub/schemas.js');
    const reports: ValidationError[] = [];
    const socket = h.socket({ schemas: [channelFollowV2], onInvalid: (error) => void reports.push(error) });
    const seen: string[] = [];
    socket.on('channel.follow', (event) => void seen.push(event.user_id));
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    h.fake.emit('channel.follow', { ...follow('1'), user_login: 5 });
    h.fake.emit('channel.follow', follow('2'));
    await h.tick(10);
    expect(seen).toEqual(['1', '2']);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ name: 'ValidationError', path: 'payload.event.user_login' });
    expect(reports[0]!.issues[0]).toMatchObject({ expected: 'string', received: 'number' });
    expect((reports[0]!.body as { payload: { event: { user_id: string } } }).payload.event.user_id).toBe('1');
  });

  it("in strict mode drops a mismatching event and reports it on error, with the message", async () => {
    const { channelFollowV2 } = await import('../../src/eventsub/schemas.js');
    const socket = h.socket({ schemas: [channelFollowV2], validate: 'strict' });
    const errors: Error[] = [];
    const seen: string[] = [];
    socket.on('error', (error) => void errors.push(error));
    socket.on('channel.follow', (event) => void seen.push(event.user_id));
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    h.fake.emit('channel.follow', { ...follow('1'), user_login: 5 });
    h.fake.emit('channel.follow', follow('2'));
    await h.tick(10);
    expect(seen).toEqual(['2']);
    expect(errors[0]).toMatchObject({ name: 'ValidationError', path: 'payload.event.user_login' });
    expect((errors[0] as ValidationError).body).toMatchObject({ metadata: { message_type: 'notification' } });
  });
});

describe('EventSubSocket: conduits', () => {
  it('attachToConduit points the shard at this session, and again after every new session', async () => {
    const conduitId = [...h.state.conduits.keys()][0]!;
    // a conduit subscription, delivered through whichever shard is connected
    h.state.eventSubSubscriptions.set('conduit-sub', {
      id: 'conduit-sub',
      status: 'enabled',
      type: 'stream.online',
      version: '1',
      condition: { broadcaster_user_id: '1' },
      created_at: '2024-01-01T00:00:00Z',
      transport: { method: 'conduit', conduit_id: conduitId },
      cost: 0,
      client_id: h.state.clientId,
    });
    const socket = h.socket();
    const seen: string[] = [];
    socket.on('stream.online', (event) => void seen.push(event.broadcaster_user_id));
    const attaching = attachToConduit(socket, conduitId, '0');
    await h.tick(10);
    await attaching;
    const first = socket.session!.id;
    expect(h.calls.at(-1)).toMatchObject({
      method: 'PATCH',
      body: { conduit_id: conduitId, shards: [{ id: '0', transport: { method: 'websocket', session_id: first } }] },
    });
    h.fake.emit('stream.online', { broadcaster_user_id: '1', broadcaster_user_login: 'b', broadcaster_user_name: 'B', id: 's', type: 'live', started_at: 'x' });
    await h.tick(10);
    expect(seen).toEqual(['1']);

    h.fake.close(4006); // lost: a new session must be attached again
    await h.tick(100);
    const second = socket.session!.id;
    expect(second).not.toBe(first);
    expect(h.calls.filter((call) => call.method === 'PATCH').at(-1)!.body).toMatchObject({
      shards: [{ transport: { session_id: second } }],
    });
    h.fake.emit('stream.online', { broadcaster_user_id: '2', broadcaster_user_login: 'b', broadcaster_user_name: 'B', id: 's', type: 'live', started_at: 'x' });
    await h.tick(10);
    expect(seen).toEqual(['1', '2']);
  });

  it('attachToConduit again for the same shard calls Helix only when the shard is not attached to this session', async () => {
    const conduitId = [...h.state.conduits.keys()][0]!;
    const socket = h.socket();
    const errors: EventSubError[] = [];
    socket.on('error', (error) => void errors.push(error as EventSubError));
    const patches = () => h.calls.filter((call) => call.method === 'PATCH').map((call) => (call.body as { shards: { id: string }[] }).shards[0]!.id);
    const first = attachToConduit(socket, conduitId, 0);
    await h.tick(10);
    await first;
    // A supervisor checking every so often, and two callers at once: no call while attached.
    await attachToConduit(socket, conduitId, '0');
    await Promise.all([attachToConduit(socket, conduitId, 0), attachToConduit(socket, conduitId, 0)]);
    expect(patches()).toEqual(['0']);

    // Twitch refuses a shard the conduit does not have: reported naming the shard; the next call tries again.
    const refused = await attachToConduit(socket, conduitId, 99).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EventSubError);
    expect(refused).toMatchObject({ code: 'conduit', message: `conduit ${conduitId} shard 99: shard or session not found` });
    expect(errors).toEqual([refused]);
    await expect(attachToConduit(socket, conduitId, 99)).rejects.toMatchObject({ code: 'conduit' });
    await attachToConduit(socket, conduitId, 0);
    expect(patches()).toEqual(['0', '99', '99', '0']);
    socket.close();
  });
});

describe('EventSubSocket: types', () => {
  it('types handlers, iterators and waitFor per subscription type', () => {
    const socket = h.socket();
    socket.on('channel.follow', (event, message) => {
      expectTypeOf(event).toEqualTypeOf<ChannelFollowEvent>();
      expectTypeOf(message.payload.subscription.type).toEqualTypeOf<'channel.follow'>();
    });
    socket.on('disconnect', (value) => expectTypeOf(value.willReconnect).toEqualTypeOf<boolean>());
    const online = waitFor(socket, 'stream.online');
    online.catch(() => {}); // rejected by close() after the test; only its type matters here
    expectTypeOf(online).resolves.toEqualTypeOf<StreamOnlineEvent>();
    expectTypeOf(events(socket, 'channel.follow')).toEqualTypeOf<AsyncIterableIterator<ChannelFollowEvent>>();
    expectTypeOf(socket.subscribe<'channel.follow'>).parameter(1).toEqualTypeOf<ChannelFollowCondition>();
    // a type the registry does not know yet works through unknownType, with a plain object
    socket.on(unknownType('some.future.type'), (event) => expectTypeOf(event).toEqualTypeOf<Record<string, unknown>>());
  });
});
