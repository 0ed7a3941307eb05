// `helixkit token` against the fake Twitch on loopback: the device flow approved through the
// fake's controls, the localhost redirect driven by fetch as a browser would, and the rules
// around them (a forged state is ignored, a denial fails, tokens only on stdout or in a 0600 file).
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { validateToken } from '../../src/auth/server.js';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';
import { expectNoSecret, run, start } from './run.js';

let twitch: RunningMockTwitch;
let dir: string;
beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 7 });
  dir = await mkdtemp(join(tmpdir(), 'helixkit-cli-'));
});
afterAll(async () => {
  await twitch?.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  // One second between polls (Twitch asks for 5) keeps the device tests short.
  twitch.mock.oauth.deviceInterval = 1;
  twitch.mock.oauth.denyWith = undefined;
});

const fixed = () => [twitch.mock.clientSecret, twitch.mock.tokens.user, twitch.mock.tokens.app, twitch.mock.tokens.moderator];

/** Starts `token` by device flow and returns it with the device code the fake handed out. */
async function startDevice(extra: string[]) {
  const before = new Set(twitch.mock.oauth.devices.keys());
  const cli = start(['token', '--client-id', twitch.mock.clientId, '--auth-url', twitch.authUrl, ...extra]);
  const [, userCode] = await cli.waitFor('stderr', /shows the code ([A-Z]+)/);
  const deviceCode = [...twitch.mock.oauth.devices.keys()].find((code) => !before.has(code));
  expect(deviceCode).toBeDefined();
  return { cli, userCode: userCode!, deviceCode: deviceCode! };
}

describe('device code flow', () => {
  test('prints the link and code, waits for approval, then prints a token pair that validates', async () => {
    const { cli, userCode, deviceCode } = await startDevice(['--scopes', 'chat:read,user:bot', '--json']);
    expect(cli.stderr()).toContain('https://www.twitch.tv/activate');
    twitch.mock.oauth.approveDevice(userCode);
    expect(await cli.exited).toBe(0);

    const lines = cli.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(Object.keys(result).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scopes', 'user']);
    expect(result.scopes).toEqual(['chat:read', 'user:bot']);
    expect(result.user).toEqual({ id: twitch.mock.users.broadcaster, login: 'fakestreamer' });
    expect(result.expires_in).toBeGreaterThan(0);
    const valid = await validateToken(result.access_token, { authBaseUrl: twitch.authUrl });
    expect(valid).toMatchObject({ user_id: twitch.mock.users.broadcaster, scopes: ['chat:read', 'user:bot'] });
    expectNoSecret(cli.stderr(), [result.access_token, result.refresh_token, deviceCode, ...fixed()]);
  });

  test('prints the pair as text by default', async () => {
    const { cli, userCode, deviceCode } = await startDevice(['--scopes', 'user:read:chat']);
    twitch.mock.oauth.approveDevice(userCode);
    expect(await cli.exited).toBe(0);
    const out = cli.stdout();
    expect(out).toMatch(/A user token of fakestreamer \(user id \d+\)/);
    expect(out).toMatch(/scopes +user:read:chat/);
    const access = /access token +(\S+)/.exec(out)![1]!;
    const refresh = /refresh token +(\S+)/.exec(out)![1]!;
    expect((await validateToken(access, { authBaseUrl: twitch.authUrl })).login).toBe('fakestreamer');
    expectNoSecret(cli.stderr(), [access, refresh, deviceCode, ...fixed()]);
  });

  test('a declined login exits 1 and says so', async () => {
    const { cli, userCode, deviceCode } = await startDevice([]);
    twitch.mock.oauth.denyDevice(userCode);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('declined');
    expect(cli.stdout()).toBe('');
    expectNoSecret(cli.stderr(), [deviceCode, ...fixed()]);
  });

  test('a client id Twitch does not know fails with a hint about the client type', async () => {
    const { code, stdout, stderr } = await run(['token', '--client-id', 'not-this-app', '--auth-url', twitch.authUrl]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('Check the client id');
    expect(stderr).toContain('"Public"');
  });

  test('Ctrl-C while waiting cancels with exit code 130', async () => {
    const { cli, deviceCode } = await startDevice([]);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(cli.stderr()).toContain('cancelled');
    expectNoSecret(cli.stderr(), [deviceCode]);
  });

  test('the client id may come from TWITCH_CLIENT_ID', async () => {
    const cli = start(['token', '--auth-url', twitch.authUrl, '--json'], { TWITCH_CLIENT_ID: twitch.mock.clientId });
    const [, userCode] = await cli.waitFor('stderr', /shows the code ([A-Z]+)/);
    twitch.mock.oauth.approveDevice(userCode!);
    expect(await cli.exited).toBe(0);
    expect(JSON.parse(cli.stdout()).scopes).toEqual([]);
  });
});

describe('--save', () => {
  test('writes the JSON to a file only its owner can read, and prints no token', async () => {
    const file = join(dir, 'token.json');
    // A file that was there before, readable by all, is narrowed too.
    await writeFile(file, 'old', { mode: 0o644 });
    const { cli, userCode } = await startDevice(['--scopes', 'chat:read', '--save', file]);
    twitch.mock.oauth.approveDevice(userCode);
    expect(await cli.exited).toBe(0);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await validateToken(saved.access_token, { authBaseUrl: twitch.authUrl })).scopes).toEqual(['chat:read']);
    expect(saved.user.login).toBe('fakestreamer');
    expect(cli.stdout()).toContain(`to ${file}`);
    expectNoSecret(cli.stdout() + cli.stderr(), [saved.access_token, saved.refresh_token]);
  });
});

describe('localhost redirect (--redirect)', () => {
  /** Starts `token --redirect` on a free port and returns it with the authorize URL it printed. */
  async function startRedirect(extra: string[] = []) {
    const cli = start(
      ['token', '--redirect', '--redirect-uri', 'http://127.0.0.1:0/callback', '--client-id', twitch.mock.clientId, '--auth-url', twitch.authUrl, ...extra],
      { TWITCH_CLIENT_SECRET: twitch.mock.clientSecret },
    );
    const [, link] = await cli.waitFor('stderr', /^(http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\?\S+)$/m);
    return { cli, link: new URL(link!) };
  }

  /** What a browser does: open the authorize page, follow its redirect to the callback. */
  async function browse(link: URL): Promise<Response> {
    const authorize = await fetch(link, { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    return fetch(authorize.headers.get('location')!);
  }

  test('exchanges the code that comes back and prints a token pair that validates', async () => {
    const { cli, link } = await startRedirect(['--scopes', 'channel:read:subscriptions', '--json']);
    expect(link.searchParams.get('response_type')).toBe('code');
    expect(link.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const page = await browse(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Logged in');
    expect(await cli.exited).toBe(0);
    const result = JSON.parse(cli.stdout());
    expect(result.scopes).toEqual(['channel:read:subscriptions']);
    expect(result.user.login).toBe('fakestreamer');
    expect((await validateToken(result.access_token, { authBaseUrl: twitch.authUrl })).user_id).toBe(twitch.mock.users.broadcaster);
    expectNoSecret(cli.stderr(), [result.access_token, result.refresh_token, ...fixed()]);
  });

  test('callbacks with another state or none are refused and the real one still logs in', async () => {
    const { cli, link } = await startRedirect(['--json']);
    const callback = new URL(link.searchParams.get('redirect_uri')!);
    callback.search = '?code=forged-code-1234&scope=&state=not-the-state';
    const forged = await fetch(callback);
    expect(forged.status).toBe(400);
    expect(await forged.text()).not.toContain('forged-code-1234');
    await cli.waitFor('stderr', /ignored a request/);
    // An error without the state is not Twitch's either: it cannot end the login.
    callback.search = '?error=access_denied';
    expect((await fetch(callback)).status).toBe(400);
    expect((await browse(link)).status).toBe(200);
    expect(await cli.exited).toBe(0);
    expect(JSON.parse(cli.stdout()).user.login).toBe('fakestreamer');
  });

  test('a login declined at Twitch exits 1 with its error', async () => {
    twitch.mock.oauth.denyWith = 'access_denied';
    const { cli, link } = await startRedirect();
    expect((await browse(link)).status).toBe(400);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('access_denied');
    expect(cli.stdout()).toBe('');
  });

  test('a wrong client secret exits 1 without showing the secret or the code', async () => {
    const cli = start(
      ['token', '--redirect', '--redirect-uri', 'http://127.0.0.1:0/', '--client-id', twitch.mock.clientId, '--auth-url', twitch.authUrl],
      { TWITCH_CLIENT_SECRET: 'wrong-secret-9876' },
    );
    const [, link] = await cli.waitFor('stderr', /^(http:\S+authorize\?\S+)$/m);
    const authorize = await fetch(link!, { redirect: 'manual' });
    const callback = new URL(authorize.headers.get('location')!);
    expect((await fetch(callback)).status).toBe(502);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('invalid client secret');
    expectNoSecret(cli.stderr(), ['wrong-secret-9876', callback.searchParams.get('code')]);
  });

  test('needs the client secret, and says where to put it', async () => {
    const { code, stderr } = await run(['token', '--redirect', '--client-id', 'abc']);
    expect(code).toBe(2);
    expect(stderr).toContain('set TWITCH_CLIENT_SECRET or pass --client-secret');
  });

  test('refuses a redirect URI that is not on this machine', async () => {
    const { code, stderr } = await run(['token', '--redirect', '--client-id', 'abc', '--client-secret', 's3cret-value', '--redirect-uri', 'https://example.com/cb']);
    expect(code).toBe(2);
    expect(stderr).toContain('--redirect-uri must be an http://localhost');
    expectNoSecret(stderr, ['s3cret-value']);
  });
});
