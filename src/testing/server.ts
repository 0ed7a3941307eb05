/// <reference types="node" />
/**
 * The fake Twitch over real HTTP and WebSocket on 127.0.0.1, for browsers, other runtimes,
 * examples and `npm start`. Node-only (the one file in src/ that may use Node builtins): each
 * incoming request becomes a fetch `Request` for Twitch's real origin and gets whatever the msw
 * handlers answer; each WebSocket connection is handed to the msw WebSocket handler as if msw
 * had intercepted it. CORS headers let pages on other local origins call it.
 *
 * `startMockTwitch` needs the optional peer dependencies `msw` and `ws`
 * (`npm install --save-dev msw ws`); they are loaded when it is called, so a missing one is named
 * in the error. `serveFiles` needs neither.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { RequestHandler, WebSocketHandler } from 'msw';
import type { RawData, WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import type { MockTwitch, MockTwitchOptions } from './mock.js';

/** Local path prefixes and the Twitch origins they stand for. */
const UPSTREAMS: Record<string, string> = {
  '/helix/': 'https://api.twitch.tv/helix/',
  '/oauth2/': 'https://id.twitch.tv/oauth2/',
};

const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, client-id, content-type',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-expose-headers': 'ratelimit-limit, ratelimit-remaining, ratelimit-reset',
  'access-control-max-age': '600',
};

/** Options of {@link startMockTwitch}. */
export interface StartMockTwitchOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Seed of the fake's data. Default 1. */
  seed?: number;
  /** A client id to use instead of a generated one. */
  clientId?: string;
  /** Keepalive in seconds when a client asks for none. Default 10. */
  keepaliveSeconds?: number;
  /** How Helix answers are shaped: `'observed'` (default) or `'documented'`, as in `createMockTwitch`. */
  shapes?: MockTwitchOptions['shapes'];
}

/** A running fake Twitch: where it listens, its controls, and how to stop it. */
export interface RunningMockTwitch {
  /** e.g. `http://127.0.0.1:8080` */
  origin: string;
  /** Helix base URL for `createClient({ baseUrl })`. */
  helixUrl: string;
  /** OAuth base URL for the auth functions' `authBaseUrl`. */
  authUrl: string;
  /** EventSub WebSocket URL for `new EventSubSocket({ url })`. */
  eventsubUrl: string;
  /** IRC chat WebSocket URL for `new ChatClient({ url })`. */
  chatUrl: string;
  /** The fake Twitch itself: tokens, users, state and controls (`emit`, `reconnect`, ...). */
  mock: MockTwitch;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * Serves a fake Twitch on 127.0.0.1: Helix under `/helix/`, OAuth under `/oauth2/`, the
 * EventSub WebSocket at `/eventsub`, IRC chat over WebSocket at `/chat`. Node-only.
 */
export async function startMockTwitch(options: StartMockTwitchOptions = {}): Promise<RunningMockTwitch> {
  const { getResponse } = await peer('msw', () => import('msw'));
  const { WebSocketServer } = await peer('ws', () => import('ws'));
  const { createMockTwitch } = await import('./mock.js');
  const server = createServer();
  await listen(server, options.port ?? 0);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const eventsubUrl = `${origin.replace(/^http/, 'ws')}/eventsub`;
  const chatUrl = `${origin.replace(/^http/, 'ws')}/chat`;
  const mock = createMockTwitch({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
    ...(options.keepaliveSeconds === undefined ? {} : { keepaliveSeconds: options.keepaliveSeconds }),
    ...(options.shapes === undefined ? {} : { shapes: options.shapes }),
    // Its reconnect_url must lead back here.
    eventsubUrl,
    chatUrl,
  });
  const isSocket = (h: unknown): h is WebSocketHandler => (h as { kind?: string }).kind === 'websocket';
  const httpHandlers = mock.handlers.filter((h) => !isSocket(h)) as RequestHandler[];
  const socketHandlers = mock.handlers.filter(isSocket);

  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    answer(incoming, outgoing, httpHandlers, getResponse).catch(() => {
      if (!outgoing.headersSent) outgoing.writeHead(500, CORS);
      outgoing.end('the fake Twitch failed on this request');
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname !== '/eventsub' && url.pathname !== '/chat') return void socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => {
      const client = new LoopbackClient(ws, new URL(`${origin.replace(/^http/, 'ws')}${url.pathname}${url.search}`));
      // Each handler checks the URL itself: only the EventSub or the chat fake takes it.
      for (const handler of socketHandlers) {
        // Shaped like msw's client handle; EventTarget's listener types are only looser.
        void handler.run({ client: client as never, server: detachedServer, info: { protocols: undefined } });
      }
    });
  });

  return {
    origin,
    helixUrl: `${origin}/helix/`,
    authUrl: `${origin}/oauth2/`,
    eventsubUrl,
    chatUrl,
    mock,
    close: () => closeServer(server, wss),
  };
}

/**
 * Loads an optional peer dependency; when it is not installed, the error says it is one of
 * helixkit's optional peers and how to install it.
 */
async function peer<T>(name: 'msw' | 'ws', load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String(error).includes(`'${name}'`);
    if (!missing) throw error;
    throw new Error(
      `helixkit/testing/server needs the package "${name}", an optional peer dependency of helixkit: ` +
        'install both with `npm install --save-dev msw ws`',
      { cause: error },
    );
  }
}

/**
 * One WebSocket connection of the loopback server, shaped like the client handle msw gives its
 * WebSocket handlers, so the msw EventSub fake drives real sockets unchanged.
 */
class LoopbackClient extends EventTarget {
  readonly id = crypto.randomUUID();
  readonly url: URL;
  readonly #ws: NodeWebSocket;

  constructor(ws: NodeWebSocket, url: URL) {
    super();
    this.#ws = ws;
    this.url = url;
    ws.on('message', (data: RawData) => {
      this.dispatchEvent(new MessageEvent('message', { data: String(data) }));
    });
    ws.on('close', (code: number, reason: Buffer) => {
      this.dispatchEvent(closeEvent(code, String(reason)));
    });
    ws.on('error', () => ws.terminate());
  }

  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(data as string);
  }

  close(code?: number, reason?: string): void {
    // A browser's WebSocket refuses codes below 3000 except 1000; the ws package is as strict.
    const allowed = code === undefined || code === 1000 || (code >= 3000 && code <= 4999);
    this.#ws.close(allowed ? code : 1000, reason);
  }
}

function closeEvent(code: number, reason: string): Event {
  if (typeof CloseEvent === 'function') return new CloseEvent('close', { code, reason, wasClean: true });
  return Object.assign(new Event('close'), { code, reason, wasClean: true });
}

/** The loopback server has no real Twitch behind it: the "original server" side does nothing. */
const detachedServer = {
  connect() {},
  send() {},
  close() {},
  addEventListener() {},
  removeEventListener() {},
};

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server, wss?: WebSocketServer): Promise<void> {
  for (const ws of wss?.clients ?? []) ws.terminate();
  wss?.close();
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

async function answer(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  handlers: RequestHandler[],
  getResponse: typeof import('msw').getResponse,
): Promise<void> {
  const local = new URL(incoming.url ?? '/', 'http://127.0.0.1');
  if (incoming.method === 'OPTIONS') return void outgoing.writeHead(204, CORS).end();

  const prefix = Object.keys(UPSTREAMS).find((p) => local.pathname.startsWith(p));
  if (!prefix) return void outgoing.writeHead(404, { ...CORS, 'content-type': 'text/plain' }).end('not part of the fake Twitch');
  const url = UPSTREAMS[prefix] + local.pathname.slice(prefix.length) + local.search;
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD' && chunks.length > 0;
  const request = new Request(url, { method: incoming.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
  const response = await getResponse(handlers, request);
  if (!response) return void outgoing.writeHead(404, { ...CORS, 'content-type': 'text/plain' }).end('not part of the fake Twitch');

  const out: Record<string, string> = { ...CORS };
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  // A redirect to Twitch's own origin stays on this server.
  if (out.location) {
    for (const [path, upstream] of Object.entries(UPSTREAMS)) {
      if (out.location.startsWith(upstream)) out.location = `http://${incoming.headers.host}${path}${out.location.slice(upstream.length)}`;
    }
  }
  outgoing.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
}

/** A running static file server. */
export interface FileServer {
  origin: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Serves folders read-only on 127.0.0.1, e.g. `{ '/': 'examples/overlay', '/dist/': 'dist' }`
 * (longest prefix wins; `index.html` for a folder). For pages that talk to the fake Twitch
 * from their own origin, as a real page talks to Twitch. Node-only.
 */
export async function serveFiles(
  mounts: Record<string, string>,
  options: {
    port?: number;
    /** Generated pages by exact path, e.g. `{ '/': '<!doctype html>…' }`, answered before the folders. */
    pages?: Record<string, string>;
  } = {},
): Promise<FileServer> {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, resolve(dir)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer((incoming, outgoing) => {
    const path = decodeURIComponent(new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname);
    const mount = table.find(([prefix]) => path.startsWith(prefix) || `${path}/` === prefix);
    const notFound = () => void outgoing.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const page = options.pages && Object.hasOwn(options.pages, path) ? options.pages[path] : undefined;
    if (page !== undefined) {
      return void outgoing.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-store' }).end(page);
    }
    if (!mount || (incoming.method !== 'GET' && incoming.method !== 'HEAD')) return notFound();
    let file = normalize(join(mount[1], path.slice(mount[0].length)));
    if (file !== mount[1] && !file.startsWith(mount[1] + sep)) return notFound();
    void (async () => {
      let info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => undefined);
      }
      if (!info?.isFile()) return notFound();
      outgoing.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': String(info.size),
        'cache-control': 'no-store',
      });
      if (incoming.method === 'HEAD') return void outgoing.end();
      createReadStream(file).pipe(outgoing);
    })();
  });
  await listen(server, options.port ?? 0);
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => closeServer(server) };
}
