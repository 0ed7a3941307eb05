import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTokenManager } from '../../src/auth/token-manager.ts';
import { createClient } from '../../src/client.ts';
import { BadRequestError, ConflictError, InputError } from '../../src/errors.ts';
import { createMockTwitch } from '../../src/testing/mock.ts';
import { subscribeWebhook } from '../../src/webhooks.ts';
import { fetchStub, json } from '../fetch-stub.ts';
import { CALLBACK, SECRET } from './sign.ts';

const created = (type: string, version: string, condition: object) => ({
  data: [
    {
      id: 'sub-1',
      status: 'webhook_callback_verification_pending',
      type,
      version,
      condition,
      created_at: '2026-01-01T00:00:00Z',
      transport: { method: 'webhook', callback: CALLBACK },
      cost: 1,
    },
  ],
  total: 1,
  total_cost: 1,
  max_total_cost: 10000,
});

function setup() {
  const stub = fetchStub(async (request) => {
    const body = (await request.json()) as { type: string; version: string; condition: object };
    return json(created(body.type, body.version, body.condition), { status: 202 });
  });
  const client = createClient({ clientId: 'my-client-id', auth: 'app-token-xyz', fetch: stub.fetch });
  return { client, stub };
}

const follow = { broadcaster_user_id: '1337', moderator_user_id: '1337' };

describe('subscribeWebhook', () => {
  test('creates a webhook subscription at the newest version and resolves it', async () => {
    const { client, stub } = setup();
    const subscription = await subscribeWebhook(client, 'channel.follow', follow, { callback: CALLBACK, secret: SECRET });
    expect(subscription).toMatchObject({ id: 'sub-1', status: 'webhook_callback_verification_pending', type: 'channel.follow' });

    const [request] = stub.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('https://api.twitch.tv/helix/eventsub/subscriptions');
    expect(await request!.json()).toEqual({
      type: 'channel.follow',
      version: '2',
      condition: follow,
      transport: { method: 'webhook', callback: CALLBACK, secret: SECRET },
    });
  });

  test('sends the version asked for, and turns batching on for batched types', async () => {
    const { client, stub } = setup();
    await subscribeWebhook(client, 'automod.message.hold', follow, { callback: CALLBACK, secret: SECRET, version: '1' });
    await subscribeWebhook(client, 'drop.entitlement.grant', { organization_id: 'org-1' }, { callback: CALLBACK, secret: SECRET });
    const [automod, drops] = await Promise.all(stub.requests.map((request) => request.json() as Promise<Record<string, unknown>>));
    expect(automod).toMatchObject({ type: 'automod.message.hold', version: '1' });
    expect(automod).not.toHaveProperty('is_batching_enabled');
    expect(drops).toMatchObject({ type: 'drop.entitlement.grant', version: '1', is_batching_enabled: true });
  });

  test.each([
    ['short', 'too-short'],
    ['long', 'x'.repeat(101)],
    ['not ASCII', 'geheimnis-schlüssel'],
  ])('refuses a %s secret before sending, without echoing it', async (_, secret) => {
    const { client, stub } = setup();
    const error = await subscribeWebhook(client, 'channel.follow', follow, { callback: CALLBACK, secret }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ param: 'secret' });
    expect(String((error as Error).message)).not.toContain(secret);
    expect(stub.requests).toHaveLength(0);
  });

  test('accepts secrets of exactly 10 and 100 ASCII characters', async () => {
    const { client } = setup();
    for (const secret of ['a'.repeat(10), 'b'.repeat(100)]) {
      await expect(subscribeWebhook(client, 'channel.follow', follow, { callback: CALLBACK, secret })).resolves.toBeTruthy();
    }
  });

  test.each(['http://example.com/hook', 'https://example.com:8443/hook', 'ftp://example.com/', 'not a url', '/relative'])(
    'refuses the callback %s',
    async (callback) => {
      const { client, stub } = setup();
      await expect(subscribeWebhook(client, 'channel.follow', follow, { callback, secret: SECRET })).rejects.toMatchObject({
        name: 'InputError',
        param: 'callback',
      });
      expect(stub.requests).toHaveLength(0);
    },
  );

  test('accepts https on 443 and loopback http for local fakes', async () => {
    const { client, stub } = setup();
    for (const callback of ['https://example.com:443/hook', 'http://localhost:8787/hook', 'http://127.0.0.1:3000/']) {
      await subscribeWebhook(client, 'channel.follow', follow, { callback, secret: SECRET });
    }
    expect(stub.requests).toHaveLength(3);
  });

  test('refuses a condition Twitch would refuse, naming the field', async () => {
    const { client, stub } = setup();
    const options = { callback: CALLBACK, secret: SECRET };
    await expect(
      subscribeWebhook(client, 'channel.follow', { broadcaster_user_id: '1' } as typeof follow, options),
    ).rejects.toMatchObject({ name: 'InputError', param: 'moderator_user_id' });
    await expect(
      subscribeWebhook(client, 'stream.online', { broadcaster_user_id: '1', user_id: '2' } as { broadcaster_user_id: string }, options),
    ).rejects.toMatchObject({ name: 'InputError', param: 'user_id' });
    await expect(
      subscribeWebhook(client, 'channel.follow', follow, { ...options, version: '9' }),
    ).rejects.toMatchObject({ name: 'InputError', param: 'version' });
    expect(stub.requests).toHaveLength(0);
  });

  test('a subscription that already exists raises ConflictError', async () => {
    const stub = fetchStub(() => json({ error: 'Conflict', status: 409, message: 'subscription already exists' }, { status: 409 }));
    const client = createClient({ clientId: 'my-client-id', auth: 'app-token-xyz', fetch: stub.fetch });
    await expect(subscribeWebhook(client, 'channel.follow', follow, { callback: CALLBACK, secret: SECRET })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});

describe('subscribeWebhook against the fake Twitch', () => {
  const twitch = createMockTwitch({ seed: 11 });
  const server = setupServer(...twitch.handlers);
  beforeAll(() => server.listen());
  afterAll(() => server.close());

  test('a token manager holding exactly one user subscribes with its app token', async () => {
    const manager = createTokenManager({ clientId: twitch.clientId, clientSecret: twitch.clientSecret });
    await manager.addUser({ access_token: twitch.tokens.user });
    const client = createClient({ clientId: twitch.clientId, auth: manager });
    const condition = { broadcaster_user_id: twitch.users.broadcaster, moderator_user_id: twitch.users.broadcaster };
    const created = await subscribeWebhook(client, 'channel.follow', condition, { callback: CALLBACK, secret: SECRET });
    expect(created).toMatchObject({ type: 'channel.follow', status: 'webhook_callback_verification_pending' });
  });

  test('a user token is refused with 400, as Twitch does', async () => {
    const client = createClient({ clientId: twitch.clientId, auth: twitch.tokens.user });
    const condition = { broadcaster_user_id: twitch.users.broadcaster };
    const error = await subscribeWebhook(client, 'stream.online', condition, { callback: CALLBACK, secret: SECRET }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
  });
});
