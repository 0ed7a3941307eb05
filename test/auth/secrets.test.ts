// A hostile OAuth server on loopback echoes every secret it was sent (and fresh tokens of its
// own) in its error fields, status text and headers: no auth error may carry any of them, in
// any form a user or a logger looks at.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pollDeviceToken } from '../../src/auth/device.ts';
import { AuthError } from '../../src/auth/errors.ts';
import { appToken, exchangeCode, refreshToken, revokeToken, validateToken } from '../../src/auth/server.ts';
import { createTokenManager } from '../../src/auth/token-manager.ts';
import { TwitchError } from '../../src/errors.ts';

const SENT = {
  clientSecret: 'cs-Secret+/=&Value123',
  refreshToken: 'rt-refresh0123456789',
  code: 'code-0123456789abcdef',
  codeVerifier: 'cv-verifier_0123456789-abcdefghijklmnopqrstu',
  deviceCode: 'dc-device0123456789',
  accessToken: 'at-access0123456789',
};
/** What the server makes up and sends back in a 200 that fails the schema. */
const ISSUED = {
  access_token: 'new-access-9876543210',
  refresh_token: 'new-refresh-9876543210',
  id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXh5ejk4NzY1',
};
const ALL = [...Object.values(SENT), ...Object.values(ISSUED)];
const spellings = (secret: string) => [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];

let server: Server;
let origin = '';
let requests = 0;

/** Answers per the first path segment (`400`, `401`, `403`, `500`, `ok`), echoing all it got. */
async function hostile(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) {
  requests++;
  let body = '';
  for await (const chunk of request) body += chunk;
  const url = new URL(request.url ?? '/', origin);
  const got = [...new URLSearchParams(body).values(), ...url.searchParams.values(), (request.headers.authorization ?? '').replace(/^\S+\s+/, '')].filter(Boolean);
  const echo = got.flatMap(spellings).join(' | ');
  const mode = url.pathname.split('/')[1] ?? '400';
  const headers = { 'Content-Type': 'application/json', 'X-Echo': echo, 'WWW-Authenticate': `Bearer error="${got.join(',')}"`, Connection: 'close' };
  if (mode === 'ok') {
    // A 2xx whose fields have the wrong types, quoting what it got and what it issues.
    response.writeHead(200, headers);
    response.end(JSON.stringify({ ...ISSUED, expires_in: echo, scope: { echo }, token_type: 7 }));
    return;
  }
  response.writeHead(Number(mode), `Refused ${got.join(' ')}`.replace(/[^\x20-\x7e]/g, ''), headers);
  response.end(JSON.stringify({ status: Number(mode), error: got[0] ?? 'x', message: `bad request: ${echo}`, error_description: echo }));
}

beforeAll(async () => {
  server = createServer((request, response) => void hostile(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Every way an error is looked at: message, String(), JSON, util.inspect (cause included), stack. */
function views(error: Error): string {
  return [error.message, String(error), JSON.stringify(error), inspect(error, { showHidden: true, depth: 10 }), error.stack ?? ''].join('\n');
}

/** The values the error holds (fields, cause), to check that no Response/Headers/Request is among them. */
function heldObjects(value: unknown, depth = 0, found: unknown[] = []): unknown[] {
  if (typeof value !== 'object' || value === null || depth > 4) return found;
  for (const key of Reflect.ownKeys(value)) {
    const held = (value as Record<PropertyKey, unknown>)[key];
    found.push(held);
    heldObjects(held, depth + 1, found);
  }
  return found;
}

function expectClean(error: unknown) {
  expect(error).toBeInstanceOf(TwitchError);
  const text = views(error as Error);
  for (const secret of ALL) for (const spelling of spellings(secret)) expect(text).not.toContain(spelling);
  for (const held of heldObjects(error)) {
    expect(held instanceof Response || held instanceof Headers || held instanceof Request).toBe(false);
  }
}

const base = (mode: string) => `${origin}/${mode}/`;
const id = 'client-id-1';

describe.each(['400', '401', '403', '500', 'ok'])('a hostile server answering %s', (mode) => {
  test('appToken, exchangeCode, refreshToken, validateToken and revokeToken errors hold no secret', async () => {
    const authBaseUrl = base(mode);
    const before = requests;
    const errors = await Promise.all([
      appToken({ clientId: id, clientSecret: SENT.clientSecret, authBaseUrl }).catch((e) => e),
      exchangeCode({ clientId: id, clientSecret: SENT.clientSecret, code: SENT.code, codeVerifier: SENT.codeVerifier, redirectUri: 'https://app.example/cb', authBaseUrl }).catch((e) => e),
      refreshToken({ clientId: id, clientSecret: SENT.clientSecret, refreshToken: SENT.refreshToken, authBaseUrl }).catch((e) => e),
      validateToken(SENT.accessToken, { authBaseUrl }).catch((e) => e),
      mode === 'ok' ? new AuthError({ error: 'revoke has no body to check' }) : revokeToken({ clientId: id, token: SENT.accessToken, authBaseUrl }).catch((e) => e),
    ]);
    expect(requests - before).toBe(mode === 'ok' ? 4 : 5);
    for (const error of errors) expectClean(error);
  });

  test('the token manager: addUser and a refresh through a manager hold no secret', async () => {
    const manager = createTokenManager({ clientId: id, clientSecret: SENT.clientSecret, authBaseUrl: base(mode) });
    expectClean(await manager.addUser({ access_token: SENT.accessToken, refresh_token: SENT.refreshToken }).catch((e) => e));
    const endpoint = { id: 'get-users', method: 'GET', path: 'users', query: [], body: [], tokens: ['app', 'user'], scopes: [], paginated: false } as never;
    expectClean(await manager.getToken({ endpoint }).catch((e) => e)); // an app token from client credentials
  });
});

test('a device poll refused by a hostile server holds no device code', async () => {
  const error = await pollDeviceToken({ clientId: id, deviceCode: SENT.deviceCode, scopes: [], interval: 1, authBaseUrl: base('400') }).catch((e) => e);
  expect(error).toBeInstanceOf(AuthError);
  expectClean(error);
});

test('a fetch that fails quoting the request holds no secret in the network_error', async () => {
  const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    const failure = new TypeError(`could not send ${String(init?.body)} (${decodeURIComponent(String(init?.body))})`);
    throw Object.assign(failure, { cause: new Error(String(init?.body)) });
  }) as typeof globalThis.fetch;
  const error = await refreshToken({ clientId: id, clientSecret: SENT.clientSecret, refreshToken: SENT.refreshToken, fetch }).catch((e) => e);
  expect(error.error).toBe('network_error');
  expectClean(error);
});

test('an error redirect whose text quotes the token or code it carries holds neither', async () => {
  const { parseRedirect } = await import('../../src/auth/authorize.ts');
  const token = SENT.accessToken;
  const url = `https://app.example/cb#error=${token}&error_description=denied%20${token}%20${SENT.code}&access_token=${token}&code=${SENT.code}&state=s1`;
  let error: unknown;
  try {
    parseRedirect(url, { state: 's1' });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(AuthError);
  expectClean(error);
});
