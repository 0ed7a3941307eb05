/**
 * The fake Twitch's OAuth side as msw handlers: the authorize page (implicit and code flow),
 * the token endpoint (authorization_code, client_credentials, refresh_token, device_code
 * grants), validate, revoke, device, and a JWKS whose key signs OIDC id tokens. Tokens live
 * in the shared {@link TwitchState}, so a token issued here works against the Helix fake.
 * @see https://dev.twitch.tv/docs/authentication/
 */
import { http, type HttpHandler } from 'msw';
import { findToken, issueToken, randomString, type TokenRecord, type TwitchState } from './state.js';

/** An authorization code waiting to be exchanged. */
export interface PendingCode {
  clientId: string;
  userId: string;
  scopes: string[];
  redirectUri: string;
  nonce?: string;
  codeChallenge?: string;
  expiresAt: number;
}

/** A device login waiting for the user at the activation page. */
export interface PendingDevice {
  clientId: string;
  userCode: string;
  scopes: string[];
  expiresAt: number;
  /** Seconds the app must wait between polls; a poll sooner than that gets `slow_down`. */
  interval: number;
  lastPollAt?: number;
  /** Set by {@link OAuthFake.approveDevice}. */
  userId?: string;
  denied?: boolean;
}

/** The OAuth side of the fake: what it remembers, and knobs for tests. */
export interface OAuthFake {
  /** The user id the authorize page logs in as. Default the seeded broadcaster. */
  loginAs: string;
  /** When set, the authorize page answers with this error (e.g. `access_denied`) instead. */
  denyWith?: string;
  /** Lifetime in seconds of user tokens it issues. Default 14400 (4 hours). */
  tokenLifetime: number;
  /** Seconds between device polls it asks for. Default 5. */
  deviceInterval: number;
  readonly codes: Map<string, PendingCode>;
  /** Pending device logins by device code. */
  readonly devices: Map<string, PendingDevice>;
  /** How many token requests it answered, by grant type (including refusals). */
  readonly grants: Record<string, number>;
  /** The key id in the JWKS and in id token headers. */
  readonly kid: string;
  /** The user approves the device login shown with `userCode` (default as `loginAs`). */
  approveDevice(userCode: string, userId?: string): void;
  /** The user declines the device login shown with `userCode`. */
  denyDevice(userCode: string): void;
  /** Signs an id token with the fake's key; claims default to a fresh token for `loginAs`. */
  signIdToken(claims?: Record<string, unknown>): Promise<string>;
  /** The public key set served at `keys`. */
  /** The fake's public signing key as a JWK set (RSA: `kty`, `n`, `e`, `kid`, `alg`, `use`). */
  jwks(): Promise<{ keys: Record<string, string>[] }>;
}

const FAKE_KEY = 'oauth';
const ISSUER = 'https://id.twitch.tv/oauth2';

function toBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const encodeJson = (value: unknown) => toBase64url(new TextEncoder().encode(JSON.stringify(value)));

/** The OAuth side of a state, created on first use and kept in `state.extra`. */
export function oauthFake(state: TwitchState): OAuthFake {
  const existing = state.extra.get(FAKE_KEY) as OAuthFake | undefined;
  if (existing) return existing;
  let keyPair: Promise<CryptoKeyPair> | undefined;
  const keys = () =>
    (keyPair ??= crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    ));
  const findDevice = (userCode: string) => [...fake.devices.values()].find((device) => device.userCode === userCode);

  const fake: OAuthFake = {
    loginAs: state.ids.broadcaster,
    tokenLifetime: 4 * 3600,
    deviceInterval: 5,
    codes: new Map(),
    devices: new Map(),
    grants: {},
    // The key pair is fresh each time, so its id is too (a verifier caches keys by id).
    kid: toBase64url(crypto.getRandomValues(new Uint8Array(6))),
    approveDevice(userCode, userId) {
      const device = findDevice(userCode);
      if (!device) throw new Error(`the fake has no device login with user code ${userCode}`);
      device.userId = userId ?? fake.loginAs;
    },
    denyDevice(userCode) {
      const device = findDevice(userCode);
      if (!device) throw new Error(`the fake has no device login with user code ${userCode}`);
      device.denied = true;
    },
    async signIdToken(claims = {}) {
      const now = Math.floor(state.now() / 1000);
      const user = state.users.get(fake.loginAs);
      const payload = {
        iss: ISSUER,
        sub: fake.loginAs,
        aud: state.clientId,
        azp: state.clientId,
        exp: now + 900,
        iat: now,
        ...(user ? { preferred_username: user.login } : {}),
        ...claims,
      };
      const signed = `${encodeJson({ alg: 'RS256', typ: 'JWT', kid: fake.kid })}.${encodeJson(payload)}`;
      const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', (await keys()).privateKey, new TextEncoder().encode(signed));
      return `${signed}.${toBase64url(new Uint8Array(signature))}`;
    },
    async jwks() {
      const { kty, n, e } = await crypto.subtle.exportKey('jwk', (await keys()).publicKey);
      return { keys: [{ kty: kty!, n: n!, e: e!, kid: fake.kid, alg: 'RS256', use: 'sig' }] };
    },
  };
  state.extra.set(FAKE_KEY, fake);
  return fake;
}

/** Options of {@link oauthHandlers}. */
export interface OAuthHandlerOptions {
  /** OAuth base URL to answer on. Default `https://id.twitch.tv/oauth2/`. */
  authBaseUrl?: string;
}

/** Twitch's error shape on the OAuth endpoints. */
const refuse = (status: number, message: string) => Response.json({ status, message }, { status });

/** Form fields of a request: Twitch reads them from the body or the query string. */
async function fieldsOf(request: Request): Promise<URLSearchParams> {
  const fields = new URL(request.url).searchParams;
  const text = await request.text();
  for (const [key, value] of new URLSearchParams(text)) fields.set(key, value);
  return fields;
}

/** The fake's OAuth endpoints as msw handlers, sharing tokens with the Helix fake through `state`. */
export function oauthHandlers(state: TwitchState, options: OAuthHandlerOptions = {}): HttpHandler[] {
  const base = options.authBaseUrl ?? 'https://id.twitch.tv/oauth2/';
  const at = (path: string) => new URL(path, base.endsWith('/') ? base : `${base}/`).href;
  const fake = oauthFake(state);

  const issueUser = (userId: string, scopes: string[]) => {
    const refreshToken = randomString(state, 50);
    const accessToken = issueToken(state, { type: 'user', userId, scopes, expiresIn: fake.tokenLifetime * 1000, refreshToken });
    return { access_token: accessToken, refresh_token: refreshToken, expires_in: fake.tokenLifetime, scope: scopes, token_type: 'bearer' };
  };

  const idTokenFor = (userId: string, nonce: string | undefined) =>
    fake.signIdToken({ sub: userId, ...(nonce === undefined ? {} : { nonce }), preferred_username: state.users.get(userId)?.login });

  const grants: Record<string, (fields: URLSearchParams) => Promise<Response>> = {
    async authorization_code(fields) {
      // Twitch wants the secret even with PKCE (twitchdev/issues#1097: "missing client secret").
      if (!fields.get('client_secret')) return refuse(400, 'missing client secret');
      if (fields.get('client_secret') !== state.clientSecret) return refuse(403, 'invalid client secret');
      const code = fake.codes.get(fields.get('code') ?? '');
      if (!code || code.expiresAt <= state.now()) return refuse(400, 'Invalid authorization code');
      fake.codes.delete(fields.get('code')!);
      if (code.redirectUri !== fields.get('redirect_uri')) return refuse(400, 'Parameter redirect_uri does not match registered URI');
      // No check of code_verifier: Twitch does not support PKCE (twitchdev/issues#1097) and
      // documents no such check, so the fake does not pretend to make one.
      const body: Record<string, unknown> = issueUser(code.userId, code.scopes);
      if (code.scopes.includes('openid')) body.id_token = await idTokenFor(code.userId, code.nonce);
      return Response.json(body);
    },
    async client_credentials(fields) {
      if (fields.get('client_secret') !== state.clientSecret) return refuse(403, 'invalid client secret');
      const expiresIn = 60 * 24 * 3600;
      const token = issueToken(state, { type: 'app', expiresIn: expiresIn * 1000 });
      return Response.json({ access_token: token, expires_in: expiresIn, token_type: 'bearer' });
    },
    async refresh_token(fields) {
      const secret = fields.get('client_secret');
      if (secret !== null && secret !== state.clientSecret) return refuse(403, 'invalid client secret');
      const refreshToken = fields.get('refresh_token');
      let found: [string, TokenRecord] | undefined;
      for (const entry of state.tokens) if (refreshToken && entry[1].refreshToken === refreshToken) found = entry;
      if (!found || !found[1].userId) return refuse(400, 'Invalid refresh token');
      // Each refresh token works once: the old pair is gone.
      state.tokens.delete(found[0]);
      return Response.json(issueUser(found[1].userId, found[1].scopes));
    },
    async 'urn:ietf:params:oauth:grant-type:device_code'(fields) {
      const deviceCode = fields.get('device_code') ?? '';
      const device = fake.devices.get(deviceCode);
      if (!device || device.expiresAt <= state.now()) {
        fake.devices.delete(deviceCode);
        return refuse(400, 'invalid device code');
      }
      const now = state.now();
      const early = device.lastPollAt !== undefined && now - device.lastPollAt < device.interval * 1000;
      device.lastPollAt = now;
      if (early) return refuse(400, 'slow_down');
      if (device.denied) {
        fake.devices.delete(deviceCode);
        return refuse(400, 'access_denied');
      }
      if (!device.userId) return refuse(400, 'authorization_pending');
      fake.devices.delete(deviceCode);
      return Response.json(issueUser(device.userId, device.scopes));
    },
  };

  return [
    http.get(at('authorize'), async ({ request }) => {
      const query = new URL(request.url).searchParams;
      const redirectUri = query.get('redirect_uri');
      if (query.get('client_id') !== state.clientId) return refuse(400, 'invalid client');
      if (!redirectUri) return refuse(400, 'missing redirect_uri');
      const responseType = (query.get('response_type') ?? '').split(' ');
      const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
      const answer = new URLSearchParams();
      const target = new URL(redirectUri);
      const stateParam = query.get('state');
      if (fake.denyWith) {
        answer.set('error', fake.denyWith);
        answer.set('error_description', 'The user denied you access');
        if (stateParam !== null) answer.set('state', stateParam);
        for (const [key, value] of answer) target.searchParams.append(key, value);
        return new Response(null, { status: 302, headers: { Location: target.href } });
      }
      const userId = fake.loginAs;
      const nonce = query.get('nonce') ?? undefined;
      if (responseType.includes('code')) {
        const code = randomString(state, 30);
        fake.codes.set(code, {
          clientId: state.clientId,
          userId,
          scopes,
          redirectUri,
          ...(nonce === undefined ? {} : { nonce }),
          ...(query.get('code_challenge') ? { codeChallenge: query.get('code_challenge')! } : {}),
          expiresAt: state.now() + 10 * 60_000,
        });
        answer.set('code', code);
      }
      if (responseType.includes('token')) {
        answer.set('access_token', issueToken(state, { type: 'user', userId, scopes, expiresIn: fake.tokenLifetime * 1000 }));
        answer.set('token_type', 'bearer');
      }
      if (responseType.includes('id_token') && !responseType.includes('code')) answer.set('id_token', await idTokenFor(userId, nonce));
      answer.set('scope', scopes.join(' '));
      if (stateParam !== null) answer.set('state', stateParam);
      // Tokens travel in the fragment (never sent to a server); a code travels in the query.
      if (responseType.includes('code')) for (const [key, value] of answer) target.searchParams.append(key, value);
      else target.hash = answer.toString();
      return new Response(null, { status: 302, headers: { Location: target.href } });
    }),

    http.post(at('token'), async ({ request }) => {
      const fields = await fieldsOf(request);
      const grant = fields.get('grant_type') ?? '';
      fake.grants[grant] = (fake.grants[grant] ?? 0) + 1;
      if (fields.get('client_id') !== state.clientId) return refuse(400, 'invalid client');
      const handle = Object.hasOwn(grants, grant) ? grants[grant] : undefined;
      return handle ? handle(fields) : refuse(400, 'unsupported grant type');
    }),

    http.get(at('validate'), ({ request }) => {
      const token = /^(?:OAuth|Bearer)\s+(\S+)$/i.exec(request.headers.get('Authorization') ?? '')?.[1];
      const record = token ? findToken(state, token) : undefined;
      if (!record) return refuse(401, 'invalid access token');
      const expiresIn = Math.max(0, Math.floor((record.expiresAt - state.now()) / 1000));
      if (record.type === 'app') return Response.json({ client_id: record.clientId, scopes: [], expires_in: expiresIn });
      const user = state.users.get(record.userId ?? '');
      return Response.json({
        client_id: record.clientId,
        login: user?.login ?? '',
        scopes: record.scopes,
        user_id: record.userId,
        expires_in: expiresIn,
      });
    }),

    http.post(at('revoke'), async ({ request }) => {
      const fields = await fieldsOf(request);
      const token = fields.get('token') ?? '';
      const record = state.tokens.get(token);
      if (!record) return refuse(400, 'Invalid token');
      if (record.clientId !== fields.get('client_id')) return refuse(403, 'the client id does not match the token');
      state.tokens.delete(token);
      return new Response(null, { status: 200 });
    }),

    http.post(at('device'), async ({ request }) => {
      const fields = await fieldsOf(request);
      if (fields.get('client_id') !== state.clientId) return refuse(400, 'invalid client');
      const deviceCode = randomString(state, 40);
      const userCode = randomString(state, 8, 'ABCDEFGHJKLMNPQRSTUVWXYZ');
      const expiresIn = 1800;
      fake.devices.set(deviceCode, {
        clientId: state.clientId,
        userCode,
        scopes: (fields.get('scopes') ?? '').split(' ').filter(Boolean),
        expiresAt: state.now() + expiresIn * 1000,
        interval: fake.deviceInterval,
      });
      return Response.json({
        device_code: deviceCode,
        expires_in: expiresIn,
        interval: fake.deviceInterval,
        user_code: userCode,
        verification_uri: `https://www.twitch.tv/activate?public=true&device-code=${userCode}`,
      });
    }),

    http.get(at('keys'), async () => Response.json(await fake.jwks())),
  ];
}
