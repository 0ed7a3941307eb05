// `helixkit validate`: what a token is (login, user id, client id, scopes, expiry), never the
// token itself; exit 1 with a clear message for a token Twitch refuses.
import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';
import { expectNoSecret, run } from './run.js';

let twitch: RunningMockTwitch;
beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 3 });
});
afterAll(() => twitch?.close());

test('a user token: login, user id, client id, scopes and expiry, and no token', async () => {
  const { code, stdout, stderr } = await run(['validate', twitch.mock.tokens.user, '--auth-url', twitch.authUrl]);
  expect(code).toBe(0);
  expect(stdout).toContain('A valid user token of fakestreamer');
  expect(stdout).toMatch(new RegExp(`user id +${twitch.mock.users.broadcaster}\\n`));
  expect(stdout).toMatch(new RegExp(`client id +${twitch.mock.clientId}\\n`));
  // Every scope the fake's user token holds, wrapped into the value column.
  const scopes = /scopes +([\s\S]*?)\n  expires/.exec(stdout)![1]!.split(/\s+/);
  expect(scopes).toEqual(expect.arrayContaining(['chat:read', 'user:bot', 'moderator:read:followers']));
  expect(scopes.length).toBe(new Set(scopes).size);
  expect(stdout).toMatch(/expires +in \d+ d \d+ h \(\d+ s\)/);
  expectNoSecret(stdout + stderr, [twitch.mock.tokens.user]);
});

test('--json, and an app token has no user', async () => {
  const { code, stdout, stderr } = await run(['validate', '--json', '--auth-url', twitch.authUrl, twitch.mock.tokens.app]);
  expect(code).toBe(0);
  const result = JSON.parse(stdout);
  expect(result).toMatchObject({ valid: true, client_id: twitch.mock.clientId, login: null, user_id: null, scopes: [] });
  expect(result.expires_in).toBeGreaterThan(0);
  expectNoSecret(stdout + stderr, [twitch.mock.tokens.app]);
});

test('reads the token from stdin with -', async () => {
  const { code, stdout } = await run(['validate', '-', '--json', '--auth-url', twitch.authUrl], {}, `${twitch.mock.tokens.moderator}\n`);
  expect(code).toBe(0);
  expect(JSON.parse(stdout).user_id).toBe(twitch.mock.users.moderator);
});

test('an invalid token exits 1 with a clear message that does not repeat it', async () => {
  const bad = 'abcdefghijklmnopqrstuvwxyz0123';
  const { code, stdout, stderr } = await run(['validate', bad, '--auth-url', twitch.authUrl]);
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(stderr).toContain('the token is invalid');
  expectNoSecret(stdout + stderr, [bad]);
});

test('an OAuth service that cannot be reached exits 1', async () => {
  const closed = createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = (closed.address() as { port: number }).port;
  closed.close();
  await once(closed, 'close');
  const { code, stderr } = await run(['validate', twitch.mock.tokens.user, '--auth-url', `http://127.0.0.1:${port}/oauth2/`]);
  expect(code).toBe(1);
  expect(stderr).toContain('network_error');
  expectNoSecret(stderr, [twitch.mock.tokens.user]);
});

test('usage errors exit 2 and never repeat a token', async () => {
  for (const args of [[], [twitch.mock.tokens.user, 'second-token-value'], ['--auth-url', 'ftp://x', twitch.mock.tokens.user]]) {
    const { code, stdout, stderr } = await run(['validate', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: helixkit validate');
    expectNoSecret(stderr, [twitch.mock.tokens.user, 'second-token-value']);
  }
});
