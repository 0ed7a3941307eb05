import { describe, expect, test } from 'vitest';
import { authorizeUrl, createState, parseRedirect } from '../../src/auth/authorize.ts';
import { AuthError, IdTokenError, StateMismatchError } from '../../src/auth/errors.ts';
import { validateToken } from '../../src/auth/server.ts';
import { TwitchError } from '../../src/errors.ts';
import { useFakeTwitch } from './harness.ts';

const fake = useFakeTwitch();
const REDIRECT = 'https://app.example/callback';

/** Follows the fake's authorize page by hand and returns where it sends the browser. */
async function authorize(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('Location')!;
}

/** Everything an error exposes: message, fields, stack, and its JSON. */
const everything = (error: unknown) =>
  [String(error), (error as Error).stack, JSON.stringify(error), JSON.stringify({ ...(error as object) })].join('\n');

describe('authorizeUrl', () => {
  test('puts Twitch parameters on the authorize page, scopes space-separated', () => {
    const url = new URL(
      authorizeUrl({
        clientId: 'cid',
        redirectUri: REDIRECT,
        scopes: ['user:read:email', 'openid'],
        responseType: 'token id_token',
        state: 's1',
        nonce: 'n1',
        forceVerify: true,
        claims: { id_token: { email: null } },
        codeChallenge: 'ch',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://id.twitch.tv/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'cid',
      redirect_uri: REDIRECT,
      response_type: 'token id_token',
      scope: 'user:read:email openid',
      state: 's1',
      nonce: 'n1',
      force_verify: 'true',
      claims: '{"id_token":{"email":null}}',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });

  test('defaults to the implicit flow and honours authBaseUrl', () => {
    const url = new URL(authorizeUrl({ clientId: 'c', redirectUri: REDIRECT, scopes: [], state: 's', authBaseUrl: 'http://127.0.0.1:9/oauth2' }));
    expect(url.href.startsWith('http://127.0.0.1:9/oauth2/authorize?')).toBe(true);
    expect(url.searchParams.get('response_type')).toBe('token');
    expect(url.searchParams.has('force_verify')).toBe(false);
  });

  test('createState gives distinct URL-safe values of 128 bits', () => {
    const a = createState();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(createState()).not.toBe(a);
  });
});

describe('parseRedirect', () => {
  test('reads a token from the fragment the fake authorize page sends back', async () => {
    const state = createState();
    const location = await authorize(
      authorizeUrl({ clientId: fake.state.clientId, redirectUri: REDIRECT, scopes: ['user:read:email'], state }),
    );
    expect(location.startsWith(`${REDIRECT}#`)).toBe(true);
    const result = parseRedirect(location, { state });
    expect(result.scope).toEqual(['user:read:email']);
    expect(result.token_type).toBe('bearer');
    const info = await validateToken(result.access_token!);
    expect(info.user_id).toBe(fake.state.ids.broadcaster);
  });

  test('reads a code from the query in the code flow', async () => {
    const state = createState();
    const location = await authorize(
      authorizeUrl({ clientId: fake.state.clientId, redirectUri: REDIRECT, scopes: [], state, responseType: 'code' }),
    );
    const result = parseRedirect(location, { state });
    expect(result.code).toMatch(/^[a-z0-9]{30}$/);
    expect(result.access_token).toBeUndefined();
  });

  test('refuses a forged state, and the error holds no token', async () => {
    const location = await authorize(
      authorizeUrl({ clientId: fake.state.clientId, redirectUri: REDIRECT, scopes: [], state: 'attacker-state' }),
    );
    const token = new URLSearchParams(new URL(location).hash.slice(1)).get('access_token')!;
    expect(token.length).toBeGreaterThan(10);
    let caught: unknown;
    try {
      parseRedirect(location, { state: 'my-state' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StateMismatchError);
    expect(caught).toBeInstanceOf(TwitchError);
    expect(everything(caught)).not.toContain(token);
  });

  test('refuses a redirect that carries no state at all', () => {
    expect(() => parseRedirect(`${REDIRECT}#access_token=abc&scope=`, { state: 's' })).toThrow(StateMismatchError);
  });

  test('turns an error redirect into an AuthError naming Twitch\'s error', async () => {
    fake.oauth.denyWith = 'access_denied';
    const state = createState();
    const location = await authorize(authorizeUrl({ clientId: fake.state.clientId, redirectUri: REDIRECT, scopes: [], state }));
    expect(() => parseRedirect(location, { state })).toThrow(AuthError);
    try {
      parseRedirect(location, { state });
    } catch (error) {
      expect((error as AuthError).error).toBe('access_denied');
      expect((error as AuthError).description).toBe('The user denied you access');
      expect((error as Error).message).toContain('access_denied');
    }
  });

  test('refuses an id token without the nonce that was sent', async () => {
    const state = createState();
    const location = await authorize(
      authorizeUrl({
        clientId: fake.state.clientId,
        redirectUri: REDIRECT,
        scopes: ['openid'],
        responseType: 'token id_token',
        state,
        nonce: 'nonce-sent',
      }),
    );
    expect(parseRedirect(location, { state, nonce: 'nonce-sent' }).id_token).toBeTruthy();
    expect(() => parseRedirect(location, { state, nonce: 'another-nonce' })).toThrow(IdTokenError);
  });

  test('a redirect with no token, code or id token is refused', () => {
    expect(() => parseRedirect(`${REDIRECT}?state=s`, { state: 's' })).toThrow(AuthError);
  });
});
