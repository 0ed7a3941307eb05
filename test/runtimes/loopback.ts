// A loopback stand-in for Twitch used by the runtime tests: Helix's users endpoint, a WebSocket
// echo, and any static files the browser test needs. CORS is open so pages on other origins work.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface Loopback {
  origin: string;
  /** Authorization and Client-Id headers of every Helix request seen. */
  seen: { authorization?: string; clientId?: string }[];
  close(): Promise<void>;
}

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, client-id, content-type',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
};

export async function startLoopback(files: Record<string, { type: string; body: string }> = {}): Promise<Loopback> {
  const seen: Loopback['seen'] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end();
    if (url.pathname === '/helix/users') {
      seen.push({ authorization: request.headers.authorization, clientId: request.headers['client-id'] as string });
      const data = url.searchParams.getAll('login').map((login, i) => ({
        id: String(1000 + i), login, display_name: login, type: '', broadcaster_type: '', description: '',
        profile_image_url: '', offline_image_url: '', view_count: 0, created_at: '2020-01-01T00:00:00Z',
      }));
      response.writeHead(200, {
        ...cors,
        'content-type': 'application/json',
        'ratelimit-limit': '800',
        'ratelimit-remaining': '799',
        'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
      });
      return void response.end(JSON.stringify({ data }));
    }
    const file = files[url.pathname];
    if (file) return void response.writeHead(200, { ...cors, 'content-type': file.type }).end(file.body);
    response.writeHead(404, cors).end();
  });
  const wss = new WebSocketServer({ server, path: '/echo' });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo: ${data}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
