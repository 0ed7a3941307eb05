// Hostile servers on real sockets (the `ws` package on 127.0.0.1, Node's own WebSocket as the
// client): storms stay small, reconnect_url never leads elsewhere, and odd frames are reported,
// not thrown. Real time, so each scenario is bounded to a few seconds.
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { createClient } from '../../src/client.js';
import { EventSubSocket, type EventSubSocketOptions } from '../../src/eventsub/socket.js';
import { helix, metadata, record, subscriptionOf, type HelixCallRecord } from './hostile.helpers.js';

interface Loopback {
  url: string;
  port: number;
  /** Every upgrade asked for (refused ones too): path and when. */
  attempts: { path: string; at: number }[];
  close(): Promise<void>;
}

const servers: Loopback[] = [];
const sockets: EventSubSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A scripted server; `refuse(n)` turns the n-th upgrade (from 1) down with a 503. */
async function loopback(behave: (ws: ServerSocket, n: number) => void, refuse: (n: number) => boolean = () => false): Promise<Loopback> {
  const attempts: Loopback['attempts'] = [];
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (info, done) => {
      attempts.push({ path: info.req.url ?? '', at: Date.now() });
      done(!refuse(attempts.length), 503);
    },
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => behave(ws, attempts.length));
  const port = (wss.address() as { port: number }).port;
  const server: Loopback = {
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    attempts,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
  servers.push(server);
  return server;
}

const welcome = (ws: ServerSocket, id = 'loop') =>
  ws.send(JSON.stringify({ metadata: metadata('session_welcome'), payload: { session: { id, status: 'connected', keepalive_timeout_seconds: 10, reconnect_url: null, connected_at: new Date().toISOString() } } }));

function socketFor(url: string, options: Partial<EventSubSocketOptions> = {}) {
  const records: HelixCallRecord[] = [];
  const client = createClient({ clientId: 'cid', auth: 'token', fetch: helix(records), retry: { limit: 0 }, onInvalid: () => {} });
  const calls = { filter: (keep: (method: string) => boolean) => records.map((call) => call.method).filter(keep) };
  const socket = new EventSubSocket({ client, url, WebSocket, ...options });
  sockets.push(socket);
  return { socket, calls, log: record(socket) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
};

it('storms on the wire: for 3 s, each hostile server sees at most 5 connections and 2 Helix calls (the subscribe, one re-creation)', async () => {
  // Each server welcomes its first connection (so the socket has a session to lose), then turns hostile.
  const mover = { url: '' };
  const scenarios = {
    'welcome, then close': await loopback((ws, n) => {
      welcome(ws, `s${n}`);
      setTimeout(() => ws.close(4000), 20);
    }),
    'close at once': await loopback((ws, n) => (n === 1 ? (welcome(ws, 's1'), setTimeout(() => ws.close(4000), 20)) : ws.close(4006))),
    'refuse the upgrade': await loopback(
      (ws) => {
        welcome(ws);
        setTimeout(() => ws.close(4000), 20);
      },
      (n) => n > 1,
    ),
    'never welcome': await loopback((ws, n) => {
      if (n === 1) {
        welcome(ws, 's1');
        setTimeout(() => ws.close(4000), 20);
      }
    }),
    'session_reconnect on every connection': await loopback((ws, n) => {
      welcome(ws, 'moving');
      const url = `${mover.url}?reconnect_id=${n}`;
      ws.send(JSON.stringify({ metadata: metadata('session_reconnect'), payload: { session: { id: 'moving', status: 'reconnecting', keepalive_timeout_seconds: null, reconnect_url: url, connected_at: new Date().toISOString() } } }));
    }),
  };
  mover.url = scenarios['session_reconnect on every connection'].url;
  const runs = Object.entries(scenarios).map(([name, server]) => {
    const { socket, calls } = socketFor(server.url, { connectTimeoutMs: 1000 });
    return { name, server, socket, calls, subscribed: socket.subscribe('stream.online', { broadcaster_user_id: '1' }).catch(() => {}) };
  });
  await sleep(3000);
  const seen = runs.map(({ name, server, calls }) => ({ name, connections: server.attempts.length, posts: calls.filter((method) => method === 'POST').length }));
  for (const { name, connections, posts } of seen) {
    expect(connections, name).toBeLessThanOrEqual(5);
    expect(connections, name).toBeGreaterThanOrEqual(2); // it did try again
    expect(posts, name).toBeLessThanOrEqual(2); // the first session's subscribe, and one re-creation
  }
});

it('a reconnect_url on another port, another host or http: is never opened; the socket starts over on its own URL', async () => {
  const elsewhere = await loopback(() => {});
  const targets: string[] = [];
  const home = await loopback((ws, n) => {
    welcome(ws, `s${n}`);
    const target = targets[n - 1];
    if (target) ws.send(JSON.stringify({ metadata: metadata('session_reconnect'), payload: { session: { id: `s${n}`, status: 'reconnecting', keepalive_timeout_seconds: null, reconnect_url: target, connected_at: new Date().toISOString() } } }));
  });
  // The fourth is on the configured host and port, over ws: as configured: followed.
  targets.push(elsewhere.url, `http://127.0.0.1:${home.port}/ws`, `ws://localhost:${home.port}/ws`, `ws://127.0.0.1:${home.port}/moved?x=1`);
  const { socket, log } = socketFor(home.url, { reconnect: { minDelayMs: 50, maxDelayMs: 50 } });
  await socket.connect();
  await until(() => home.attempts.length === 5);
  await sleep(100);
  expect(elsewhere.attempts).toEqual([]);
  expect(home.attempts.map((attempt) => attempt.path)).toEqual(['/ws', '/ws', '/ws', '/ws', '/moved?x=1']);
  expect(log.error.map((error) => (error as { code?: string }).code)).toEqual(['reconnect-url', 'reconnect-url', 'reconnect-url']);
  expect(log.reconnect.map((entry) => entry.url)).toEqual([home.url, home.url, home.url, `ws://127.0.0.1:${home.port}/moved?x=1`]);
});

it('binary, oversized and misshapen frames are reported on error, and the socket keeps delivering', async () => {
  const server = await loopback((ws) => {
    welcome(ws);
    const notify = (payload: Record<string, unknown>) =>
      ws.send(JSON.stringify({ metadata: metadata('notification', { subscription_type: 'stream.online', subscription_version: '1' }), payload: { subscription: subscriptionOf('stream.online', 'loop'), event: { user_id: '1' }, ...payload } }));
    setTimeout(() => {
      ws.send(Buffer.from('{"binary":true}'), { binary: true });
      ws.send(`{${' '.repeat(2 << 20)}}`);
      notify({ event: undefined, events: 5 });
      notify({ event: undefined, events: 'abc' });
      notify({});
    }, 50);
  });
  const { socket, log } = socketFor(server.url, { validate: false });
  const events: unknown[] = [];
  socket.on('stream.online', (event) => void events.push(event));
  await socket.connect();
  await until(() => events.length === 1);
  expect(log.error.map((error) => [error.name, (error as { code?: string }).code])).toEqual([
    ['EventSubError', 'frame'],
    ['EventSubError', 'frame'],
    ['ValidationError', undefined],
    ['ValidationError', undefined],
  ]);
  expect(events).toEqual([{ user_id: '1' }]);
  expect(socket.state).toBe('connected');
});
