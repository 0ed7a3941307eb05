/**
 * OpenID Connect: checking an id token's RS256 signature against Twitch's published keys, and
 * its issuer, audience, authorized party, times (exp, iat, nbf) and nonce, with WebCrypto only.
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/
 */
import { array, boolean, looseObject, number, optional, string, union, type InferOutput } from 'valibot';
import { InputError } from '../errors.js';
import { AuthError, IdTokenError } from './errors.js';
import { decodeJwt } from './jwt.js';
import { validate } from '../validate.js';
import { authUrl, oauthRequest, type AuthTransport } from './request.js';
import { sameString } from './authorize.js';

/** Twitch's issuer identifier. */
export const TWITCH_ISSUER = 'https://id.twitch.tv/oauth2';

const claimsSchema = /* @__PURE__ */ looseObject({
  iss: string(),
  sub: string(),
  aud: union([string(), array(string())]),
  exp: number(),
  iat: number(),
  nbf: optional(number()),
  nonce: optional(string()),
  azp: optional(string()),
  preferred_username: optional(string()),
  email: optional(string()),
  email_verified: optional(boolean()),
  picture: optional(string()),
  updated_at: optional(string()),
});

/**
 * The claims of a verified id token (Twitch's names). `sub` is the user id.
 * @useDeclaredType
 */
export type IdTokenClaims = InferOutput<typeof claimsSchema>;

const jwksSchema = /* @__PURE__ */ looseObject({
  keys: array(looseObject({ kty: string(), kid: optional(string()), n: optional(string()), e: optional(string()), use: optional(string()) })),
});

/** Options of {@link verifyIdToken}. */
export interface VerifyIdTokenOptions extends AuthTransport {
  /** Your client id: the token's audience must include it. */
  clientId: string;
  /** The nonce sent in the authorize URL; the token must carry it. */
  nonce?: string;
  /** Where the signing keys are. Default `keys` below `authBaseUrl` (`https://id.twitch.tv/oauth2/keys`). */
  jwksUrl?: string;
  /** Expected `iss`. Default `https://id.twitch.tv/oauth2`. */
  issuer?: string;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat` (a finite number ≥ 0). Default 60. */
  leeway?: number;
  /** The current time in milliseconds. Default `Date.now()`. */
  now?: number;
}

type KeySet = Map<string, CryptoKey>;
/** Signing keys per JWKS URL, shared by every call; refetched when a token names an unknown key. */
const keyCache = /* @__PURE__ */ new Map<string, Promise<KeySet>>();
/** A refetch for an unknown key still running, per JWKS URL: concurrent callers share it. */
const reloading = /* @__PURE__ */ new Map<string, Promise<KeySet>>();
/** Per JWKS URL, the time (epoch ms) until which an unknown key causes no refetch. */
const quietUntil = /* @__PURE__ */ new Map<string, number>();
/**
 * A token's `kid` is chosen by whoever made it: after a refetch that brought no new key, the
 * next waits this long, so forged tokens cannot make us hammer the key endpoint. A refetch that
 * finds new keys (Twitch rotated them) allows the next at once.
 */
const RELOAD_EVERY = 5 * 60 * 1000;

/** Latest NumericDate taken as sane: 9999-12-31T23:59:59Z, in seconds. */
const MAX_TIME = 253_402_300_799;

/**
 * Verifies an OIDC id token from Twitch and returns its claims; rejects with an
 * {@link IdTokenError} naming the failed check otherwise. Beyond the signature it checks: `iss`;
 * `aud` holds the client id; `azp`, when present, is the client id, and must be present when
 * `aud` has several values; `exp`, `iat` and (optional) `nbf` are numbers between 0 and year
 * 9999, with `exp` not passed, `iat` and `nbf` not in the future (each give or take `leeway`);
 * `nonce`, when one was sent.
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/#validating-an-id-token
 */
export async function verifyIdToken(idToken: string, options: VerifyIdTokenOptions): Promise<IdTokenClaims> {
  const jwt = decodeJwt(idToken);
  if (!jwt) throw new IdTokenError('malformed', 'not a compact JWT');
  if (jwt.header.alg !== 'RS256') throw new IdTokenError('algorithm', 'only RS256 is accepted');
  const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : '';
  const jwksUrl = options.jwksUrl ?? authUrl('keys', options.authBaseUrl).href;

  let key = pick(await keysFor(jwksUrl, options, false), kid);
  if (!key) key = pick(await keysFor(jwksUrl, options, true), kid);
  if (!key) throw new IdTokenError('key', 'signed by a key that the key set does not hold');

  const valid = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, jwt.signature, new TextEncoder().encode(jwt.signed));
  if (!valid) throw new IdTokenError('signature', 'the signature does not match');

  const leeway = options.leeway ?? 60;
  if (!(Number.isFinite(leeway) && leeway >= 0)) throw new InputError('leeway', 'must be a finite number of seconds, 0 or more');
  const payload = jwt.payload;
  for (const claim of ['exp', 'iat', 'nbf']) {
    const value = payload[claim];
    if (value === undefined && claim === 'nbf') continue;
    if (!(typeof value === 'number' && value >= 0 && value <= MAX_TIME)) {
      throw new IdTokenError('malformed', `the ${claim} claim is not a time in seconds between 1970 and 9999`);
    }
  }
  let claims: IdTokenClaims;
  try {
    claims = validate(claimsSchema, payload, 'id_token');
  } catch {
    throw new IdTokenError('malformed', 'the claims lack iss, sub or aud, or one has the wrong type');
  }
  if (claims.iss !== (options.issuer ?? TWITCH_ISSUER)) throw new IdTokenError('issuer', 'issued by someone else');
  const audience = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  if (!audience.includes(options.clientId)) throw new IdTokenError('audience', 'issued for another client id');
  // OIDC Core §2: with several audiences, azp names the one the token was issued to.
  if (claims.azp === undefined ? audience.length > 1 : claims.azp !== options.clientId) {
    throw new IdTokenError('authorized_party', claims.azp === undefined ? 'the token has several audiences but no azp' : 'azp names another client id');
  }
  const now = (options.now ?? Date.now()) / 1000;
  if (now > claims.exp + leeway) throw new IdTokenError('expired', 'the token has expired');
  if (claims.nbf !== undefined && claims.nbf > now + leeway) throw new IdTokenError('not_before', 'the token is not valid yet (nbf is in the future)');
  if (claims.iat > now + leeway) throw new IdTokenError('issued_at', 'the token claims to be issued in the future (iat)');
  if (options.nonce !== undefined && (claims.nonce === undefined || !sameString(claims.nonce, options.nonce))) {
    throw new IdTokenError('nonce', 'the token does not carry the nonce this app sent');
  }
  return claims;
}

/** The key a token names; a token without `kid` may use a set's only key. */
function pick(keys: KeySet, kid: string): CryptoKey | undefined {
  return keys.get(kid) ?? (kid === '' && keys.size === 1 ? [...keys.values()][0] : undefined);
}

function keysFor(url: string, options: AuthTransport, reload: boolean): Promise<KeySet> {
  const cached = keyCache.get(url);
  if (cached && !reload) return cached;
  if (cached && reload) {
    const running = reloading.get(url);
    if (running) return running;
    if ((quietUntil.get(url) ?? 0) > Date.now()) return cached;
  }
  const loading = loadKeys(url, options).then(async (keys) => {
    const before = cached && (await cached.catch(() => undefined));
    if (before && [...keys.keys()].every((kid) => before.has(kid))) quietUntil.set(url, Date.now() + RELOAD_EVERY);
    return keys;
  });
  keyCache.set(url, loading);
  if (cached) {
    reloading.set(url, loading);
    void loading.then(
      () => reloading.delete(url),
      () => reloading.delete(url),
    );
  }
  // A failed load is not kept: the next token tries again.
  loading.catch(() => keyCache.get(url) === loading && keyCache.delete(url));
  return loading;
}

async function loadKeys(url: string, options: AuthTransport): Promise<KeySet> {
  // oauthRequest resolves `url` against the base; an absolute URL stands as is.
  const jwks = await oauthRequest(options, url, {}, jwksSchema, []);
  const keys: KeySet = new Map();
  for (const jwk of jwks.keys) {
    if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e || (jwk.use && jwk.use !== 'sig')) continue;
    try {
      const key = await crypto.subtle.importKey(
        'jwk',
        { kty: 'RSA', n: jwk.n, e: jwk.e },
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        false,
        ['verify'],
      );
      keys.set(jwk.kid ?? '', key);
    } catch {
      // A key WebCrypto cannot import cannot have signed a token we accept; skip it.
    }
  }
  if (keys.size === 0) throw new AuthError({ error: 'invalid_jwks', description: 'the key set holds no usable RS256 key', source: 'oauth2/keys' });
  return keys;
}
