// The fake EventSub WebSocket itself, driven by a bare WebSocket: it must behave as Twitch does,
// or the socket tests above prove nothing.
import { setupServer } from 'msw/node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventsubWs, type FakeEventSubWs } from '../../src/testing/eventsub-ws.js';
import { createState } from '../../src/testing/state.js';

let fake: FakeEventSubWs;
let server: ReturnType<typeof setupServer>;
const tick = (ms = 10) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
  fake = eventsubWs(createState());
  server = setupServer(...fake.handlers);
  server.listen({ onUnhandledFrame: 'error' });
});
afterEach(() => {
  server.close();
  vi.useRealTimers();
});

interface Bare {
  ws: WebSocket;
  frames: { metadata: { message_type: string; message_id: string }; payload: Record<string, any> }[];
  closed?: number;
}

function open(url = 'wss://eventsub.wss.twitch.tv/ws'): Bare {
  const bare: Bare = { ws: new WebSocket(url), frames: [] };
  bare.ws.addEventListener('message', (event) => bare.frames.push(JSON.parse(String(event.data))));
  bare.ws.addEventListener('close', (event) => (bare.closed = event.code));
  return bare;
}

/** A subscription on the session, as the Helix fake would create it. */
function subscribe(sessionId: string, type = 'channel.follow') {
  fake.state.eventSubSubscriptions.set(`sub-${type}`, {
    id: `sub-${type}`,
    status: 'enabled',
    type,
    version: '2',
    condition: { broadcaster_user_id: '1', moderator_user_id: '1' },
    created_at: '2024-01-01T00:00:00Z',
    transport: { method: 'websocket', session_id: sessionId },
    cost: 0,
    client_id: fake.state.clientId,
  });
}

describe('fake EventSub WebSocket', () => {
  it('welcomes with a session id and the keepalive asked for (clamped to 10..600), then sends keepalives', async () => {
    const a = open('wss://eventsub.wss.twitch.tv/ws?keepalive_timeout_seconds=5');
    await tick();
    expect(a.frames[0]!.metadata.message_type).toBe('session_welcome');
    expect(a.frames[0]!.payload.session).toMatchObject({ status: 'connected', keepalive_timeout_seconds: 10, reconnect_url: null });
    subscribe(a.frames[0]!.payload.session.id);
    await tick(10_000);
    expect(a.frames.map((f) => f.metadata.message_type)).toEqual(['session_welcome', 'session_keepalive']);
    expect(fake.controls.sessions()).toHaveLength(1);
  });

  it('closes with 4003 when no subscription uses the session within the keepalive', async () => {
    const a = open();
    await tick(10_010);
    expect(a.closed).toBe(4003);
    expect(fake.controls.sessions()).toEqual([]);
  });

  it('closes with 4001 when the client sends anything, and disables its subscriptions', async () => {
    const a = open();
    await tick();
    subscribe(a.frames[0]!.payload.session.id);
    a.ws.send('ping');
    await tick();
    expect(a.closed).toBe(4001);
    expect(fake.controls.received).toEqual(['ping']);
    expect(fake.state.eventSubSubscriptions.get('sub-channel.follow')!.status).toBe('websocket_received_inbound_traffic');
  });

  it('session_reconnect: the new connection gets the same session; ignoring it closes the old with 4004', async () => {
    const a = open();
    await tick();
    const id = a.frames[0]!.payload.session.id;
    subscribe(id);
    fake.controls.reconnect();
    await tick();
    const reconnect = a.frames.at(-1)!;
    expect(reconnect.metadata.message_type).toBe('session_reconnect');
    expect(reconnect.payload.session).toMatchObject({ id, status: 'reconnecting', keepalive_timeout_seconds: null });
    const b = open(reconnect.payload.session.reconnect_url);
    await tick();
    expect(b.frames[0]!.payload.session.id).toBe(id);
    fake.controls.emit('channel.follow', { user_id: '1' });
    await tick();
    expect(b.frames.at(-1)!.metadata.message_type).toBe('notification');
    await tick(1000);
    expect(a.closed).toBe(1000); // dropped by the fake once the new one was welcomed

    fake.controls.reconnect();
    await tick(30_000);
    expect(b.closed).toBe(4004);
    // The reference's status list has this reason; twitchdev/issues#931 shows Twitch setting it.
    expect(fake.state.eventSubSubscriptions.get('sub-channel.follow')!.status).toBe('websocket_failed_to_reconnect');
  });

  it('an unknown reconnect id is closed with 4007', async () => {
    const a = open('wss://eventsub.wss.twitch.tv/ws?reconnect_id=nope');
    await tick();
    expect(a.closed).toBe(4007);
  });

  it('silence() sends nothing for a while, then keepalives resume', async () => {
    const a = open();
    await tick();
    subscribe(a.frames[0]!.payload.session.id);
    fake.controls.silence(25_000);
    fake.controls.emit('channel.follow', { user_id: '1' });
    await tick(24_000);
    expect(a.frames).toHaveLength(1);
    await tick(10_000);
    expect(a.frames.at(-1)!.metadata.message_type).toBe('session_keepalive');
  });

  it('revoke() tells the session and forgets the subscription; duplicate() resends a message id', async () => {
    const a = open();
    await tick();
    subscribe(a.frames[0]!.payload.session.id);
    const [sent] = fake.controls.emit('channel.follow', { user_id: '1' });
    fake.controls.duplicate();
    expect(fake.controls.revoke('sub-channel.follow', 'user_removed')).toBe(true);
    await tick();
    expect(a.frames.slice(1).map((f) => f.metadata.message_type)).toEqual(['notification', 'notification', 'revocation']);
    expect(a.frames[2]!.metadata.message_id).toBe(sent!.messageId);
    expect(a.frames[3]!.payload.subscription.status).toBe('user_removed');
    expect(fake.state.eventSubSubscriptions.has('sub-channel.follow')).toBe(false);
  });
});
