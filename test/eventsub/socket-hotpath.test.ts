// The per-message hot path against a model: duplicates by id (ten minutes, maxRememberedIds),
// the age check on Twitch's clock, and routing by subscription type. Frames go straight into a
// bare in-memory WebSocket, so thousands of them run in milliseconds under fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/client.js';
import { EventSubSocket, type EventSubSocketOptions, type WebSocketConstructor } from '../../src/eventsub/socket.js';

type Listener = (event: { data?: unknown; code?: number; reason?: string }) => void;

/** A WebSocket whose "server" is the test: `frame` delivers one text frame. */
class BareWebSocket {
  static last: BareWebSocket;
  readonly listeners = new Map<string, Listener[]>();
  constructor(readonly url: string) {
    BareWebSocket.last = this;
  }
  addEventListener(type: string, listener: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {}
  frame(value: unknown) {
    for (const listener of this.listeners.get('message') ?? []) listener({ data: JSON.stringify(value) });
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2026-12-04T12:00:00Z'));
});
afterEach(() => vi.useRealTimers());

/** A connected socket (welcomed, stamped `welcomeStamp`), what reached it, and a notification sender. */
async function connected(options: Partial<EventSubSocketOptions> = {}, welcomeStamp = iso(Date.now())) {
  const client = createClient({ clientId: 'cid', auth: 'token', onInvalid: () => {} });
  const socket = new EventSubSocket({ client, WebSocket: BareWebSocket as unknown as WebSocketConstructor, ...options });
  const errors: Error[] = [];
  socket.on('error', (error) => void errors.push(error));
  const seen: string[] = [];
  socket.on('stream.online', (event) => void seen.push(event.broadcaster_user_id));
  const connecting = socket.connect();
  const ws = BareWebSocket.last;
  ws.frame({
    metadata: { message_id: 'welcome', message_type: 'session_welcome', message_timestamp: welcomeStamp },
    payload: { session: { id: 's1', status: 'connected', keepalive_timeout_seconds: 600, reconnect_url: null, connected_at: welcomeStamp } },
  });
  await connecting;
  /** A stream.online notification with message id `id`, event id `user`, type `type`, stamped `stamp` (default: now). */
  const notify = (id: string, user = id, { stamp = iso(Date.now()), type = 'stream.online' } = {}) =>
    ws.frame({
      metadata: { message_id: id, message_type: 'notification', message_timestamp: stamp, subscription_type: type, subscription_version: '1' },
      payload: {
        subscription: { id: 'sub', status: 'enabled', type, version: '1', condition: { broadcaster_user_id: '1' }, transport: { method: 'websocket', session_id: 's1' }, created_at: stamp, cost: 0 },
        event: { broadcaster_user_id: user, id: user, type: 'live', started_at: stamp, broadcaster_user_login: 'b', broadcaster_user_name: 'B' },
      },
    });
  /** A keepalive stamped `stamp`. */
  const keepalive = (stamp: string) => ws.frame({ metadata: { message_id: `k${stamp}`, message_type: 'session_keepalive', message_timestamp: stamp }, payload: {} });
  return { socket, errors, seen, notify, keepalive };
}

/** A small seeded generator, so a failing run can be replayed. */
function random(seed: number) {
  return () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0) >>> 0) / 2 ** 32;
}

describe('duplicates against a model', () => {
  for (const [max, pool, seed] of [
    [undefined, 30_000, 1],
    [50, 120, 2],
    [1, 4, 3],
    [3000, 5000, 4],
  ] as const) {
    it(`drops exactly the ids seen within ten minutes among the last ${max ?? 'default'} remembered (ids from a pool of ${pool})`, async () => {
      // (A grace of an hour: the model's silences would otherwise end the connection.)
      const { seen, notify, errors } = await connected({ keepaliveGraceMs: 3_600_000, ...(max === undefined ? {} : { maxRememberedIds: max }) });
      const next = random(seed);
      const limit = max ?? 10_000;
      // The model: ids delivered, in order, with when each came.
      const remembered: { id: string; at: number }[] = [];
      const expected: string[] = [];
      for (let n = 0; n < 40_000; n++) {
        // Mostly bursts within a millisecond, sometimes minutes of silence: ids expire mid-table.
        const r = next();
        let id = `id-${Math.floor(next() * pool)}`;
        const edge = remembered[Math.floor(next() * remembered.length)];
        if (r < 0.002) vi.advanceTimersByTime(Math.floor(next() * 5 * 60_000));
        else if (r < 0.2) vi.advanceTimersByTime(Math.floor(next() * 200));
        else if (r < 0.21 && edge && edge.at + 600_000 > Date.now()) {
          // An id again exactly ten minutes after it came (forgotten), or a millisecond before (a repeat).
          vi.advanceTimersByTime(edge.at + 600_000 - Math.floor(next() * 2) - Date.now());
          id = edge.id;
        }
        const now = Date.now();
        const kept = remembered.slice(Math.max(0, remembered.length - limit)).filter((one) => now - one.at < 600_000);
        if (!kept.some((one) => one.id === id)) {
          expected.push(id);
          remembered.push({ id, at: now });
        }
        notify(id);
      }
      expect(errors).toEqual([]);
      expect(seen.length).toBe(expected.length);
      expect(seen).toEqual(expected);
    });
  }
});

describe('routing', () => {
  it('a notification whose type is empty reaches no listener, also after a listener was added', async () => {
    const { socket, seen, notify, errors } = await connected();
    notify('a', 'first');
    socket.on('channel.ban', () => {});
    notify('b', 'empty type', { type: '' });
    expect(seen).toEqual(['first']);
    expect(errors).toEqual([]);
  });
});

describe('timestamps', () => {
  it('a welcome stamp whose milliseconds are not digits does not make later notifications look old', async () => {
    const { seen, notify } = await connected({}, `${iso(Date.now()).slice(0, 19)}.\u4e00\u4e00\u4e00Z`);
    notify('a', 'fresh');
    expect(seen).toEqual(['fresh']);
  });

  it('a notification stamp whose milliseconds are not digits is read within its second', async () => {
    const { seen, notify } = await connected();
    const second = iso(Date.now() - 599_000).slice(0, 19);
    // ('!' is below '0': taken as digits, these three once read 1.665 s before the second.)
    notify('a', 'garbled', { stamp: `${second}.!!!Z` });
    notify('b', 'digits', { stamp: `${second}.000Z` });
    expect(seen).toEqual(['garbled', 'digits']);
  });

  it('a notification stamped far in the future is delivered, and the ones after it too', async () => {
    const { seen, notify } = await connected();
    notify('a', 'future', { stamp: '2999-01-01T00:00:00.000000000Z' });
    notify('b', 'now');
    notify('c', 'old', { stamp: iso(Date.now() - 11 * 60_000) });
    expect(seen).toEqual(['future', 'now']);
  });

  it('a local clock set forward mid-session (a board that boots before NTP): Twitch\'s clock is learned again at the next keepalive', async () => {
    const twitchNow = Date.now();
    vi.setSystemTime(twitchNow - 86_400_000); // booted a day behind: the welcome teaches a skew of a day
    const { seen, notify, keepalive } = await connected({}, iso(twitchNow));
    notify('a', 'before', { stamp: iso(twitchNow) });
    vi.setSystemTime(twitchNow + 1000); // NTP sets the clock right
    keepalive(iso(twitchNow + 1000));
    notify('b', 'after', { stamp: iso(twitchNow + 1500) });
    notify('c', 'old', { stamp: iso(twitchNow - 11 * 60_000) });
    expect(seen).toEqual(['before', 'after']);
  });

  // Twitch sends a keepalive only after a quiet keepalive period: a busy session gets none.
  it('a local clock set forward in a busy session: Twitch\'s clock is learned again from the next frame', async () => {
    const twitchNow = Date.now();
    vi.setSystemTime(twitchNow - 86_400_000);
    const { seen, notify } = await connected({}, iso(twitchNow));
    notify('a', 'before', { stamp: iso(twitchNow) });
    vi.setSystemTime(twitchNow + 1000);
    notify('b', 'after', { stamp: iso(twitchNow + 1000) });
    notify('c', 'next', { stamp: iso(twitchNow + 1500) });
    notify('d', 'old', { stamp: iso(twitchNow - 11 * 60_000) });
    expect(seen).toEqual(['before', 'after', 'next']);
  });

  // A jump the watchdog's limit hides (a keepalive of 600 s allows 605 s of silence, a grace of
  // Infinity any) still makes every later notification look more than ten minutes old.
  it.each([
    ['a keepalive of 600 s', {}, 603_000],
    ['keepaliveGraceMs: Infinity', { keepaliveGraceMs: Infinity }, 3_600_000],
  ] as const)('with %s, a local clock set forward past ten minutes in a busy session drops no notification', async (_, options, jump) => {
    const twitchNow = Date.now();
    const { seen, notify, errors } = await connected(options);
    notify('a', 'before', { stamp: iso(twitchNow) });
    vi.setSystemTime(twitchNow + jump);
    notify('b', 'after', { stamp: iso(twitchNow + 100) });
    notify('c', 'next', { stamp: iso(twitchNow + 200) });
    notify('d', 'old', { stamp: iso(twitchNow - 11 * 60_000) });
    expect(seen).toEqual(['before', 'after', 'next']);
    expect(errors).toEqual([]);
  });

  it('a local clock set back in a busy session: Twitch\'s clock is learned again from the next frame, so old replays stay out', async () => {
    const { seen, notify } = await connected();
    const twitchNow = Date.now();
    vi.setSystemTime(twitchNow - 86_400_000);
    notify('a', 'now', { stamp: iso(twitchNow) });
    notify('b', 'old', { stamp: iso(twitchNow - 11 * 60_000) });
    expect(seen).toEqual(['now']);
  });

  it('a local clock set back mid-session delays the watchdog by one keepalive period at most, not by the jump', async () => {
    const { socket } = await connected();
    const disconnects: string[] = [];
    socket.on('disconnect', ({ reason }) => void disconnects.push(reason));
    // The welcome granted 600 s: silence past 605 s is a dead connection.
    await vi.advanceTimersByTimeAsync(300_000);
    vi.setSystemTime(Date.now() - 86_400_000);
    await vi.advanceTimersByTimeAsync(2 * 605_000 - 300_000);
    expect(disconnects[0]).toBe('no message within the keepalive time');
    socket.close();
  });
});
