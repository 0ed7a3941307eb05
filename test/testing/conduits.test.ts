// The fake Twitch keeps conduits as Twitch's conduit guide and API reference describe them
// (sources in src/testing/eventsub-ws.ts and helix-eventsub.ts). Driven from outside: Helix calls
// with an app token, bare WebSockets as shards, a webhook sink as callbacks, and the fake's record
// of conduit deliveries.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, type Client } from '../../src/client.js';
import {
  createConduits,
  createEventSubSubscription,
  deleteConduit,
  getConduits,
  getConduitShards,
  getEventSubSubscriptions,
  updateConduits,
  updateConduitShards,
} from '../../src/helix/index.js';
import { EventSubSocket } from '../../src/eventsub/socket.js';
import { attachToConduit } from '../../src/eventsub/conduits.js';
import { createWebhookHandler, verifyEventSubRequest } from '../../src/webhooks.js';
import { createMockTwitch, type MockTwitch } from '../../src/testing/mock.js';

const server = setupServer();
let twitch: MockTwitch;
let app: Client;
const opened: WebSocket[] = [];
const tick = (ms = 10) => vi.advanceTimersByTimeAsync(ms);

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
beforeEach(() => {
  vi.useFakeTimers();
  twitch = createMockTwitch({ seed: 11 });
  server.resetHandlers(...twitch.handlers);
  app = createClient({ clientId: twitch.clientId, auth: twitch.tokens.app, retry: { limit: 0 } });
});
afterEach(() => {
  for (const ws of opened.splice(0)) ws.close();
  vi.useRealTimers();
});
afterAll(() => server.close());

interface Bare {
  ws: WebSocket;
  /** Session id from the welcome. */
  id: string;
  notifications: { subscription: { id: string; type: string }; event: Record<string, unknown> }[];
  closed?: number;
}

/** A bare WebSocket to the fake EventSub, welcomed. */
async function connect(): Promise<Bare> {
  const bare: Bare = { ws: new WebSocket('wss://eventsub.wss.twitch.tv/ws'), id: '', notifications: [] };
  opened.push(bare.ws);
  bare.ws.addEventListener('message', (event) => {
    const frame = JSON.parse(String(event.data));
    if (frame.metadata.message_type === 'session_welcome') bare.id = frame.payload.session.id;
    if (frame.metadata.message_type === 'notification') bare.notifications.push(frame.payload);
  });
  bare.ws.addEventListener('close', (event) => (bare.closed = event.code));
  await tick();
  return bare;
}

async function conduit(shardCount: number): Promise<string> {
  return (await createConduits(app, { shard_count: shardCount })).data[0]!.id;
}

/** Points shards at bare sockets, shard `i` at `sockets[i]`. */
async function attach(conduitId: string, sockets: Bare[], first = 0) {
  return updateConduitShards(app, {
    conduit_id: conduitId,
    shards: sockets.map((bare, i) => ({ id: String(first + i), transport: { method: 'websocket', session_id: bare.id } })),
  });
}

async function shardsOf(conduitId: string, status?: string) {
  return (await getConduitShards(app, { conduit_id: conduitId, ...(status ? { status } : {}) }).all()).map((s) => ({ id: s.id, status: s.status }));
}

/** A `stream.online` subscription of `channel` on the conduit. */
async function subscribe(conduitId: string, channel: string): Promise<string> {
  const created = await createEventSubSubscription(app, {
    type: 'stream.online',
    version: '1',
    condition: { broadcaster_user_id: channel },
    transport: { method: 'conduit', conduit_id: conduitId },
  });
  return created.data[0]!.id;
}

function online(channel: string) {
  const user = twitch.state.users.get(channel)!;
  return twitch.emit('stream.online', {
    id: 'stream-1',
    broadcaster_user_id: channel,
    broadcaster_user_login: user.login,
    broadcaster_user_name: user.display_name,
    type: 'live',
    started_at: '2024-01-15T12:00:00Z',
  });
}

const lastDelivery = () => twitch.state.conduitDeliveries.at(-1)!;

describe('conduits and their limits', () => {
  it('a client has at most 5 conduits (429 past them), of 1 to 20,000 shards each (400 outside)', async () => {
    // The seeded state already holds one conduit of this client.
    for (let i = 0; i < 4; i++) await conduit(1);
    await expect(conduit(1)).rejects.toMatchObject({ status: 429 });
    // The client takes any 429 for an empty rate-limit bucket and would wait out its reset.
    app = createClient({ clientId: twitch.clientId, auth: twitch.tokens.app, retry: { limit: 0 } });
    const [last] = (await getConduits(app)).data;
    await deleteConduit(app, { id: last!.id });
    await expect(conduit(0)).rejects.toMatchObject({ status: 400 });
    await expect(conduit(20_001)).rejects.toMatchObject({ status: 400 });
    expect(await conduit(20_000)).toBeTypeOf('string');
  });

  it('resizing removes the shards from the new count up; new shards wait, disabled, for a transport', async () => {
    const id = await conduit(4);
    const sockets = [await connect(), await connect(), await connect(), await connect()];
    await attach(id, sockets);
    await updateConduits(app, { id, shard_count: 2 });
    expect(await shardsOf(id)).toEqual([{ id: '0', status: 'enabled' }, { id: '1', status: 'enabled' }]);
    const refused = await updateConduitShards(app, { conduit_id: id, shards: [{ id: '3', transport: { method: 'websocket', session_id: sockets[3]!.id } }] });
    expect(refused.errors.map((e) => e.id)).toEqual(['3']);
    await updateConduits(app, { id, shard_count: 3 });
    expect(await shardsOf(id)).toEqual([
      { id: '0', status: 'enabled' },
      { id: '1', status: 'enabled' },
      { id: '2', status: 'websocket_disconnected' },
    ]);
  });

  it('get-conduit-shards filters by status and pages through every shard', async () => {
    const id = await conduit(250);
    const sockets = [await connect(), await connect()];
    await attach(id, sockets, 120);
    const first = await getConduitShards(app, { conduit_id: id });
    expect(first.data).toHaveLength(100);
    expect(first.pagination?.cursor).toBeTypeOf('string');
    const all = await shardsOf(id);
    expect(all.map((s) => s.id)).toEqual(Array.from({ length: 250 }, (_, i) => String(i)));
    expect(await shardsOf(id, 'enabled')).toEqual([{ id: '120', status: 'enabled' }, { id: '121', status: 'enabled' }]);
    expect(await shardsOf(id, 'websocket_disconnected')).toHaveLength(248);
  });

  it('deleting a conduit lists its subscriptions as conduit_deleted, and nothing is delivered for them', async () => {
    const id = await conduit(1);
    await attach(id, [await connect()]);
    const sub = await subscribe(id, twitch.users.broadcaster);
    await deleteConduit(app, { id });
    expect((await getEventSubSubscriptions(app, { status: 'conduit_deleted' })).data.map((s) => s.id)).toEqual([sub]);
    expect(online(twitch.users.broadcaster)).toBe(0);
    expect(twitch.state.conduitDeliveries).toEqual([]);
  });
});

describe('shards', () => {
  it('show connected_at while attached, then disconnected_at and the reason their WebSocket ended', async () => {
    const id = await conduit(3);
    const sockets = [await connect(), await connect(), await connect()];
    const attached = await attach(id, sockets);
    expect(attached.data[0]).toMatchObject({ status: 'enabled', transport: { method: 'websocket', session_id: sockets[0]!.id } });
    expect(attached.data[0]!.transport.connected_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(attached.data[0]!.transport.disconnected_at).toBeUndefined();

    sockets[0]!.ws.close(1000); // the client leaves
    twitch.close(4002, sockets[1]!.id); // Twitch: no pong
    twitch.eventsub.reconnect(sockets[2]!.id); // and nobody follows reconnect_url
    await tick(30_000);
    const shards = (await getConduitShards(app, { conduit_id: id })).data;
    expect(shards.map((s) => s.status)).toEqual(['websocket_disconnected', 'websocket_failed_ping_pong', 'websocket_failed_to_reconnect']);
    for (const shard of shards) {
      expect(shard.transport.connected_at).toMatch(/^\d{4}-/);
      expect(shard.transport.disconnected_at).toMatch(/^\d{4}-/);
    }
  });

  it('update-conduit-shards reports each shard it cannot update in errors, and updates the rest', async () => {
    const id = await conduit(4);
    const [a, b] = [await connect(), await connect()];
    await attach(id, [a]);
    const update = (shards: unknown[]) =>
      updateConduitShards(app, { conduit_id: id, shards: shards as Parameters<typeof updateConduitShards>[1]['shards'] });
    const result = await update([
      { id: '4', transport: { method: 'websocket', session_id: b.id } }, // outside shard_count 4
      { id: '01', transport: { method: 'websocket', session_id: b.id } }, // not a shard id
      { id: '1', transport: { method: 'websocket', session_id: 'no-such-session' } },
      { id: '1', transport: { method: 'websocket', session_id: a.id } }, // a's session serves shard 0
      { id: '1', transport: { method: 'websocket' } },
      { id: '2', transport: { method: 'webhook', callback: 'http://example.com/hook', secret: 'a-fine-secret' } },
      { id: '2', transport: { method: 'webhook', callback: 'https://example.com:8443/hook', secret: 'a-fine-secret' } },
      { id: '2', transport: { method: 'webhook', callback: 'https://example.com/hook', secret: 'short' } },
      { id: '2', transport: { method: 'webhook', callback: 'https://example.com/hook', secret: 'crème-brûlée-secret' } },
      { id: '2', transport: { method: 'pigeon' } },
      { id: '1', transport: { method: 'websocket', session_id: b.id } }, // fine
      { id: '0', transport: { method: 'websocket', session_id: a.id } }, // fine: the same shard again
    ]);
    expect(result.errors.map((e) => e.id)).toEqual(['4', '01', '1', '1', '1', '2', '2', '2', '2', '2']);
    expect(new Set(result.errors.map((e) => e.code))).toEqual(new Set(['invalid_parameter']));
    expect(result.data.map((s) => [s.id, s.status])).toEqual([['1', 'enabled'], ['0', 'enabled']]);
    expect(await shardsOf(id)).toEqual([
      { id: '0', status: 'enabled' },
      { id: '1', status: 'enabled' },
      { id: '2', status: 'websocket_disconnected' },
      { id: '3', status: 'websocket_disconnected' },
    ]);
  });

  it('a webhook shard waits for Twitch\'s challenge: enabled when its callback answers it, failed when not', async () => {
    const id = await conduit(2);
    const secret = 'shard-secret-123';
    const seen: { url: string; body: { challenge: string; conduit_shard: { conduit_id: string; shard: string } }; signed: boolean }[] = [];
    twitch.state.webhook = async (request) => {
      const signed = await verifyEventSubRequest(request.clone(), secret);
      const body = await request.json();
      seen.push({ url: request.url, body, signed });
      return new Response(request.url.endsWith('/good') ? body.challenge : 'nope', { status: 200 });
    };
    const result = await updateConduitShards(app, {
      conduit_id: id,
      shards: [
        { id: '0', transport: { method: 'webhook', callback: 'https://hooks.example/good', secret } },
        { id: '1', transport: { method: 'webhook', callback: 'https://hooks.example/bad', secret } },
      ],
    });
    expect(result.data.map((s) => s.status)).toEqual(['webhook_callback_verification_pending', 'webhook_callback_verification_pending']);
    expect(JSON.stringify(result)).not.toContain(secret);
    await twitch.eventsub.settled();
    seen.sort((x, y) => x.body.conduit_shard.shard.localeCompare(y.body.conduit_shard.shard));
    expect(seen.map((s) => [s.url, s.body.conduit_shard, s.signed])).toEqual([
      ['https://hooks.example/good', { conduit_id: id, shard: '0' }, true],
      ['https://hooks.example/bad', { conduit_id: id, shard: '1' }, true],
    ]);
    expect(await shardsOf(id)).toEqual([
      { id: '0', status: 'enabled' },
      { id: '1', status: 'webhook_callback_verification_failed' },
    ]);
  });

  it("helixkit's own webhook handler verifies a conduit's webhook shard (the challenge names the shard, not a subscription)", async () => {
    const id = await conduit(1);
    const secret = 'shard-secret-123';
    const errors: unknown[] = [];
    twitch.state.webhook = createWebhookHandler({ secret, onError: (error) => void errors.push(error) });
    await updateConduitShards(app, {
      conduit_id: id,
      shards: [{ id: '0', transport: { method: 'webhook', callback: 'https://hooks.example/eventsub', secret } }],
    });
    await twitch.eventsub.settled();
    expect(errors).toEqual([]);
    expect(await shardsOf(id)).toEqual([{ id: '0', status: 'enabled' }]);
  });

  it('a WebSocket not attached to a shard (nor subscribed) within 10 s of its welcome is closed with 4003', async () => {
    const id = await conduit(2);
    const [late, onTime, moved] = [await connect(), await connect(), await connect()];
    await tick(9_000);
    await attach(id, [onTime, moved]);
    await attach(id, [onTime, late]); // shard 1 moves from `moved` to `late` (at 9 s, inside late's window)
    await tick(1_100);
    expect(moved.closed).toBe(4003);
    expect(late.closed).toBeUndefined();
    expect(onTime.closed).toBeUndefined();

    const stray = await connect();
    await tick(9_980);
    expect(stray.closed).toBeUndefined();
    await tick(20);
    expect(stray.closed).toBe(4003);
    await expect(attach(id, [stray])).resolves.toMatchObject({ data: [], errors: [{ id: '0' }] });
  });
});

describe('delivery over shards', () => {
  it('spreads notifications by channel: one channel always takes one shard, and a run repeats', async () => {
    const id = await conduit(4);
    const sockets = [await connect(), await connect(), await connect(), await connect()];
    await attach(id, sockets);
    const channels = twitch.users.crowd.slice(0, 12);
    for (const channel of channels) await subscribe(id, channel);
    for (const channel of channels) expect(online(channel)).toBe(1);
    for (const channel of channels) online(channel);
    await tick();
    const deliveries = twitch.state.conduitDeliveries;
    expect(deliveries).toHaveLength(24);
    const shardOf = new Map(deliveries.slice(0, 12).map((d) => [d.channel, d.shard_id]));
    expect(deliveries.slice(12).map((d) => d.shard_id)).toEqual(channels.map((c) => shardOf.get(c)));
    expect(new Set(shardOf.values()).size).toBeGreaterThanOrEqual(3);
    // Each notification reached the socket of the shard that took it.
    for (const [i, bare] of sockets.entries()) {
      expect(bare.notifications.map((n) => n.event.broadcaster_user_id)).toEqual(
        deliveries.filter((d) => d.shard_id === String(i)).map((d) => d.channel),
      );
    }
    expect(deliveries.every((d) => !d.dropped && d.tried.length === 1)).toBe(true);

    // The same seed and the same steps pick the same shards.
    const picks = deliveries.map((d) => d.shard_id);
    twitch = createMockTwitch({ seed: 11 });
    server.resetHandlers(...twitch.handlers);
    app = createClient({ clientId: twitch.clientId, auth: twitch.tokens.app, retry: { limit: 0 } });
    const again = await conduit(4);
    await attach(again, [await connect(), await connect(), await connect(), await connect()]);
    for (const channel of channels) await subscribe(again, channel);
    for (const channel of [...channels, ...channels]) online(channel);
    expect(twitch.state.conduitDeliveries.map((d) => d.shard_id)).toEqual(picks);
  });

  it('a notification for a disabled shard goes to one other shard; if that one is down too, Twitch drops it', async () => {
    const id = await conduit(3);
    const sockets = [await connect(), await connect(), await connect()];
    await attach(id, sockets);
    const channel = twitch.users.broadcaster;
    await subscribe(id, channel);
    online(channel);
    const home = lastDelivery().shard_id!;

    expect(twitch.eventsub.disableShard(id, home)).toBe(true);
    online(channel);
    await tick();
    const rescue = lastDelivery();
    expect(rescue.tried[0]).toBe(home);
    expect(rescue.tried).toHaveLength(2);
    expect(rescue).toMatchObject({ shard_id: rescue.tried[1], dropped: false });
    expect(sockets[Number(rescue.shard_id)]!.notifications).toHaveLength(1);

    // Two shards down: the retry may land on the other disabled one, although a shard is enabled.
    twitch.eventsub.disableShard(id, rescue.shard_id!);
    expect(await shardsOf(id, 'enabled')).toHaveLength(1);
    const before = sockets.map((bare) => bare.notifications.length);
    expect(online(channel)).toBe(0);
    expect(lastDelivery()).toMatchObject({ tried: [home, rescue.shard_id], dropped: true });
    expect(lastDelivery().shard_id).toBeUndefined();
    expect(sockets.map((bare) => bare.notifications.length)).toEqual(before);
    expect(twitch.state.conduitDeliveries.filter((d) => d.dropped)).toHaveLength(1);
  });

  it('a webhook shard whose callback fails keeps the notification: it is not resent to another shard', async () => {
    const id = await conduit(2);
    const posted: string[] = [];
    twitch.state.webhook = async (request) => {
      const body = await request.json();
      if (body.challenge) return new Response(body.challenge);
      posted.push(request.headers.get('Twitch-Eventsub-Message-Type')!);
      return new Response('down', { status: 503 });
    };
    const socket = await connect();
    await updateConduitShards(app, {
      conduit_id: id,
      shards: [
        { id: '0', transport: { method: 'webhook', callback: 'https://hooks.example/eventsub', secret: 'shard-secret-123' } },
        { id: '1', transport: { method: 'websocket', session_id: socket.id } },
      ],
    });
    await twitch.eventsub.settled();
    // Channels until one hashes onto the webhook shard.
    for (const channel of twitch.users.crowd) {
      await subscribe(id, channel);
      online(channel);
      if (lastDelivery().shard_id === '0') break;
    }
    await twitch.eventsub.settled();
    const onWebhook = twitch.state.conduitDeliveries.filter((d) => d.shard_id === '0');
    expect(onWebhook).toHaveLength(1);
    expect(onWebhook[0]).toMatchObject({ tried: ['0'], failed: true, dropped: false });
    expect(posted).toEqual(['notification']);
    expect(socket.notifications.map((n) => n.event.broadcaster_user_id)).not.toContain(onWebhook[0]!.channel);
    expect(await shardsOf(id, 'enabled')).toHaveLength(2);
  });

  it('subscriptions outlive their shards: still enabled while every shard is down, delivered again once one is re-attached', async () => {
    const id = await conduit(1);
    const first = await connect();
    await attach(id, [first]);
    const sub = await subscribe(id, twitch.users.broadcaster);
    first.ws.close(1000);
    await tick();
    expect((await getEventSubSubscriptions(app, { subscription_id: sub })).data[0]!.status).toBe('enabled');
    expect(online(twitch.users.broadcaster)).toBe(0);
    expect(lastDelivery()).toMatchObject({ tried: ['0'], dropped: true });

    const second = await connect();
    await attach(id, [second]);
    expect(online(twitch.users.broadcaster)).toBe(1);
    await tick();
    expect(second.notifications.map((n) => n.subscription.id)).toEqual([sub]);
    expect(lastDelivery()).toMatchObject({ shard_id: '0', dropped: false });
  });

  it('a revocation of a conduit subscription goes out on a shard, like its notifications', async () => {
    const id = await conduit(2);
    const sockets = [await connect(), await connect()];
    await attach(id, sockets);
    const sub = await subscribe(id, twitch.users.broadcaster);
    const revocations: string[] = [];
    for (const bare of sockets) {
      bare.ws.addEventListener('message', (event) => {
        const frame = JSON.parse(String(event.data));
        if (frame.metadata.message_type === 'revocation') revocations.push(frame.payload.subscription.status);
      });
    }
    expect(twitch.revoke(sub, 'user_removed')).toBe(true);
    await tick();
    expect(revocations).toEqual(['user_removed']);
  });
});

describe('with EventSubSocket shards (one per process)', () => {
  it('each socket gets its share; a lost socket\'s share goes to the other until it re-attaches', async () => {
    const id = await conduit(2);
    const seen: [number, string][] = [];
    const sockets = [0, 1].map((shard) => {
      const socket = new EventSubSocket({ client: app });
      socket.on('stream.online', (event) => void seen.push([shard, event.broadcaster_user_id]));
      return socket;
    });
    try {
      await Promise.all(sockets.map((socket, shard) => attachToConduit(socket, id, shard)));
      const channels = twitch.users.crowd.slice(0, 8);
      for (const channel of channels) await subscribe(id, channel);
      const round = async () => {
        seen.length = 0;
        for (const channel of channels) online(channel);
        await tick(100);
        return channels.map((channel) => seen.find(([, c]) => c === channel)?.[0]);
      };
      const home = await round();
      expect(new Set(home)).toEqual(new Set([0, 1]));

      twitch.eventsub.disableShard(id, 0); // shard 0's connection drops (4006)
      expect(await round()).toEqual(channels.map(() => 1));
      await tick(10_000); // the socket reconnects and re-attaches shard 0
      expect(await shardsOf(id, 'enabled')).toHaveLength(2);
      expect(await round()).toEqual(home);
      expect(twitch.state.conduitDeliveries.some((d) => d.dropped)).toBe(false);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
});

describe('conduit.shard.disabled', () => {
  it('tells the client\'s subscribers which shard went down, with its status and transport', async () => {
    const id = await conduit(2);
    const other = await conduit(1);
    const [a, b] = [await connect(), await connect()];
    await attach(id, [a, b]);
    const watch = (condition: Record<string, string>) =>
      createEventSubSubscription(app, {
        type: 'conduit.shard.disabled',
        version: '1',
        condition: condition as { client_id: string },
        transport: { method: 'conduit', conduit_id: id },
      });
    const all = (await watch({ client_id: twitch.clientId })).data[0]!.id;
    const this_ = (await watch({ client_id: twitch.clientId, conduit_id: id })).data[0]!.id;
    await watch({ client_id: twitch.clientId, conduit_id: other });
    await watch({ client_id: 'some-other-client' });

    a.ws.close(1000);
    await tick();
    // Shard 0 is down, so both notifications come through shard 1.
    expect(b.notifications.map((n) => n.subscription.id).sort()).toEqual([all, this_].sort());
    const [shard0] = (await getConduitShards(app, { conduit_id: id })).data;
    expect(b.notifications[0]!.event).toEqual({
      conduit_id: id,
      shard_id: '0',
      status: 'websocket_disconnected',
      transport: { method: 'websocket', session_id: a.id, connected_at: shard0!.transport.connected_at, disconnected_at: shard0!.transport.disconnected_at },
    });
    // A shard that was not enabled does not go down again.
    expect(twitch.eventsub.disableShard(id, 0)).toBe(false);
    expect(b.notifications).toHaveLength(2);
  });

  it('reports a webhook shard taken down with notification_failures_exceeded and its callback', async () => {
    const id = await conduit(2);
    const b = await connect();
    await updateConduitShards(app, {
      conduit_id: id,
      shards: [
        { id: '0', transport: { method: 'webhook', callback: 'https://hooks.example/eventsub', secret: 'shard-secret-123' } },
        { id: '1', transport: { method: 'websocket', session_id: b.id } },
      ],
    });
    await createEventSubSubscription(app, {
      type: 'conduit.shard.disabled',
      version: '1',
      condition: { client_id: twitch.clientId },
      transport: { method: 'conduit', conduit_id: id },
    });
    expect(twitch.eventsub.disableShard(id, '0')).toBe(true);
    await tick();
    expect(b.notifications.map((n) => n.event)).toEqual([
      { conduit_id: id, shard_id: '0', status: 'notification_failures_exceeded', transport: { method: 'webhook', callback: 'https://hooks.example/eventsub' } },
    ]);
  });
});
