import { http } from 'msw';
import { describe, expect, test } from 'vitest';
import { authorizeUrl, parseRedirect } from '../../src/auth/authorize.ts';
import { AuthError, InvalidTokenError } from '../../src/auth/errors.ts';
import { createPkce } from '../../src/auth/pkce.ts';
import { appToken, exchangeCode, refreshToken, revokeToken, validateToken } from '../../src/auth/server.ts';
import { ValidationError } from '../../src/errors.ts';
import { useFakeTwitch } from './harness.ts';

const fake = useFakeTwitch();
const REDIRECT = 'https://app.example/callback';

async function codeFor(options: { scopes?: string[]; codeChallenge?: string } = {}) {
  const url = authorizeUrl({
    clientId: fake.state.clientId,
    redirectUri: REDIRECT,
    scopes: (options.scopes ?? ['user:read:email']) as never,
    responseType: 'code',
    state: 's',
    codeChallenge: options.codeChallenge,
  });
  const location = (await fetch(url, { redirect: 'manual' })).headers.get('Location')!;
  return parseRedirect(location, { state: 's' }).code!;
}

const client = () => ({ clientId: fake.state.clientId, clientSecret: fake.state.clientSecret });

describe('server flows against the fake Twitch', () => {
  test('exchangeCode trades a code (with its PKCE verifier) for a token pair', async () => {
    const pkce = await createPkce();
    const code = await codeFor({ codeChallenge: pkce.challenge });
    const token = await exchangeCode({ ...client(), code, redirectUri: REDIRECT, codeVerifier: pkce.verifier });
    expect(token.scope).toEqual(['user:read:email']);
    expect(token.refresh_token).toBeTruthy();
    expect(token.expires_in).toBe(14400);
    expect((await validateToken(token.access_token)).login).toBe('fakestreamer');
  });

  test('a PKCE verifier never replaces the client secret: without it the exchange is refused, and the error holds no code', async () => {
    const pkce = await createPkce();
    const code = await codeFor({ codeChallenge: pkce.challenge });
    const failure = await exchangeCode({ ...client(), clientSecret: '', code, redirectUri: REDIRECT, codeVerifier: pkce.verifier }).catch((e) => e);
    expect(failure).toBeInstanceOf(AuthError);
    expect(failure.status).toBe(400);
    expect(failure.message).toMatch(/missing client secret/);
    const text = `${failure.message} ${JSON.stringify({ ...failure })}`;
    expect(text).not.toContain(code);
    expect(text).not.toContain(pkce.verifier);
  });

  test('exchangeCode with an id token when openid is asked for', async () => {
    const code = await codeFor({ scopes: ['openid'] });
    const token = await exchangeCode({ ...client(), code, redirectUri: REDIRECT });
    expect(token.id_token?.split('.')).toHaveLength(3);
  });

  test('appToken gets an app token that validates without a user', async () => {
    const token = await appToken(client());
    const info = await validateToken(token.access_token);
    expect(info.user_id).toBeUndefined();
    expect(info.client_id).toBe(fake.state.clientId);
    expect(token.scope).toEqual([]);
  });

  test('appToken with a wrong secret names the refusal but not the secret', async () => {
    const failure = await appToken({ clientId: fake.state.clientId, clientSecret: 'wrong-secret-value' }).catch((e) => e);
    expect(failure).toBeInstanceOf(AuthError);
    expect(failure.error).toBe('invalid client secret');
    expect(failure.status).toBe(403);
    expect(failure.message).not.toContain('wrong-secret-value');
  });

  test('refreshToken rotates the pair and the old refresh token stops working', async () => {
    const first = await exchangeCode({ ...client(), code: await codeFor(), redirectUri: REDIRECT });
    const second = await refreshToken({ clientId: fake.state.clientId, refreshToken: first.refresh_token! });
    expect(second.access_token).not.toBe(first.access_token);
    const reuse = await refreshToken({ clientId: fake.state.clientId, refreshToken: first.refresh_token! }).catch((e) => e);
    expect(reuse).toBeInstanceOf(AuthError);
    expect(reuse.error).toBe('Invalid refresh token');
    expect(reuse.message).not.toContain(first.refresh_token);
  });

  test('validateToken turns a 401 into InvalidTokenError; revokeToken revokes', async () => {
    const token = (await appToken(client())).access_token;
    await revokeToken({ clientId: fake.state.clientId, token });
    const failure = await validateToken(token).catch((e) => e);
    expect(failure).toBeInstanceOf(InvalidTokenError);
    expect(failure.message).not.toContain(token);
  });
});

describe('responses are validated before use', () => {
  test('a token answer without access_token is a ValidationError naming the field', async () => {
    fake.server.use(http.post('https://other.example/oauth2/token', () => Response.json({ expires_in: 5 })));
    const failure = await appToken({ ...client(), authBaseUrl: 'https://other.example/oauth2/' }).catch((e) => e);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(failure.path).toBe('access_token');
  });

  test('an injected fetch is used instead of the global one', async () => {
    const seen: string[] = [];
    const fetch = (async (input: RequestInfo | URL) => {
      seen.push(String(input));
      return Response.json({ client_id: 'c', scopes: null, expires_in: 0 });
    }) as typeof globalThis.fetch;
    const info = await validateToken('t', { fetch, authBaseUrl: 'https://id.example/' });
    expect(seen).toEqual(['https://id.example/validate']);
    expect(info.scopes).toEqual([]);
  });
});

describe('OAuth answers are capped', () => {
  test('an answer streaming past 1 MiB fails as a network error, read no further', async () => {
    let pulled = 0;
    const endless: typeof fetch = async () =>
      new Response(
        new ReadableStream({
          pull(controller) {
            pulled++;
            controller.enqueue(new Uint8Array(64 * 1024).fill(32));
          },
        }),
        { headers: { 'content-type': 'application/json' } },
      );
    const failure = await validateToken('some-token-value', { fetch: endless }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as AuthError).error).toBe('network_error');
    expect(String(failure)).toMatch(/over 1 MiB/);
    expect(pulled).toBeLessThan(40);
  });
});
