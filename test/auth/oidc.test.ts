import { describe, expect, test, vi } from 'vitest';
import { IdTokenError } from '../../src/auth/errors.ts';
import { verifyIdToken } from '../../src/auth/oidc.ts';
import { useFakeTwitch } from './harness.ts';

const fake = useFakeTwitch();

/** A fetch that counts requests for the key set. */
function countingFetch() {
  const counter = { keys: 0, fetch: undefined as unknown as typeof fetch };
  counter.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    if (new URL(String(input)).pathname.endsWith('/keys')) counter.keys++;
    return globalThis.fetch(input, init);
  }) as typeof fetch;
  return counter;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function refusal(token: string, options: Partial<Parameters<typeof verifyIdToken>[1]> = {}) {
  const error = await verifyIdToken(token, { clientId: fake.state.clientId, ...options }).catch((e) => e);
  expect(error).toBeInstanceOf(IdTokenError);
  return (error as IdTokenError).problem;
}

describe('verifyIdToken', () => {
  test('accepts a token signed by the key in the JWKS and returns its claims', async () => {
    const token = await fake.oauth.signIdToken({ nonce: 'n-1' });
    const claims = await verifyIdToken(token, { clientId: fake.state.clientId, nonce: 'n-1' });
    expect(claims.sub).toBe(fake.state.ids.broadcaster);
    expect(claims.preferred_username).toBe('fakestreamer');
    expect(claims.iss).toBe('https://id.twitch.tv/oauth2');
  });

  test('rejects a bad signature', async () => {
    const token = await fake.oauth.signIdToken();
    const [header, , signature] = token.split('.');
    const payload = b64({ ...JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()), sub: '1' });
    expect(await refusal(`${header}.${payload}.${signature}`)).toBe('signature');
  });

  test('rejects another issuer, another audience, an expired token and a wrong or missing nonce', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(await fake.oauth.signIdToken({ iss: 'https://evil.example' }))).toBe('issuer');
    expect(await refusal(await fake.oauth.signIdToken({ aud: 'someone-else' }))).toBe('audience');
    expect(await refusal(await fake.oauth.signIdToken({ exp: now - 120 }))).toBe('expired');
    expect(await refusal(await fake.oauth.signIdToken({ nonce: 'a' }), { nonce: 'b' })).toBe('nonce');
    expect(await refusal(await fake.oauth.signIdToken(), { nonce: 'b' })).toBe('nonce');
  });

  test('tolerates a little clock skew on exp, and audience arrays', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await fake.oauth.signIdToken({ exp: now - 30, aud: ['x', fake.state.clientId] });
    await expect(verifyIdToken(token, { clientId: fake.state.clientId })).resolves.toMatchObject({ exp: now - 30 });
    expect(await refusal(token, { leeway: 0 })).toBe('expired');
  });

  test('refuses alg none and garbage', async () => {
    const unsigned = `${b64({ alg: 'none' })}.${b64({ iss: 'https://id.twitch.tv/oauth2' })}.`;
    expect(await refusal(unsigned)).toBe('algorithm');
    expect(await refusal('not-a-jwt')).toBe('malformed');
  });

  test('caches keys per JWKS URL, refetching once for an unknown key id', async () => {
    const counter = countingFetch();
    const jwksUrl = `https://id.twitch.tv/oauth2/keys?test=${fake.oauth.kid}`;
    const options = { clientId: fake.state.clientId, fetch: counter.fetch, jwksUrl };
    await verifyIdToken(await fake.oauth.signIdToken(), options);
    await verifyIdToken(await fake.oauth.signIdToken(), options);
    expect(counter.keys).toBe(1); // one load for both tokens

    const [, payload, signature] = (await fake.oauth.signIdToken()).split('.');
    const unknownKid = `${b64({ alg: 'RS256', kid: 'rotated-away' })}.${payload}.${signature}`;
    const error = await verifyIdToken(unknownKid, options).catch((e) => e);
    expect(error.problem).toBe('key');
    expect(counter.keys).toBe(2); // refetched once, then gave up
  });

  test('tokens naming unknown keys refetch the key set at most once per five minutes', async () => {
    const counter = countingFetch();
    const jwksUrl = `https://id.twitch.tv/oauth2/keys?test=flood`;
    const options = { clientId: fake.state.clientId, fetch: counter.fetch, jwksUrl };
    const [, payload, signature] = (await fake.oauth.signIdToken()).split('.');
    const forged = (kid: string) => `${b64({ alg: 'RS256', kid })}.${payload}.${signature}`;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const problems = await Promise.all(Array.from({ length: 10 }, (_, i) => verifyIdToken(forged(`kid-${i}`), options).catch((e) => e.problem)));
      expect(problems).toEqual(Array(10).fill('key'));
      for (let i = 10; i < 20; i++) expect((await verifyIdToken(forged(`kid-${i}`), options).catch((e) => e)).problem).toBe('key');
      expect(counter.keys).toBe(2); // the first load, and one refetch for all twenty
      await verifyIdToken(await fake.oauth.signIdToken(), options); // a real token still verifies
      vi.setSystemTime(Date.now() + 5 * 60_000 + 1);
      expect((await verifyIdToken(forged('kid-late'), options).catch((e) => e)).problem).toBe('key');
      expect(counter.keys).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('verifyIdToken checks times and the authorized party', () => {
  const now = () => Math.floor(Date.now() / 1000);
  /** A token signed by the fake's key (served in its JWKS), with `claims` over the defaults. */
  const forge = (claims: Record<string, unknown>) => fake.oauth.signIdToken(claims);

  test('refuses nbf and iat in the future beyond the leeway, accepts them within it', async () => {
    expect(await refusal(await forge({ nbf: now() + 120 }))).toBe('not_before');
    expect(await refusal(await forge({ iat: now() + 120 }))).toBe('issued_at');
    await expect(verifyIdToken(await forge({ nbf: now() + 30, iat: now() + 30 }), { clientId: fake.state.clientId })).resolves.toBeTruthy();
    expect(await refusal(await forge({ nbf: now() + 30 }), { leeway: 0 })).toBe('not_before');
    expect(await refusal(await forge({ iat: now() + 30 }), { leeway: 0 })).toBe('issued_at');
    await expect(verifyIdToken(await forge({ iat: now() + 200 }), { clientId: fake.state.clientId, leeway: 300 })).resolves.toBeTruthy();
  });

  test.each([
    ['exp', 'soon'],
    ['exp', '9999999999'],
    ['exp', 1e300],
    ['exp', -5],
    ['exp', null],
    ['iat', 'now'],
    ['iat', 1e300],
    ['iat', -1],
    ['iat', undefined],
    ['nbf', 'later'],
    ['nbf', 1e300],
    ['nbf', null],
  ])('refuses %s = %s as malformed, naming the claim', async (claim, value) => {
    const error = await verifyIdToken(await forge({ [claim]: value }), { clientId: fake.state.clientId }).catch((e) => e);
    expect(error).toBeInstanceOf(IdTokenError);
    expect(error.problem).toBe('malformed');
    expect(error.message).toContain(claim);
  });

  test('with several audiences azp must be present and be the client id; a present azp must be the client id', async () => {
    const id = fake.state.clientId;
    expect(await refusal(await forge({ aud: [id, 'other-client'], azp: undefined }))).toBe('authorized_party');
    expect(await refusal(await forge({ aud: [id, 'other-client'], azp: 'other-client' }))).toBe('authorized_party');
    expect(await refusal(await forge({ aud: id, azp: 'other-client' }))).toBe('authorized_party');
    await expect(verifyIdToken(await forge({ aud: [id, 'other-client'], azp: id }), { clientId: id })).resolves.toMatchObject({ azp: id });
    await expect(verifyIdToken(await forge({ aud: id, azp: undefined }), { clientId: id })).resolves.toMatchObject({ aud: id });
    await expect(verifyIdToken(await forge({ aud: [id], azp: undefined }), { clientId: id })).resolves.toBeTruthy();
  });

  test('a leeway that is not a finite number of seconds is refused before any check', async () => {
    for (const leeway of [NaN, Infinity, -1]) {
      const error = await verifyIdToken(await forge({}), { clientId: fake.state.clientId, leeway }).catch((e) => e);
      expect(error.name).toBe('InputError');
      expect(error.param).toBe('leeway');
    }
  });
});
