/// <reference types="node" />
/**
 * `helixkit mock`: the fake Twitch of `helixkit/testing/server` on 127.0.0.1, until Ctrl-C or
 * SIGTERM. `--json` prints one line with its client id, tokens and URLs, so a test written in
 * any language can start it, read the line and point its Twitch client at it.
 */
import { CliError, noMorePositionals, parse, portNumber, table, UsageError, type Io } from './args.js';

export const mockUsage = `Usage: helixkit mock [--json] [--port N] [--shapes observed|documented]

Runs the fake Twitch (Helix, OAuth, EventSub WebSocket, IRC chat over WebSocket) on 127.0.0.1
and prints its client id, tokens and URLs. It stays up until Ctrl-C (or SIGTERM), then exits 0.
Needs the optional packages msw and ws (npm install --save-dev msw ws).

Options:
  --json              print exactly one JSON line: { clientId, clientSecret, tokens: { app,
                      user }, helixUrl, authUrl, eventsubUrl, chatUrl }
  --port N            port on 127.0.0.1 (default 0: any free port)
  --shapes KIND       observed (default): Helix answers vary as Twitch's were seen to (nulls,
                      absent fields); documented: the tidy shapes of Twitch's reference
  --seed N            seed of the fake's users, ids and tokens (default 1)
  --client-id ID      the client id the fake accepts (default: one made from the seed)
  -h, --help          show this help
`;

const options = {
  json: { type: 'boolean' },
  port: { type: 'string' },
  shapes: { type: 'string' },
  seed: { type: 'string' },
  'client-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function mockCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('mock', args, options);
  if (values.help) return io.out(mockUsage), 0;
  noMorePositionals('mock', positionals);
  const port = portNumber('mock', values.port) ?? 0;
  const shapes = values.shapes;
  if (shapes !== undefined && shapes !== 'observed' && shapes !== 'documented') {
    throw new UsageError(`--shapes must be observed or documented, not "${shapes}"`, 'mock');
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !(Number.isSafeInteger(seed) && /^-?\d+$/.test(values.seed!))) throw new UsageError('--seed must be an integer', 'mock');

  let server: typeof import('../testing/server.js');
  try {
    server = await import('../testing/server.js');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new CliError('this needs the optional packages msw and ws: npm install --save-dev msw ws');
    }
    throw error;
  }
  let twitch: Awaited<ReturnType<typeof server.startMockTwitch>>;
  try {
    twitch = await server.startMockTwitch({
      port,
      ...(seed === undefined ? {} : { seed }),
      ...(values['client-id'] === undefined ? {} : { clientId: values['client-id'] }),
      ...(shapes === undefined ? {} : { shapes }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new CliError(`cannot listen on 127.0.0.1:${port} (${code}); pick another --port`);
    throw error;
  }
  const { mock, helixUrl, authUrl, eventsubUrl, chatUrl } = twitch;
  if (values.json) {
    const line = { clientId: mock.clientId, clientSecret: mock.clientSecret, tokens: { app: mock.tokens.app, user: mock.tokens.user }, helixUrl, authUrl, eventsubUrl, chatUrl };
    io.out(`${JSON.stringify(line)}\n`);
    io.err(`helixkit: a fake Twitch is running on ${twitch.origin}; Ctrl-C stops it\n`);
  } else {
    const broadcaster = mock.state.users.get(mock.users.broadcaster);
    const urls = [
      ['Helix', helixUrl, 'createClient({ baseUrl })'],
      ['OAuth', authUrl, 'authBaseUrl of the auth functions'],
      ['EventSub', eventsubUrl, 'new EventSubSocket({ url })'],
      ['chat (IRC)', chatUrl, 'new ChatClient({ url })'],
    ] as const;
    const width = Math.max(...urls.map(([, url]) => url.length));
    io.out(
      `A fake Twitch is running on ${twitch.origin} (Ctrl-C stops it)\n\n` +
        table([
          ['client id', mock.clientId],
          ['client secret', mock.clientSecret],
          ['app token', mock.tokens.app],
          ['user token', `${mock.tokens.user}  (${broadcaster?.login ?? 'the broadcaster'}, user id ${mock.users.broadcaster}, every scope)`],
          ...urls.map(([label, url, use]): [string, string] => [label, `${url.padEnd(width)}  ${use}`]),
        ]),
    );
  }
  // Runs until the first Ctrl-C or SIGTERM (io.signal), then closes every connection.
  await new Promise<void>((resolve) => (io.signal.aborted ? resolve() : io.signal.addEventListener('abort', () => resolve(), { once: true })));
  await twitch.close();
  io.err('helixkit: the fake Twitch stopped\n');
  return 0;
}
