// A hostile EventSub server for the socket's hardening tests: an msw WebSocket link (so fake
// timers drive it) whose every connection is handed to a scripted behaviour, plus a Helix
// stand-in (the client's `fetch`) that accepts every subscription and shard update and counts.
import { ws } from 'msw';
import { setupServer } from 'msw/node';
import { vi } from 'vitest';
import { createClient } from '../../src/client.js';
import { EventSubSocket, type EventSubSocketEvents, type EventSubSocketOptions, type WebSocketConstructor } from '../../src/eventsub/socket.js';

export const BASE = 'wss://eventsub.wss.twitch.tv/ws';

/** One connection the server accepted, with what the server can do to it. */
export interface Peer {
  readonly url: URL;
  /** When it opened, welcomed and closed (fake clock). */
  readonly at: number;
  welcomedAt?: number;
  closedAt?: number;
  sessionId?: string;
  /** Sends `session_welcome`; `session` overrides fields of the session (a keepalive, say). */
  welcome(session?: Record<string, unknown>): void;
  /** Sends `session_keepalive` every `seconds` until the connection closes. */
  keepalives(seconds?: number): void;
  /** Sends `session_reconnect` pointing to `url`. */
  reconnect(url: unknown): void;
  /** Sends a notification of `type` (any value, however hostile) with `payload` fields merged in. */
  notify(type: unknown, payload?: Record<string, unknown>): void;
  /** Sends anything: an object is JSON-encoded, a string or ArrayBuffer goes as is. */
  send(frame: unknown): void;
  close(code?: number, reason?: string): void;
}

export type Behaviour = (peer: Peer) => void;

export interface HelixCallRecord {
  method: string;
  at: number;
}

let ids = 0;
const now = () => new Date(Date.now()).toISOString();
export const metadata = (type: string, extra: Record<string, unknown> = {}) => ({
  message_id: `m${++ids}`,
  message_type: type,
  message_timestamp: now(),
  ...extra,
});

/** A subscription as notifications carry it. */
export const subscriptionOf = (type: unknown, sessionId = 'x') => ({
  id: `sub-${String(type)}`,
  status: 'enabled',
  type,
  version: '1',
  condition: { broadcaster_user_id: '1' },
  transport: { method: 'websocket', session_id: sessionId },
  created_at: now(),
  cost: 0,
});

/** A Helix stand-in (as `fetch`) that accepts every subscription and shard update, and counts the calls. */
export function helix(calls: HelixCallRecord[]) {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    calls.push({ method: request.method, at: Date.now() });
    if (request.method === 'DELETE') return new Response(null, { status: 204 });
    const body = (await request.json()) as { type?: string; version?: string; condition?: object; transport?: { session_id: string }; shards?: object[] };
    if (request.method === 'PATCH') return Response.json({ data: body.shards!.map((shard) => ({ ...shard, status: 'enabled' })), errors: [] }, { status: 202 });
    const created = { ...subscriptionOf(body.type, body.transport!.session_id), id: `sub${calls.length}`, version: body.version, condition: body.condition };
    return Response.json({ data: [created], total: 1, total_cost: 0, max_total_cost: 10 }, { status: 202 });
  };
}

/**
 * Starts the hostile server on `url` (and on `extra` URLs, for reconnect targets) under fake
 * timers. `behaviour` may be swapped at any time through the returned object.
 */
export function hostile(behaviour: Behaviour, options: { url?: string; extra?: string[] } = {}) {
  vi.useFakeTimers();
  const url = options.url ?? BASE;
  const peers: Peer[] = [];
  const calls: HelixCallRecord[] = [];
  /** Every URL the socket asked its WebSocket constructor for, allowed or not. */
  const opened: string[] = [];
  const allowed = new Set([url, ...(options.extra ?? [])].map((u) => new URL(u).origin + new URL(u).pathname));
  const control = { behaviour };
  /** reconnect_url → the session it moves, so a welcome there keeps the session id, as Twitch's does. */
  const moving = new Map<string, string>();

  const handlers = [url, ...(options.extra ?? [])].map((link) =>
    ws.link(link).addEventListener('connection', ({ client }) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const peer: Peer = {
        url: client.url,
        at: Date.now(),
        welcome(session = {}) {
          peer.sessionId = (session.id as string | undefined) ?? moving.get(client.url.href) ?? `s${peers.indexOf(peer)}`;
          peer.welcomedAt = Date.now();
          peer.send({
            metadata: metadata('session_welcome'),
            payload: { session: { id: peer.sessionId, status: 'connected', keepalive_timeout_seconds: 10, reconnect_url: null, connected_at: now(), ...session } },
          });
        },
        keepalives(seconds = 10) {
          const next = () => {
            timer = setTimeout(() => {
              if (peer.closedAt !== undefined) return;
              peer.send({ metadata: metadata('session_keepalive'), payload: {} });
              next();
            }, seconds * 1000);
          };
          next();
        },
        reconnect(target) {
          if (typeof target === 'string' && peer.sessionId) moving.set(target, peer.sessionId);
          peer.send({
            metadata: metadata('session_reconnect'),
            payload: { session: { id: peer.sessionId ?? 'x', status: 'reconnecting', keepalive_timeout_seconds: null, reconnect_url: target, connected_at: now() } },
          });
        },
        notify(type, payload = {}) {
          peer.send({
            metadata: metadata('notification', { subscription_type: type, subscription_version: '1' }),
            payload: { subscription: subscriptionOf(type, peer.sessionId), event: { user_id: '1' }, ...payload },
          });
        },
        send(frame) {
          if (peer.closedAt !== undefined) return;
          client.send(typeof frame === 'string' || frame instanceof ArrayBuffer ? frame : JSON.stringify(frame));
        },
        close(code = 4000, reason = '') {
          if (peer.closedAt !== undefined) return;
          peer.closedAt = Date.now();
          clearTimeout(timer);
          client.close(code, reason);
        },
      };
      client.addEventListener('close', () => {
        peer.closedAt ??= Date.now();
        clearTimeout(timer);
      });
      peers.push(peer);
      control.behaviour(peer);
    }),
  );

  const server = setupServer(...handlers);
  server.listen({ onUnhandledFrame: 'error' });
  const client = createClient({ clientId: 'cid', auth: 'token', retry: { limit: 0 }, onInvalid: () => {}, fetch: helix(calls) });
  // Records every URL; refuses (throws) any the server does not serve, so nothing leaves the process.
  const WebSocketSpy = function (this: unknown, target: string) {
    opened.push(target);
    const parsed = new URL(target);
    if (!allowed.has(parsed.origin + parsed.pathname)) throw new Error(`test: refused to open ${target}`);
    return new globalThis.WebSocket(target);
  } as unknown as WebSocketConstructor;
  const sockets: EventSubSocket[] = [];

  return {
    peers,
    calls,
    opened,
    set behaviour(next: Behaviour) {
      control.behaviour = next;
    },
    socket(extra: Partial<EventSubSocketOptions> = {}) {
      const socket = new EventSubSocket({ client, url, WebSocket: WebSocketSpy, ...extra });
      sockets.push(socket);
      return socket;
    },
    tick: (ms = 0) => vi.advanceTimersByTimeAsync(ms).then(() => undefined),
    stop() {
      for (const socket of sockets) socket.close();
      server.close();
      vi.useRealTimers();
    },
  };
}

export type Hostile = ReturnType<typeof hostile>;

/** Records every socket event, by name. */
export function record(socket: EventSubSocket) {
  const log = { session: [], reconnect: [], disconnect: [], resubscribed: [], revocation: [], notification: [], error: [], close: [] } as {
    [K in keyof EventSubSocketEvents]: EventSubSocketEvents[K][];
  };
  for (const name of Object.keys(log) as (keyof EventSubSocketEvents)[]) {
    socket.on(name as 'error', (value) => void (log[name] as unknown[]).push(value));
  }
  return log;
}

/** A server that behaves: welcomes every connection and keeps it alive with keepalives. */
export const healthy: Behaviour = (peer) => {
  peer.welcome();
  peer.keepalives();
};

/** The largest number of `times` inside any window of `ms`. */
export function busiest(times: readonly number[], ms: number): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j]! - times[i]! < ms) j++;
    most = Math.max(most, j - i);
  }
  return most;
}
