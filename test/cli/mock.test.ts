// `helixkit mock`: the fake Twitch as a process any language can start. Its one JSON line must
// lead to a working Helix, OAuth and EventSub, and Ctrl-C or SIGTERM must stop it with exit 0.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { expect, test } from 'vitest';
import { createClient } from '../../src/client.js';
import { getUsers } from '../../src/helix/users.js';
import { expectNoSecret, run, start } from './run.js';

/** Starts `mock` with `args` and parses the JSON line it prints. */
async function startMock(args: string[] = []) {
  const cli = start(['mock', '--json', ...args]);
  await cli.waitFor('stdout', /\n/);
  const lines = cli.stdout().split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return { cli, info: JSON.parse(lines[0]!) };
}

/** The first frame a WebSocket at `url` receives. */
async function firstFrame(url: string): Promise<{ metadata: { message_type: string } }> {
  const socket = new WebSocket(url);
  try {
    const [event] = (await once(socket, 'message')) as [MessageEvent];
    return JSON.parse(String(event.data));
  } finally {
    socket.close();
  }
}

test('--json prints one line whose client id, tokens and URLs work; Ctrl-C stops it with exit 0', async () => {
  const { cli, info } = await startMock();
  expect(Object.keys(info).sort()).toEqual(['authUrl', 'chatUrl', 'clientId', 'clientSecret', 'eventsubUrl', 'helixUrl', 'tokens']);
  expect(Object.keys(info.tokens).sort()).toEqual(['app', 'user']);
  expect(info.helixUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/helix\/$/);

  // Helix with the user token, as any client would call it.
  const client = createClient({ clientId: info.clientId, auth: info.tokens.user, baseUrl: info.helixUrl });
  const { data } = await getUsers(client);
  expect(data[0]?.login).toBe('fakestreamer');
  // The app token too, straight over HTTP.
  const viaApp = await fetch(`${info.helixUrl}users?login=fakestreamer`, {
    headers: { authorization: `Bearer ${info.tokens.app}`, 'client-id': info.clientId },
  });
  expect(viaApp.status).toBe(200);
  // OAuth: the user token validates there.
  const validated = await fetch(`${info.authUrl}validate`, { headers: { authorization: `OAuth ${info.tokens.user}` } });
  expect(await validated.json()).toMatchObject({ client_id: info.clientId, login: 'fakestreamer' });
  // EventSub and chat accept WebSockets; EventSub greets with its welcome.
  expect((await firstFrame(info.eventsubUrl)).metadata.message_type).toBe('session_welcome');
  const chat = new WebSocket(info.chatUrl);
  await once(chat, 'open');
  chat.close();

  cli.child.kill('SIGINT');
  expect(await cli.exited).toBe(0);
  await expect(fetch(info.helixUrl)).rejects.toThrow();
  expectNoSecret(cli.stderr(), [info.tokens.app, info.tokens.user, info.clientSecret]);
});

test('SIGTERM stops it with exit 0 too, even with a WebSocket open', async () => {
  const { cli, info } = await startMock();
  const socket = new WebSocket(info.eventsubUrl);
  await once(socket, 'message');
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
});

test('--port chooses the port, and a port in use fails with exit 1', async () => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const taken = (blocker.address() as { port: number }).port;
  try {
    const busy = await run(['mock', '--port', String(taken)]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`cannot listen on 127.0.0.1:${taken}`);
  } finally {
    blocker.close();
    await once(blocker, 'close');
  }
  // The port just freed is free now.
  const { cli, info } = await startMock(['--port', String(taken)]);
  expect(info.helixUrl).toBe(`http://127.0.0.1:${taken}/helix/`);
  cli.child.kill('SIGINT');
  expect(await cli.exited).toBe(0);
});

test('--shapes documented gives the reference tidy shapes, observed the ones Twitch sends', async () => {
  const search = async (info: { helixUrl: string; clientId: string; tokens: { app: string } }) => {
    const answer = await fetch(`${info.helixUrl}search/categories?query=no%20such%20category`, {
      headers: { authorization: `Bearer ${info.tokens.app}`, 'client-id': info.clientId },
    });
    return (await answer.json()).data;
  };
  for (const [shapes, data] of [['documented', []], ['observed', null]] as const) {
    const { cli, info } = await startMock(['--shapes', shapes]);
    expect(await search(info)).toEqual(data);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  }
});

test('without --json it prints the same facts as text', async () => {
  const cli = start(['mock', '--seed', '5']);
  await cli.waitFor('stdout', /chat \(IRC\)/);
  const out = cli.stdout();
  for (const label of ['client id', 'client secret', 'app token', 'user token', 'Helix', 'OAuth', 'EventSub']) expect(out).toContain(label);
  expect(out).toMatch(/Helix +http:\/\/127\.0\.0\.1:\d+\/helix\//);
  expect(out).toMatch(/EventSub +ws:\/\/127\.0\.0\.1:\d+\/eventsub/);
  cli.child.kill('SIGINT');
  expect(await cli.exited).toBe(0);
});

test('wrong options exit 2', async () => {
  for (const args of [['--shapes', 'tidy'], ['--port', '70000'], ['--seed', 'x'], ['extra'], ['--auth-url', 'http://x/']]) {
    const { code, stderr, stdout } = await run(['mock', ...args]);
    expect(code, args.join(' ')).toBe(2);
    expect(stderr).toContain('Usage: helixkit mock');
    expect(stdout).toBe('');
  }
});
