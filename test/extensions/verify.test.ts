import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { ExtensionJwtError, verifyExtensionJwt, type ExtensionJwtReason } from '../../src/extensions.ts';
import { NOW, NOW_S, OLD_SECRET, SECRET, makeToken, part, viewer } from './jwt.ts';

async function refusal(token: string, secret: string | string[] = SECRET, options: { leeway?: number; now?: number } = {}): Promise<ExtensionJwtReason> {
  const error = await verifyExtensionJwt(token, secret, { now: NOW, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExtensionJwtError);
  return (error as ExtensionJwtError).reason;
}

describe('verifyExtensionJwt', () => {
  test("returns the payload of a front end's token signed with the base64-decoded secret", async () => {
    const payload = await verifyExtensionJwt(makeToken(viewer()), SECRET, { now: NOW });
    expect(payload).toEqual(viewer());
    if (payload.role !== 'external') expect(payload.opaque_user_id).toBe('U12345678');
  });

  test('takes the Authorization header value as sent (Bearer prefix)', async () => {
    expect((await verifyExtensionJwt(`Bearer ${makeToken(viewer())}`, SECRET, { now: NOW })).channel_id).toBe('87654321');
  });

  test('accepts the known HS256 vector of RFC 7515 A.1 as signed, and refuses it changed', async () => {
    // The RFC's key (a JWK "k", base64url) is the secret's bytes; the RFC gives the signature.
    const key = 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow';
    const secret = Buffer.from(key, 'base64url').toString('base64');
    const token =
      'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9' +
      '.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ' +
      '.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const now = 1_300_819_000_000;
    // Its signature passes; its claims are not an extension token's (no role), so the check after it refuses.
    expect(await refusal(token, secret, { now })).toBe('claims');
    const changed = token.replace('.dBjft', '.eBjft');
    expect(await refusal(changed, secret, { now })).toBe('signature');
    // The same token with a role added fails its signature: the payload is what is signed.
    const [header, payload, signature] = token.split('.');
    const withRole = part({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'external' });
    expect(await refusal(`${header}.${withRole}.${signature}`, secret, { now })).toBe('signature');
  });

  test('takes a token of an EBS (role external) without the front-end fields', async () => {
    const payload = await verifyExtensionJwt(makeToken({ exp: NOW_S + 60, user_id: '1', role: 'external' }), SECRET, { now: NOW });
    expect(payload).toEqual({ exp: NOW_S + 60, user_id: '1', role: 'external' });
  });

  test('accepts any of several secrets (rotation), and none other', async () => {
    expect((await verifyExtensionJwt(makeToken(viewer(), { secret: OLD_SECRET }), [SECRET, OLD_SECRET], { now: NOW })).role).toBe('viewer');
    expect((await verifyExtensionJwt(makeToken(viewer()), [OLD_SECRET, SECRET], { now: NOW })).role).toBe('viewer');
    expect(await refusal(makeToken(viewer(), { secret: OLD_SECRET }), [SECRET])).toBe('signature');
  });

  test('refuses a token signed with the secret text itself, not its decoded bytes', async () => {
    const token = makeToken(viewer(), { secret: Buffer.from(SECRET).toString('base64') });
    expect(await refusal(token)).toBe('signature');
  });

  test('refuses a changed payload (a viewer making itself broadcaster)', async () => {
    const [header, , signature] = makeToken(viewer()).split('.');
    expect(await refusal(`${header}.${part(viewer({ role: 'broadcaster' }))}.${signature}`)).toBe('signature');
  });

  test('refuses every algorithm but HS256: none, HS512, RS256, a lower-case name, a crit header', async () => {
    const payload = viewer();
    expect(await refusal(`${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`)).toBe('algorithm');
    expect(await refusal(makeToken(payload, { header: { alg: 'none' } }))).toBe('algorithm');
    expect(await refusal(makeToken(payload, { header: { alg: 'HS512' }, hash: 'sha512' }))).toBe('algorithm');
    expect(await refusal(makeToken(payload, { header: { alg: 'RS256' } }))).toBe('algorithm');
    expect(await refusal(makeToken(payload, { header: { alg: 'hs256' } }))).toBe('algorithm');
    expect(await refusal(makeToken(payload, { header: { typ: 'JWT' } }))).toBe('algorithm');
    expect(await refusal(makeToken(payload, { header: { alg: 'HS256', crit: ['exp'] } }))).toBe('algorithm');
  });

  test('refuses expired tokens past the leeway (60 s by default, as set)', async () => {
    expect((await verifyExtensionJwt(makeToken(viewer({ exp: NOW_S - 59 })), SECRET, { now: NOW })).role).toBe('viewer');
    expect(await refusal(makeToken(viewer({ exp: NOW_S - 61 })))).toBe('expired');
    expect(await refusal(makeToken(viewer({ exp: NOW_S - 1 })), SECRET, { leeway: 0 })).toBe('expired');
    expect((await verifyExtensionJwt(makeToken(viewer({ exp: NOW_S - 200 })), SECRET, { now: NOW, leeway: 300 })).role).toBe('viewer');
  });

  test('refuses a token without exp, or with a time that is not seconds in 1970–9999', async () => {
    const { exp: _, ...noExp } = viewer();
    expect(await refusal(makeToken(noExp))).toBe('claims');
    for (const exp of [String(NOW_S + 60), -1, 1e15, null, NOW_S * 1000 * 1e6]) {
      expect(await refusal(makeToken(viewer({ exp })))).toBe('claims');
    }
  });

  test('refuses nbf and iat in the future, past the leeway', async () => {
    expect((await verifyExtensionJwt(makeToken(viewer({ nbf: NOW_S + 30, iat: NOW_S + 30 })), SECRET, { now: NOW })).role).toBe('viewer');
    expect(await refusal(makeToken(viewer({ nbf: NOW_S + 120 })))).toBe('not_before');
    expect(await refusal(makeToken(viewer({ iat: NOW_S + 120 })))).toBe('issued_at');
    expect(await refusal(makeToken(viewer({ iat: 'yesterday' })))).toBe('claims');
  });

  test("refuses a front end's token that lacks a field of its role, or an unknown role", async () => {
    for (const field of ['opaque_user_id', 'channel_id', 'is_unlinked', 'pubsub_perms', 'role']) {
      const payload: Record<string, unknown> = viewer();
      delete payload[field];
      expect(await refusal(makeToken(payload)), field).toBe('claims');
    }
    for (const wrong of [{ role: 'admin' }, { user_id: 12345678 }, { is_unlinked: 'false' }, { pubsub_perms: null }, { pubsub_perms: [] }, { pubsub_perms: { listen: 'broadcast' } }, { channel_id: 87654321 }]) {
      expect(await refusal(makeToken(viewer(wrong))), JSON.stringify(wrong)).toBe('claims');
    }
  });

  test('refuses what is not a compact JWT of strict base64url JSON', async () => {
    const good = makeToken(viewer());
    const [h, p, s] = good.split('.') as [string, string, string];
    const malformed = [
      '',
      'not a jwt',
      `${h}.${p}`,
      `${good}.${s}`,
      `${h}=.${p}.${s}`, // padding
      `${h}.${p}.${s}=`,
      `${h}.${p}.+${s.slice(1)}`, // the standard alphabet
      `${h}.${p}./${s.slice(1)}`,
      `${part('[1,2]')}.${p}.${s}`, // header not an object
      `${h}.${part('null')}.${s}`,
      `${h}.${part('{"exp":')}.${s}`, // not JSON
      `${h}.${Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url')}.${s}`, // not UTF-8
      `${h}.${p}.${s.slice(0, -1)}`, // 4n+1 characters
      ` ${good}`,
    ];
    for (const token of malformed) expect(await refusal(token), token).toBe('malformed');
    // A non-canonical last character decodes to the same bytes; only the canonical spelling is taken.
    const last = s.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) + 1]!;
    expect(Buffer.from(s.slice(0, -1) + twin, 'base64url')).toEqual(Buffer.from(s, 'base64url'));
    expect(await refusal(`${h}.${p}.${s.slice(0, -1)}${twin}`)).toBe('malformed');
  });

  test('refuses a token over 4096 characters before any work, however well signed', async () => {
    const big = makeToken(viewer({ padding: 'x'.repeat(4000) }));
    expect(big.length).toBeGreaterThan(4096);
    expect(await refusal(big)).toBe('malformed');
    expect(await refusal('a.'.repeat(5_000_000))).toBe('malformed');
  });

  test('never puts the token, its signature or the secret in an error', async () => {
    const expired = makeToken(viewer({ exp: NOW_S - 3600 }));
    const cases = [
      [expired, SECRET],
      [makeToken(viewer(), { secret: OLD_SECRET }), SECRET],
      [expired.replace(/\.[^.]*$/, '.'), SECRET],
      [expired, 'not base64 at all! ' + SECRET],
    ] as const;
    const names: string[] = [];
    for (const [token, secret] of cases) {
      const error = await verifyExtensionJwt(token, secret, { now: NOW }).then(() => new Error('accepted'), (e: unknown) => e as Error);
      names.push(error.name);
      const texts = [String(error), (error as Error).message, JSON.stringify(error), inspect(error, { showHidden: true, depth: 5 })];
      const hidden = [token, ...token.split('.').filter(Boolean), secret, SECRET, Buffer.from(SECRET, 'base64').toString('latin1')];
      for (const text of texts) for (const value of hidden) expect(text).not.toContain(value);
    }
    expect(names).toEqual(['ExtensionJwtError', 'ExtensionJwtError', 'ExtensionJwtError', 'InputError']);
  });

  test('refuses a secret that is not base64, or no secret, with InputError naming the option', async () => {
    for (const secret of ['not base64!', '', [], 'A', 'AAAA====']) {
      const error = await verifyExtensionJwt(makeToken(viewer()), secret as string, { now: NOW }).catch((e: unknown) => e);
      expect(error, String(secret)).toBeInstanceOf(InputError);
      expect((error as InputError).param).toBe('secret');
    }
    const leeway = await verifyExtensionJwt(makeToken(viewer()), SECRET, { leeway: -1 }).catch((e: unknown) => e);
    expect((leeway as InputError).param).toBe('leeway');
  });

  test('accepts the secret in the URL-safe alphabet or unpadded', async () => {
    const urlSafe = Buffer.from(SECRET, 'base64').toString('base64url');
    expect((await verifyExtensionJwt(makeToken(viewer()), urlSafe, { now: NOW })).role).toBe('viewer');
  });

  test('the HMAC of node:crypto and the one under test agree on random payloads', async () => {
    for (let i = 0; i < 20; i++) {
      const secret = Buffer.from(Array.from({ length: 16 + i }, (_, j) => (j * 37 + i * 11) & 255)).toString('base64');
      const payload = viewer({ opaque_user_id: `U${i}`, note: 'é✓'.repeat(i) });
      const token = makeToken(payload, { secret });
      const mac = createHmac('sha256', Buffer.from(secret, 'base64')).update(token.slice(0, token.lastIndexOf('.'))).digest('base64url');
      expect(token.endsWith(mac)).toBe(true);
      expect(await verifyExtensionJwt(token, secret, { now: NOW })).toEqual(payload);
    }
  });
});
