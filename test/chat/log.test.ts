// The ChatClient's `log`: a reconnect entry when a new connection is planned, never the token.
// Against the loopback IRC server (127.0.0.1).
import { afterEach, expect, it } from 'vitest';
import { ChatClient } from '../../src/chat/index.js';
import type { LogEntry } from '../../src/log.js';
import { startIrcServer, until, type FakeIrcServer } from './irc-server.js';

const TOKEN = 'tok3nLOGGEDnever77';
let server: FakeIrcServer | undefined;
let client: ChatClient | undefined;

afterEach(async () => {
  client?.close();
  await server?.close();
});

it('logs a reconnect (attempt and delay) when the connection drops, and never the token', async () => {
  server = await startIrcServer({ acceptPass: `oauth:${TOKEN}` });
  const entries: LogEntry[] = [];
  const planned: number[] = [];
  client = new ChatClient({ url: server.url, login: 'helperbot', token: TOKEN, log: (entry) => void entries.push(entry) });
  client.on('reconnecting', ({ delay }) => void planned.push(delay));
  await client.connect();
  await client.join('lakeside');
  expect(entries).toEqual([]);
  server.drop();
  await until(() => entries.length == 1, 'the reconnect entry');
  expect(entries).toEqual([{ type: 'reconnect', source: 'chat', attempt: 1, delay: planned[0] }]);
  await until(() => server!.connections[1]?.includes('JOIN #lakeside') ?? false, 'rejoin', 5000);
  expect(JSON.stringify(entries)).not.toContain(TOKEN);
});

it('a log that throws is reported on `error` as a handler failure, and the client still reconnects', async () => {
  server = await startIrcServer();
  const errors: unknown[] = [];
  client = new ChatClient({
    url: server.url,
    log: () => {
      throw new Error('log down');
    },
  });
  client.on('error', (error) => void errors.push(error));
  await client.connect();
  server.drop();
  await until(() => server!.connections.length == 2, 'a second connection', 5000);
  expect(errors).toMatchObject([{ code: 'handler', cause: new Error('log down') }]);
});
