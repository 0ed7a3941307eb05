// Races in the recovery path: what the user does (unsubscribe, close) while subscriptions are
// being re-created after a lost connection, and a second loss in the middle of it. Fake timers;
// Helix answers are held back by a delaying msw handler in front of the fake's own.
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachToConduit } from '../../src/eventsub/conduits.js';
import { events } from '../../src/eventsub/listen.js';
import type { EventSubSocket } from '../../src/eventsub/socket.js';
import { follow, followCondition, harness, type Harness } from './socket.helpers.js';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.stop());

/** Every subscription creation reaches the fake `ms` after it was sent. */
const slowCreates = (ms: number) =>
  h.server.use(
    http.post('https://api.twitch.tv/helix/eventsub/subscriptions', async () => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      // undefined: msw passes the request on to the fake's handler.
    }),
  );

async function subscribed() {
  const socket = h.socket();
  const errors: Error[] = [];
  socket.on('error', (error) => void errors.push(error));
  const follows: string[] = [];
  socket.on('channel.follow', (event) => void follows.push(event.user_id));
  const subscribing = socket.subscribe('channel.follow', followCondition);
  await h.tick(10);
  return { socket, errors, follows, subscription: await subscribing };
}

const enabledOn = (socket: EventSubSocket) =>
  [...h.state.eventSubSubscriptions.values()].filter((sub) => sub.status === 'enabled' && sub.transport.session_id === socket.session?.id);

describe('unsubscribe during recovery', () => {
  it('while the re-creation is in flight: the subscription it creates is deleted, and no event arrives', async () => {
    const { socket, follows, subscription } = await subscribed();
    slowCreates(200);
    h.fake.close(4006);
    await h.tick(50); // reconnected; the re-creation is on its way
    expect(socket.state).toBe('connected');
    const removing = socket.unsubscribe(subscription.id);
    await h.tick(500);
    await removing;
    expect(enabledOn(socket)).toEqual([]);
    h.fake.emit('channel.follow', follow('ghost'));
    await h.tick(10);
    expect(follows).toEqual([]);
    expect(socket.subscriptions).toEqual([]);
  });

  it('while it waits for the next session after a second loss: nothing it creates there lives on', async () => {
    const { socket, subscription } = await subscribed();
    slowCreates(200);
    h.fake.close(4006);
    await h.tick(50); // session B, the re-creation in flight
    h.fake.close(4006); // B is lost: the call fails and waits for session C
    await h.tick(250);
    expect(socket.state).toBe('reconnecting');
    const removing = socket.unsubscribe(subscription.id);
    await h.tick(10_000); // session C settles
    await removing;
    expect([...h.state.eventSubSubscriptions.values()].filter((sub) => sub.status === 'enabled' && sub.transport.method === 'websocket')).toEqual([]);
    expect(socket.subscriptions).toEqual([]);
  });
});

describe('close() during recovery', () => {
  it('reports nothing on error once close() ran', async () => {
    const socket = h.socket();
    const errors: Error[] = [];
    socket.on('error', (error) => void errors.push(error));
    await Promise.all([
      (async () => {
        for (let i = 0; i < 3; i++) await socket.subscribe('channel.follow', { broadcaster_user_id: String(i + 1), moderator_user_id: '1' });
      })(),
      h.tick(100),
    ]);
    slowCreates(200);
    h.fake.close(4006);
    await h.tick(50); // reconnected; three re-creations in flight
    socket.close();
    await h.tick(1000);
    expect(errors).toEqual([]);
  });
});

describe('a second loss while re-creating', () => {
  it('a subscription Twitch then refuses for good is reported once', async () => {
    const { socket, errors } = await subscribed();
    slowCreates(200);
    let refuse = false;
    h.override.create = () => (refuse ? HttpResponse.json({ error: 'Forbidden', status: 403, message: 'no' }, { status: 403 }) : undefined);
    h.fake.close(4006);
    await h.tick(50); // session B, the re-creation in flight
    h.fake.close(4006); // B is lost too: the call fails (400) and waits for session C
    refuse = true;
    await h.tick(8000); // the backoff, session C settles (5 s), the refusal
    expect(errors.filter((error) => (error as { code?: string }).code === 'subscription')).toHaveLength(1);
    expect(socket.subscriptions).toEqual([]);
  });
});

describe('a session that died before its close arrived', () => {
  it('a 400 while re-creating keeps the subscription, which the next session gets back', async () => {
    const { socket, errors } = await subscribed();
    const failed: unknown[] = [];
    socket.on('resubscribed', (value) => void failed.push(...value.failed));
    // Twitch has already dropped session B when its re-creation arrives; the socket hears of it later.
    let refusals = 0;
    h.override.create = () =>
      refusals++ ? undefined : HttpResponse.json({ error: 'Bad Request', status: 400, message: 'websocket transport session does not exist or has already disconnected' }, { status: 400 });
    h.fake.close(4006);
    await h.tick(50); // session B: the re-creation refused
    expect(refusals).toBe(1);
    expect(failed).toHaveLength(1);
    expect(errors.filter((error) => (error as { code?: string }).code === 'subscription')).toHaveLength(1);
    h.fake.close(4006); // B's close arrives
    await h.tick(8000); // the backoff, session C settles (5 s), the re-creation
    expect(enabledOn(socket)).toHaveLength(1);
    expect(socket.subscriptions).toHaveLength(1);
  });
});

describe('session_reconnect while re-creating', () => {
  it('the handover neither hides resubscribed nor a refusal that follows it', async () => {
    const { socket, errors } = await subscribed();
    const second = socket.subscribe('channel.follow', { broadcaster_user_id: '2', moderator_user_id: '1' });
    await h.tick(10);
    await second;
    const resubscribed: { failed: readonly unknown[] }[] = [];
    socket.on('resubscribed', (value) => void resubscribed.push(value));
    slowCreates(3000);
    // The second subscription is refused for good on the new session.
    h.override.create = (body) =>
      (body.condition as { broadcaster_user_id: string }).broadcaster_user_id === '2'
        ? HttpResponse.json({ error: 'Forbidden', status: 403, message: 'no' }, { status: 403 })
        : undefined;
    h.fake.close(4006);
    await h.tick(50); // session B; both re-creations in flight
    const session = socket.session!.id;
    h.fake.reconnect(); // Twitch moves session B meanwhile
    await h.tick(5000);
    expect(socket.session!.id).toBe(session);
    expect(h.fake.connections).toHaveLength(3);
    expect(errors.filter((error) => (error as { code?: string }).code === 'subscription')).toHaveLength(1);
    expect(resubscribed).toHaveLength(1);
    expect(resubscribed[0]!.failed).toHaveLength(1);
    expect(socket.subscriptions).toHaveLength(1);
  });
});

describe('a conduit shard across a loss', () => {
  it('an attachment that fails for a session already replaced neither reports nor undoes the new one', async () => {
    const conduitId = [...h.state.conduits.keys()][0]!;
    h.server.use(
      http.patch('https://api.twitch.tv/helix/eventsub/conduits/shards', async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }),
    );
    const socket = h.socket();
    const errors: Error[] = [];
    socket.on('error', (error) => void errors.push(error));
    const patches = () => h.calls.filter((call) => call.method === 'PATCH');
    const attaching = attachToConduit(socket, conduitId, 0).catch((error: unknown) => error);
    await h.tick(50); // session A; its attachment on its way
    h.fake.close(4006);
    await h.tick(1000); // session B attached; A's attachment came back refused (no such session)
    expect(patches()).toHaveLength(2);
    expect(h.state.shards.get(conduitId)!.find((shard) => shard.id === '0')!.transport.session_id).toBe(socket.session!.id);
    await attaching;
    expect(errors).toEqual([]);
    // A supervisor's check: the shard points at this session, so nothing to do.
    const again = attachToConduit(socket, conduitId, 0);
    await h.tick(500);
    await again;
    expect(patches()).toHaveLength(2);
  });
});

describe('events(): ending the iterator', () => {
  /** Counts the socket's listeners that are still on: each `on` adds one, calling its remover takes it off. */
  function countListeners(socket: EventSubSocket) {
    let live = 0;
    const on = socket.on.bind(socket);
    socket.on = ((name: 'close', handler: () => void) => {
      const off = on(name, handler);
      live++;
      let removed = false;
      return () => {
        if (!removed) live--;
        removed = true;
        off();
      };
    }) as EventSubSocket['on'];
    return () => live;
  }

  it('return() before the first next() stops listening', async () => {
    const { socket } = await subscribed();
    const live = countListeners(socket);
    const iterator = events(socket, 'channel.follow');
    expect(live()).toBe(2);
    await expect(iterator.return!()).resolves.toEqual({ value: undefined, done: true });
    expect(live()).toBe(0);
  });

  it('return() while a next() waits ends both at once, and stops listening', async () => {
    const { socket } = await subscribed();
    const live = countListeners(socket);
    const iterator = events(socket, 'channel.follow');
    const waiting = iterator.next();
    await h.tick(10);
    let ended = false;
    const returning = iterator.return!().then(() => (ended = true));
    await h.tick(10);
    expect(ended).toBe(true);
    await expect(waiting).resolves.toEqual({ value: undefined, done: true });
    await returning;
    expect(live()).toBe(0);
  });
});
