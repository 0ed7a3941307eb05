// One fake Twitch per test: the OAuth fake from src/testing/oauth.ts plus a tiny Helix stub
// (get-users and get-channel-editors) that answers 401 to any token the fake does not know.
import { http, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { oauthFake, oauthHandlers, type OAuthFake } from '../../src/testing/oauth.ts';
import { createState, findToken, type TwitchState } from '../../src/testing/state.ts';

export interface Harness {
  state: TwitchState;
  oauth: OAuthFake;
  /** The msw server: `server.use(...)` overrides a handler for one test. */
  server: ReturnType<typeof setupServer>;
  /** Helix requests seen, with the bearer token each carried. */
  helixRequests: { path: string; token: string }[];
}

function helixStub(harness: Harness): HttpHandler[] {
  const bearer = (request: Request) => /^Bearer (\S+)$/.exec(request.headers.get('Authorization') ?? '')?.[1] ?? '';
  const unauthorized = () => Response.json({ error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' }, { status: 401 });
  return [
    http.get('https://api.twitch.tv/helix/users', ({ request }) => {
      const token = bearer(request);
      harness.helixRequests.push({ path: 'users', token });
      const record = findToken(harness.state, token);
      if (!record) return unauthorized();
      const login = new URL(request.url).searchParams.get('login');
      const users = [...harness.state.users.values()].filter((user) =>
        login ? user.login === login : user.id === record.userId,
      );
      return Response.json({ data: users.map(({ email: _email, ...user }) => user) });
    }),
    http.get('https://api.twitch.tv/helix/channels/editors', ({ request }) => {
      harness.helixRequests.push({ path: 'channels/editors', token: bearer(request) });
      if (!findToken(harness.state, bearer(request))) return unauthorized();
      return Response.json({ data: [] });
    }),
  ];
}

/** Starts msw for the file and gives each test a fresh fake Twitch. */
export function useFakeTwitch(): Harness {
  const server = setupServer();
  const harness = { server } as Harness;
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  beforeEach(() => {
    harness.state = createState({ seed: 7 });
    harness.oauth = oauthFake(harness.state);
    harness.helixRequests = [];
    server.resetHandlers(...oauthHandlers(harness.state), ...helixStub(harness));
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return harness;
}
