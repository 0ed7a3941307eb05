/// <reference types="node" />
/**
 * The fake Twitch over real HTTP on 127.0.0.1, for browsers, examples and `npm start`.
 * Node-only (the one file in src/ that may use Node builtins): it turns each incoming request
 * into a fetch `Request` for Twitch's real origin and answers with whatever the msw handlers
 * answer, with CORS so pages on other local origins can call it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

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
};

export interface ServeOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Extra routes answered before the handlers, e.g. static files: path → response factory. */
  routes?: Record<string, () => Response | Promise<Response>>;
}

export interface LoopbackServer {
  /** e.g. `http://127.0.0.1:8080` */
  origin: string;
  /** Helix base URL to give `createClient({ baseUrl })`. */
  helixUrl: string;
  /** OAuth base URL to give the auth functions' `authBaseUrl`. */
  authUrl: string;
  close(): Promise<void>;
}

/** Serves msw HTTP handlers on 127.0.0.1. */
export async function serveHandlers(handlers: RequestHandler[], options: ServeOptions = {}): Promise<LoopbackServer> {
  const server = createServer((incoming, outgoing) => {
    answer(incoming, outgoing, handlers, options).catch((error: unknown) => {
      outgoing.writeHead(500, CORS).end(`fake Twitch failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    helixUrl: `${origin}/helix/`,
    authUrl: `${origin}/oauth2/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  handlers: RequestHandler[],
  options: ServeOptions,
): Promise<void> {
  const local = new URL(incoming.url ?? '/', 'http://127.0.0.1');
  if (incoming.method === 'OPTIONS') return void outgoing.writeHead(204, CORS).end();

  const route = options.routes?.[local.pathname];
  const prefix = Object.keys(UPSTREAMS).find((p) => local.pathname.startsWith(p));
  let response: Response | undefined;
  if (route) {
    response = await route();
  } else if (prefix) {
    const url = UPSTREAMS[prefix] + local.pathname.slice(prefix.length) + local.search;
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD' && chunks.length > 0;
    const request = new Request(url, { method: incoming.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
    response = await getResponse(handlers, request);
  }
  if (!response) return void outgoing.writeHead(404, { ...CORS, 'content-type': 'text/plain' }).end('not part of the fake Twitch');

  const headers: Record<string, string> = { ...CORS };
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // A redirect to Twitch's own origin (the OAuth authorize step) stays on this server.
  if (headers.location) {
    for (const [path, upstream] of Object.entries(UPSTREAMS)) {
      if (headers.location.startsWith(upstream)) headers.location = origin(local, incoming) + path + headers.location.slice(upstream.length);
    }
  }
  outgoing.writeHead(response.status, headers).end(Buffer.from(await response.arrayBuffer()));
}

function origin(local: URL, incoming: IncomingMessage): string {
  return `http://${incoming.headers.host ?? local.host}`;
}
