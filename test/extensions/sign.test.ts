import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createClient } from '../../src/client.ts';
import { InputError } from '../../src/errors.ts';
import { signExtensionJwt, verifyExtensionJwt } from '../../src/extensions.ts';
import { getExtensionSecrets, sendExtensionPubsubMessage } from '../../src/helix/extensions.ts';
import { NOW, NOW_S, OLD_SECRET, SECRET, makeToken, viewer } from './jwt.ts';

/** Splits a token and checks its signature with node:crypto, independently of the signer. */
function open(token: string) {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const mac = createHmac('sha256', Buffer.from(SECRET, 'base64')).update(`${header}.${payload}`).digest('base64url');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as unknown,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
    signed: signature === mac,
  };
}

describe('signExtensionJwt', () => {
  test('signs HS256 with the decoded secret: role external, exp three minutes ahead', async () => {
    const token = await signExtensionJwt({ user_id: '27419011' }, SECRET, { now: NOW });
    expect(open(token)).toEqual({
      header: { alg: 'HS256', typ: 'JWT' },
      payload: { exp: NOW_S + 180, role: 'external', user_id: '27419011' },
      signed: true,
    });
  });

  test('carries channel_id and pubsub_perms for PubSub, and keeps a given exp and role', async () => {
    const broadcast = await signExtensionJwt(
      { user_id: '27419011', channel_id: '27419011', pubsub_perms: { send: ['broadcast'] } },
      SECRET,
      { now: NOW, expiresIn: 60 },
    );
    expect(open(broadcast).payload).toEqual({
      exp: NOW_S + 60,
      role: 'external',
      user_id: '27419011',
      channel_id: '27419011',
      pubsub_perms: { send: ['broadcast'] },
    });
    const fixed = await signExtensionJwt({ user_id: '1', exp: NOW_S + 5, role: 'broadcaster' }, SECRET, { now: NOW });
    expect(open(fixed).payload).toMatchObject({ exp: NOW_S + 5, role: 'broadcaster' });
    expect(open(fixed).signed).toBe(true);
  });

  test('what it signs, verifyExtensionJwt accepts', async () => {
    const token = await signExtensionJwt({ user_id: '1', channel_id: 'all', pubsub_perms: { send: ['global'] } }, SECRET, { now: NOW });
    expect(await verifyExtensionJwt(token, SECRET, { now: NOW })).toEqual({
      exp: NOW_S + 180,
      role: 'external',
      user_id: '1',
      channel_id: 'all',
      pubsub_perms: { send: ['global'] },
    });
  });

  test('requires user_id as a string, a base64 secret and sane times', async () => {
    const refused = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => (e as InputError).param);
    expect(await refused(signExtensionJwt({} as never, SECRET))).toBe('user_id');
    expect(await refused(signExtensionJwt({ user_id: 27419011 } as never, SECRET))).toBe('user_id');
    expect(await refused(signExtensionJwt({ user_id: '' }, SECRET))).toBe('user_id');
    expect(await refused(signExtensionJwt({ user_id: '1' }, 'not base64!'))).toBe('secret');
    expect(await refused(signExtensionJwt({ user_id: '1' }, SECRET, { expiresIn: 0 }))).toBe('expiresIn');
    expect(await refused(signExtensionJwt({ user_id: '1' }, SECRET, { expiresIn: Number.NaN }))).toBe('expiresIn');
    expect(await refused(signExtensionJwt({ user_id: '1', exp: 'soon' as never }, SECRET))).toBe('exp');
    const error = await signExtensionJwt({ user_id: '1' }, 'not base64! ' + SECRET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(String(error)).not.toContain(SECRET);
  });

  test("a static string token carries it to Helix with the extension's client id", async () => {
    const token = await signExtensionJwt({ user_id: '27419011', channel_id: '27419011', pubsub_perms: { send: ['broadcast'] } }, SECRET);
    const seen: { authorization: string | null; clientId: string | null; body: unknown }[] = [];
    const client = createClient({
      clientId: 'extension-client-id',
      auth: token,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        seen.push({ authorization: request.headers.get('authorization'), clientId: request.headers.get('client-id'), body: await request.json() });
        return new Response(null, { status: 204 });
      },
    });
    await sendExtensionPubsubMessage(client, { target: ['broadcast'], broadcaster_id: '27419011', message: 'hello' });
    expect(seen).toEqual([
      {
        authorization: `Bearer ${token}`,
        clientId: 'extension-client-id',
        body: { target: ['broadcast'], broadcaster_id: '27419011', message: 'hello' },
      },
    ]);
  });

  test('a provider signs a fresh token per request; the secrets it fetches verify front-end tokens (rotation)', async () => {
    const bearers: string[] = [];
    let now = NOW;
    const client = createClient({
      clientId: 'extension-client-id',
      auth: { getToken: async () => ({ token: await signExtensionJwt({ user_id: '27419011' }, SECRET, { now: (now += 1000) }) }) },
      fetch: async (input, init) => {
        bearers.push(new Request(input, init).headers.get('authorization')!.slice('Bearer '.length));
        const secrets = [
          { content: OLD_SECRET, active_at: '2026-04-01T00:00:00Z', expires_at: '2026-05-01T12:05:00Z' },
          { content: SECRET, active_at: '2026-05-01T11:55:00Z', expires_at: '2099-01-01T00:00:00Z' },
        ];
        return Response.json({ data: [{ format_version: 1, secrets }] });
      },
    });
    const first = await getExtensionSecrets(client, { extension_id: 'ext' });
    await getExtensionSecrets(client, { extension_id: 'ext' });
    expect(bearers).toHaveLength(2);
    expect(bearers[0]).not.toBe(bearers[1]);
    for (const bearer of bearers) expect(open(bearer)).toMatchObject({ payload: { role: 'external', user_id: '27419011' }, signed: true });
    // Front ends may still hold tokens signed with the previous secret for a while.
    const secrets = first.data[0]!.secrets.map((secret) => secret.content);
    for (const secret of [OLD_SECRET, SECRET]) {
      expect((await verifyExtensionJwt(makeToken(viewer(), { secret }), secrets, { now: NOW })).role).toBe('viewer');
    }
  });
});
