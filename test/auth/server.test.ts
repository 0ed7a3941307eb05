import { http } from 'msw';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { authorizeUrl, parseRedirect } from '../../src/auth/authorize.ts';
import { pollDeviceToken } from '../../src/auth/device.ts';
import { AuthError, InvalidTokenError } from '../../src/auth/errors.ts';
import { createPkce } from '../../src/auth/pkce.ts';
import { appToken, exchangeCode, refreshToken, revokeToken, validateToken } from '../../src/auth/server.ts';
import { ValidationError } from '../../src/errors.ts';
import { endlessResponse } from '../fetch-stub.ts';
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

describe('a token answer is refused only for what its tokens need', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => void vi.useRealTimers());

  const ISSUED = { access_token: 'at-issued-0123456789', refresh_token: 'rt-issued-0123456789' };
  /** A token endpoint that answers `body` (200) to every request. */
  const answering = (body: unknown) => (async () => Response.json(body)) as typeof fetch;
  /** Every way a report or error is looked at. */
  const shown = (error: unknown) => `${String(error)} ${JSON.stringify(error)} ${inspect(error, { showHidden: true, depth: 10 })}`;

  const grants = {
    exchangeCode: (fetch: typeof globalThis.fetch, onMismatch?: (error: ValidationError) => void) =>
      exchangeCode({ ...client(), code: 'code-0123456789', redirectUri: REDIRECT, fetch, onMismatch }),
    appToken: (fetch: typeof globalThis.fetch, onMismatch?: (error: ValidationError) => void) => appToken({ ...client(), fetch, onMismatch }),
    refreshToken: (fetch: typeof globalThis.fetch, onMismatch?: (error: ValidationError) => void) =>
      refreshToken({ clientId: fake.state.clientId, refreshToken: 'rt-spent-0123456789', fetch, onMismatch }),
    pollDeviceToken: (fetch: typeof globalThis.fetch, onMismatch?: (error: ValidationError) => void) =>
      pollDeviceToken({ clientId: fake.state.clientId, deviceCode: 'dc-0123456789', interval: 1, scopes: [], fetch, onMismatch }),
  };
  /** Runs a grant to its end (the device poll waits its 1 s interval first). */
  async function run<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.then((value) => ({ value }), (error: unknown) => ({ error }));
    await vi.advanceTimersByTimeAsync(1000);
    const outcome = await settled;
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  test.each(Object.keys(grants) as (keyof typeof grants)[])('%s: odd token_type and id_token are reported, and the tokens returned', async (grant) => {
    const reports: ValidationError[] = [];
    const answer = { ...ISSUED, expires_in: 14400, scope: ['user:read:chat'], token_type: null, id_token: 42 };
    const token = await run(grants[grant](answering(answer), (error) => reports.push(error)));
    expect(token).toMatchObject({ ...ISSUED, expires_in: 14400, scope: ['user:read:chat'] });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toBeInstanceOf(ValidationError);
    expect(reports[0]!.issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['token_type', 'expected string, received null'],
      ['id_token', 'expected string, received number'],
    ]);
    expect(reports[0]!.body ?? undefined).toBeUndefined();
    for (const secret of [...Object.values(ISSUED), 'rt-spent-0123456789', 'code-0123456789', 'dc-0123456789']) expect(shown(reports[0])).not.toContain(secret);
  });

  test('a null refresh_token, expires_in or scope counts as absent', async () => {
    const token = await refreshToken({ clientId: fake.state.clientId, refreshToken: 'rt-x-0123456789', fetch: answering({ access_token: ISSUED.access_token, refresh_token: null, expires_in: null, scope: null }) });
    expect(token).toMatchObject({ access_token: ISSUED.access_token, scope: [] });
    expect(token.refresh_token).toBeUndefined();
    expect(token.expires_in).toBeUndefined();
  });

  test.each([
    ['access_token', { access_token: 7 }],
    ['refresh_token', { refresh_token: 7 }],
    ['expires_in', { expires_in: '14400' }],
    ['scope', { scope: { read: true } }],
  ])('a %s of the wrong type refuses the answer, and the error holds no token', async (path, odd) => {
    const onMismatch = vi.fn();
    const failure = await refreshToken({ clientId: fake.state.clientId, refreshToken: 'rt-x-0123456789', fetch: answering({ ...ISSUED, ...odd }), onMismatch }).catch((e) => e);
    expect(failure).toBeInstanceOf(ValidationError);
    expect(failure.path).toBe(path);
    expect(failure.body).toBeUndefined();
    for (const secret of Object.values(ISSUED)) expect(shown(failure)).not.toContain(secret);
    expect(onMismatch).not.toHaveBeenCalled();
  });

  test('by default a mismatch is one console.warn per answer and path, without values', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (let i = 0; i < 3; i++) await appToken({ ...client(), fetch: answering({ ...ISSUED, token_type: false }) });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/oauth2\/token token_type: expected string, received boolean/);
      expect(String(warn.mock.calls[0]![0])).not.toContain(ISSUED.access_token);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('OAuth answers are capped', () => {
  test('an answer streaming past 1 MiB fails as a network error, read no further', async () => {
    const endless = endlessResponse(64 * 1024);
    const failure = await validateToken('some-token-value', { fetch: async () => endless.response() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as AuthError).error).toBe('network_error');
    expect(String(failure)).toMatch(/over 1 MiB/);
    expect(endless.pulls()).toBeLessThan(40);
  });
});
