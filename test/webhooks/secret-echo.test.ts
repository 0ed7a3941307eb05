import { inspect } from 'node:util';
import { expect, test } from 'vitest';
import { createClient } from '../../src/index.ts';
import { subscribeWebhook } from '../../src/eventsub/webhooks.ts';
import { fetchStub, json } from '../fetch-stub.ts';

// subscribeWebhook sends the webhook secret to Helix; an answer that quotes it back (a proxy, a
// hostile or buggy server) must not carry it into the error, as the token is kept out today.
test('a Helix error that echoes the webhook secret does not carry it', async () => {
  const secret = 'hk-webhook-secret-0123456789';
  const stub = fetchStub(() =>
    json({ error: 'Bad Request', status: 400, message: `transport.secret ${secret} is not accepted` }, { status: 400, headers: { 'x-echo': secret } }),
  );
  const client = createClient({ clientId: 'c', auth: 'app-token', fetch: stub.fetch });
  const error = await subscribeWebhook(client, 'stream.online', { broadcaster_user_id: '1' }, { callback: 'https://example.com/hook', secret }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  const shown = `${String(error)} ${JSON.stringify(error)} ${inspect(error, { showHidden: true, depth: 5 })}`;
  expect(shown).not.toContain(secret);
});
