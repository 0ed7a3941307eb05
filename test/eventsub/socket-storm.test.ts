// Reconnect storms: whatever a server does to every connection, the socket opens only a handful
// of connections in any few seconds, and calls Helix at most once per session that stayed up.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventSubSocketOptions } from '../../src/eventsub/socket.js';
import { attachToConduit } from '../../src/eventsub/conduits.js';
import { BASE, busiest, healthy, hostile, record, type Behaviour, type Hostile } from './hostile.helpers.js';

let h: Hostile;
afterEach(() => h.stop());

const MINUTE = 60_000;

/**
 * A socket with one subscription (or a conduit shard) on a healthy server for a minute; then the
 * server turns to `behaviour` for five minutes (the healthy connection is closed with 4000 to
 * start it), then behaves again.
 */
async function storm(behaviour: Behaviour, options: Partial<EventSubSocketOptions> & { conduit?: boolean } = {}) {
  h = hostile(healthy);
  const socket = h.socket(options);
  const log = record(socket);
  const ready = options.conduit ? attachToConduit(socket, 'c1', 0) : socket.subscribe('stream.online', { broadcaster_user_id: '1' });
  await h.tick(10);
  await ready;
  await h.tick(MINUTE);
  const start = { peers: h.peers.length, calls: h.calls.length };
  h.behaviour = behaviour;
  h.peers.at(-1)!.close(4000);
  await h.tick(5 * MINUTE);
  const times = h.peers.slice(start.peers).map((peer) => peer.at);
  const helix = h.calls.length - start.calls;
  return { socket, log, times, helix, start };
}

/** Welcomes, then closes 100 ms later (once the welcome has surely been read). */
const welcomeThenClose =
  (code: number): Behaviour =>
  (peer) => {
    peer.welcome();
    setTimeout(() => peer.close(code), 100);
  };
const closeAtOnce =
  (code: number): Behaviour =>
  (peer) =>
    peer.close(code);
const neverWelcome: Behaviour = () => {};
/** Welcomes, then at once moves the session to a new connection, which does the same. */
const reconnectEverywhere: Behaviour = (peer) => {
  peer.welcome();
  peer.reconnect(`${BASE}?reconnect_id=${Math.random()}`);
};

const behaviours: [string, Behaviour][] = [
  ...[4000, 4002, 4003, 4004, 4005, 4006, 4007, 1000, 1011].map((code): [string, Behaviour] => [`welcomes, then closes with ${code}`, welcomeThenClose(code)]),
  ...[4000, 4002, 4003, 4004, 4005, 4006, 4007, 1000, 1011].map((code): [string, Behaviour] => [`closes with ${code} before any welcome`, closeAtOnce(code)]),
  ['never welcomes', neverWelcome],
  ['sends session_reconnect on every connection', reconnectEverywhere],
];

describe('a server that never lets a session live', () => {
  for (const [name, behaviour] of behaviours) {
    it(`${name}: a handful of connections in any 5 s, one Helix call in five minutes, and recovery`, async () => {
      const { socket, log, times, helix } = await storm(behaviour);
      // Backoff from an immediate retry: 0, 0.5-1, 1-2, 2-4 s… then at most 60 s apart.
      expect(busiest(times, 5000)).toBeLessThanOrEqual(4);
      expect(times.length).toBeLessThanOrEqual(20);
      expect(times.length).toBeGreaterThanOrEqual(5); // it does keep trying
      // One re-creation on the first new session (settled at once after a healthy one); none after.
      expect(helix).toBeLessThanOrEqual(1);
      expect(socket.state).not.toBe('idle');
      // The server behaves again: the socket gets back within one backoff step (at most a minute),
      // plus the wait for a welcome on a connection still open (10 s) and the settle time (5 s).
      h.behaviour = healthy;
      await h.tick(MINUTE + 10_000 + 5000 + 1000);
      expect(socket.state).toBe('connected');
      expect(socket.subscriptions[0]!.transport?.session_id).toBe(socket.session!.id);
      expect(log.resubscribed.length).toBeGreaterThanOrEqual(1);
    });
  }

  it('4001 (inbound traffic) at every connection: one connection, then the socket stops', async () => {
    const { socket, log, times } = await storm(welcomeThenClose(4001));
    expect(times).toHaveLength(1);
    expect(socket.state).toBe('idle');
    expect(log.error.at(-1)).toMatchObject({ code: 'fatal-close', closeCode: 4001 });
  });

  it('a conduit shard is attached once per session (attachToConduit included), and at most once while the server welcomes and closes', async () => {
    const { times, helix, start } = await storm(welcomeThenClose(4000), { conduit: true });
    expect(h.calls.slice(0, start.calls).map((call) => call.method)).toEqual(['PATCH']);
    expect(times.length).toBeGreaterThanOrEqual(5);
    expect(helix).toBeLessThanOrEqual(1);
  });

  it('a server that closes each session after 3 s gets no Helix call on sessions that did not settle (5 s)', async () => {
    const { times, helix } = await storm((peer) => {
      peer.welcome();
      setTimeout(() => peer.close(4000), 3000);
    });
    expect(times.length).toBeGreaterThanOrEqual(5);
    expect(helix).toBeLessThanOrEqual(1);
  });

  it('a server that closes each session after 6 s: one Helix call per session that settled, still backing off', async () => {
    const { times, helix } = await storm((peer) => {
      peer.welcome();
      setTimeout(() => peer.close(4000), 6000);
    });
    expect(busiest(times, 10_000)).toBeLessThanOrEqual(3);
    expect(helix).toBeLessThanOrEqual(times.length);
  });
});

describe('the backoff restarts only after a healthy session (30 s)', () => {
  it('a session lost before 30 s keeps backing off; one lost after 30 s is retried at once', async () => {
    h = hostile(healthy);
    const socket = h.socket();
    const log = record(socket);
    const subscribing = socket.subscribe('stream.online', { broadcaster_user_id: '1' });
    await h.tick(10);
    await subscribing;
    await h.tick(MINUTE);
    h.peers.at(-1)!.close(4000);
    await h.tick(10);
    expect(log.reconnect.at(-1)).toMatchObject({ attempt: 0, delay: 0 });
    await h.tick(20_000); // up 20 s: not yet healthy
    h.peers.at(-1)!.close(4000);
    await h.tick(10);
    expect(log.reconnect.at(-1)!.attempt).toBe(1);
    expect(log.reconnect.at(-1)!.delay).toBeGreaterThanOrEqual(500);
    await h.tick(1000 + 30_000); // reconnected, and up 30 s
    h.peers.at(-1)!.close(4000);
    await h.tick(10);
    expect(log.reconnect.at(-1)).toMatchObject({ attempt: 0, delay: 0 });
  });

  it('session_reconnect on a healthy session is followed at once, even after a storm', async () => {
    const { socket, log } = await storm(welcomeThenClose(4000));
    h.behaviour = healthy;
    await h.tick(MINUTE + 5000 + 30_000);
    expect(socket.state).toBe('connected');
    const peer = h.peers.at(-1)!;
    peer.reconnect(`${BASE}?reconnect_id=1`);
    await h.tick(0);
    expect(log.reconnect.at(-1)).toMatchObject({ reason: 'session_reconnect', attempt: 0, delay: 0 });
    expect(h.opened.at(-1)).toBe(`${BASE}?reconnect_id=1`);
    await h.tick(10);
    expect(log.session.at(-1)).toMatchObject({ resumed: true });
  });
});

describe('one welcome and one session_reconnect per connection', () => {
  it('a server repeating the welcome on one connection gets no new session and no Helix call', async () => {
    h = hostile((peer) => {
      peer.welcome();
      peer.keepalives();
    });
    const socket = h.socket();
    const log = record(socket);
    const subscribing = socket.subscribe('stream.online', { broadcaster_user_id: '1' });
    await h.tick(10);
    await subscribing;
    const peer = h.peers[0]!;
    for (let i = 0; i < 200; i++) peer.welcome({ id: `again${i}` });
    await h.tick(60_000);
    expect(log.session).toHaveLength(1);
    expect(socket.session!.id).toBe('s0');
    expect(h.calls.filter((call) => call.method === 'POST')).toHaveLength(1);
    expect(h.peers).toHaveLength(1);
  });

  it('a server repeating session_reconnect on one connection gets one handover', async () => {
    h = hostile(healthy);
    const socket = h.socket();
    const subscribing = socket.subscribe('stream.online', { broadcaster_user_id: '1' });
    await h.tick(10);
    await subscribing;
    h.behaviour = () => {}; // the handover connection stays unwelcomed
    for (let i = 0; i < 200; i++) h.peers[0]!.reconnect(`${BASE}?reconnect_id=${i}`);
    await h.tick(10);
    expect(h.peers).toHaveLength(2);
    expect(h.opened).toHaveLength(2);
  });
});
