// The token manager's `log`: validations and refreshes as they happen, by default in the log of
// the client it serves, never holding a token or the client secret. Against the OAuth fake (msw).
import { describe, expect, test } from 'vitest';
import { createClient } from '../../src/client.ts';
import { createTokenManager } from '../../src/auth/token-manager.ts';
import { getUsers } from '../../src/helix/users.ts';
import type { LogEntry } from '../../src/log.ts';
import { issueToken, revokeToken } from '../../src/testing/state.ts';
import { useFakeTwitch } from './harness.ts';

const fake = useFakeTwitch();

function mint() {
  const refresh_token = `refresh-${Math.random().toString(36).slice(2)}`;
  const access_token = issueToken(fake.state, { type: 'user', userId: fake.state.ids.broadcaster, scopes: ['user:read:email'], refreshToken: refresh_token });
  return { access_token, refresh_token };
}

const brief = (entries: LogEntry[]) =>
  entries.map((entry) =>
    entry.source === 'auth'
      ? [entry.source, entry.type, entry.type === 'validate' ? entry.result : entry.ok]
      : [entry.source, entry.type, entry.type === 'response' ? entry.status : entry.type === 'retry' ? entry.cause : undefined],
  );

describe('the log option of createTokenManager', () => {
  test("writes to the client's log when it has none: a dead token is validated, refreshed, and the call retried", async () => {
    const manager = createTokenManager({ clientId: fake.state.clientId });
    const pair = mint();
    const { id } = await manager.addUser(pair);
    const entries: LogEntry[] = [];
    const client = createClient({ clientId: fake.state.clientId, auth: manager, log: (entry) => void entries.push(entry) });
    await getUsers(client);
    fake.state.tokens.get(pair.access_token)!.expiresAt = 0; // dead, its refresh token still good
    await getUsers(client);
    expect(brief(entries)).toEqual([
      ['helix', 'request', undefined],
      ['helix', 'response', 200],
      ['helix', 'request', undefined],
      ['helix', 'response', 401],
      ['auth', 'validate', 'invalid'],
      ['auth', 'refresh', true],
      ['helix', 'retry', 401],
      ['helix', 'response', 200],
    ]);
    expect(entries.filter((entry) => entry.source === 'auth').every((entry) => 'user' in entry && entry.user === id)).toBe(true);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(pair.access_token);
    expect(text).not.toContain(pair.refresh_token);
    const fresh = [...fake.state.tokens.keys()].filter((token) => token !== pair.access_token);
    for (const token of fresh) expect(text).not.toContain(token);
  });

  test('its own log sees the first-use validation, a refused refresh, and the app token, never the secret', async () => {
    const entries: LogEntry[] = [];
    const manager = createTokenManager({ clientId: fake.state.clientId, clientSecret: fake.state.clientSecret, log: (entry) => void entries.push(entry) });
    const pair = mint();
    await manager.addUser(pair);
    expect(entries).toEqual([]); // addUser validates, but that is the caller's own request
    await manager.validateAll();
    expect(entries).toEqual([{ type: 'validate', source: 'auth', user: fake.state.ids.broadcaster, result: 'valid' }]);

    revokeToken(fake.state, pair.access_token); // the refresh token goes with it
    await manager.validateAll();
    expect(brief(entries.slice(1))).toEqual([
      ['auth', 'validate', 'invalid'],
      ['auth', 'refresh', false],
    ]);

    const app = await manager.getToken({ endpoint: { id: 'get-users', method: 'GET', path: 'users', query: [], body: [], tokens: ['app'], scopes: [], paginated: false } });
    expect(entries.at(-1)).toEqual({ type: 'refresh', source: 'auth', ok: true });
    const text = JSON.stringify(entries);
    for (const secret of [fake.state.clientSecret, pair.access_token, pair.refresh_token, app.token]) expect(text).not.toContain(secret);
  });
});
