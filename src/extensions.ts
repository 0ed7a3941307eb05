/**
 * Twitch Extension backends (EBS): checking the JWT an extension's front end sends, and signing
 * the JWT an EBS sends to Helix's extension endpoints. HS256 with the extension secret on
 * WebCrypto only, so the same code runs in a Worker, Deno, Bun or Node.
 * @see https://dev.twitch.tv/docs/extensions/reference/#jwt-schema
 */
import { InputError, TwitchError } from './errors.js';

/** Who a token speaks for: a front end's viewer, moderator or broadcaster, or an EBS (`external`). */
export type ExtensionRole = 'broadcaster' | 'moderator' | 'viewer' | 'external';

/** PubSub targets a token may listen to or send to: `broadcast`, `global`, `whisper-<id>`, `*`. */
export interface ExtensionPubSubPerms {
  listen?: string[];
  send?: string[];
}

interface ClaimsBase {
  /** Expiry, in seconds since the epoch. */
  exp: number;
  iat?: number;
  nbf?: number;
  [claim: string]: unknown;
}

/** What a front end's token (from `window.Twitch.ext.onAuthorized`) carries. */
export interface ExtensionViewerClaims extends ClaimsBase {
  role: 'broadcaster' | 'moderator' | 'viewer';
  /** `U…` for a logged-in user (stable), `A…` for an anonymous session (not stable: keep no data on it). */
  opaque_user_id: string;
  /** The Twitch user id; present only when the viewer shared their identity with the extension. */
  user_id?: string;
  /** The channel the extension is shown on. */
  channel_id: string;
  /** Twitch's identity-link flag for this viewer. */
  is_unlinked: boolean;
  pubsub_perms: ExtensionPubSubPerms;
}

/** What an EBS-signed token (role `external`) carries. */
export interface ExtensionExternalClaims extends ClaimsBase {
  role: 'external';
  /** The extension owner's user id, when the token is meant for Helix. */
  user_id?: string;
  /** A channel id, or `all` for global PubSub messages. */
  channel_id?: string;
  opaque_user_id?: string;
  is_unlinked?: boolean;
  pubsub_perms?: ExtensionPubSubPerms;
}

/** A verified extension token's payload; narrow on `role` for the front-end fields. */
export type ExtensionJwtPayload = ExtensionViewerClaims | ExtensionExternalClaims;

/**
 * Why a token was refused. `malformed`: not a compact JWT of base64url JSON, or over 4096
 * characters; `algorithm`: not HS256 (`none` included), or a `crit` header; `signature`: made
 * with none of the secrets; `expired`, `not_before`, `issued_at`: outside its times (with leeway);
 * `claims`: a field missing or of the wrong type.
 */
export type ExtensionJwtReason = 'malformed' | 'algorithm' | 'signature' | 'expired' | 'not_before' | 'issued_at' | 'claims';

/** An extension JWT was refused; `reason` says which check. Holds neither the token nor the secret. */
export class ExtensionJwtError extends TwitchError {
  override name = 'ExtensionJwtError';
  constructor(readonly reason: ExtensionJwtReason) {
    super(`extension token refused (${reason})`);
  }
}

/** Options of {@link verifyExtensionJwt}. */
export interface VerifyExtensionJwtOptions {
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat` (a finite number ≥ 0). Default 60. */
  leeway?: number;
  /** The current time in milliseconds. Default `Date.now()`. */
  now?: number;
}

/** Front-end tokens are a few hundred characters; anything far longer is not Twitch's. */
const MAX_TOKEN = 4096;
/** Latest NumericDate taken as sane: 9999-12-31T23:59:59Z, in seconds. */
const MAX_TIME = 253_402_300_799;
const ROLES = ['broadcaster', 'moderator', 'viewer', 'external'];

const utf8 = (text: string) => new TextEncoder().encode(text);

function toBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Strict base64url: its alphabet only, no padding, and the one canonical spelling (re-encoding
 * gives it back), so a token has exactly one form.
 */
function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[\w-]*$/.test(text) || text.length % 4 === 1) return;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return toBase64url(bytes) === text ? bytes : undefined;
}

/** A JSON object (not an array, not null), or undefined. */
function jsonObject(part: string): Record<string, unknown> | undefined {
  const bytes = fromBase64url(part);
  try {
    const value: unknown = bytes && JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** HMAC keys from Twitch's base64 extension secrets (standard or URL-safe alphabet). */
function importKeys(secret: string | readonly string[], usage: 'sign' | 'verify'): Promise<CryptoKey[]> {
  const list = typeof secret === 'string' ? [secret] : secret;
  if (!Array.isArray(list) || !list.length) throw new InputError('secret', 'give the extension secret (base64), or a list of them');
  return Promise.all(
    list.map((one) => {
      let bytes: Uint8Array<ArrayBuffer> | undefined;
      try {
        if (typeof one === 'string' && /^[\w+/-]+={0,2}$/.test(one)) bytes = Uint8Array.from(atob(one.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      } catch {
        // reported below
      }
      // The message names the rule only: the secret itself never goes into an error.
      if (!bytes) throw new InputError('secret', 'must be the base64 extension secret from the developer console or Get Extension Secrets');
      return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
    }),
  );
}

const isTime = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value <= MAX_TIME;
const isStrings = (value: unknown) => value === undefined || (Array.isArray(value) && value.every((item) => typeof item === 'string'));

/** Whether each field has the type its role promises (front-end tokens carry all of theirs). */
function claimsFit(payload: Record<string, unknown>): boolean {
  const { role, exp, iat, nbf, opaque_user_id, user_id, channel_id, is_unlinked, pubsub_perms: perms } = payload;
  const external = role === 'external';
  const has = (value: unknown, type: string) => typeof value === type || (external && value === undefined);
  return (
    ROLES.includes(role as string) &&
    isTime(exp) &&
    (iat === undefined || isTime(iat)) &&
    (nbf === undefined || isTime(nbf)) &&
    (user_id === undefined || typeof user_id === 'string') &&
    has(opaque_user_id, 'string') &&
    has(channel_id, 'string') &&
    has(is_unlinked, 'boolean') &&
    has(perms, 'object') &&
    (perms === undefined || (perms !== null && !Array.isArray(perms) && isStrings((perms as ExtensionPubSubPerms).listen) && isStrings((perms as ExtensionPubSubPerms).send)))
  );
}

/**
 * Verifies the JWT an extension's front end sends to your EBS (from `window.Twitch.ext.onAuthorized`,
 * usually as `Authorization: Bearer <jwt>`; a leading `Bearer ` is accepted) and returns its payload.
 * `secret` is the base64 extension secret, or several (after a rotation Twitch keeps more than one
 * valid). Checks: at most 4096 characters of strict base64url JSON; `alg` HS256 and nothing else;
 * the HMAC (WebCrypto, constant time); `exp` required and not passed, `nbf` and `iat` not in the
 * future, each give or take `leeway`; the fields of its role. Rejects with
 * {@link ExtensionJwtError}, or `InputError` for a secret that is not base64.
 * @see https://dev.twitch.tv/docs/extensions/reference/#jwt-schema
 */
export async function verifyExtensionJwt(
  token: string,
  secret: string | readonly string[],
  options: VerifyExtensionJwtOptions = {},
): Promise<ExtensionJwtPayload> {
  const leeway = options.leeway ?? 60;
  if (!(Number.isFinite(leeway) && leeway >= 0)) throw new InputError('leeway', 'must be a finite number of seconds, 0 or more');
  const keys = importKeys(secret, 'verify');
  const fail = (reason: ExtensionJwtReason) => {
    // Settled keys first: a bad secret must still surface as its InputError.
    return keys.then(() => Promise.reject(new ExtensionJwtError(reason)));
  };
  const jwt = typeof token === 'string' ? token.replace(/^Bearer +/i, '') : '';
  const parts = jwt.length <= MAX_TOKEN ? jwt.split('.') : [];
  const header = parts.length === 3 ? jsonObject(parts[0]!) : undefined;
  const payload = header && jsonObject(parts[1]!);
  const signature = payload && fromBase64url(parts[2]!);
  if (!signature) return fail('malformed');
  if (header!.alg !== 'HS256' || header!.crit !== undefined) return fail('algorithm');

  const signed = utf8(`${parts[0]}.${parts[1]}`);
  let valid = false;
  for (const key of await keys) if ((valid = await crypto.subtle.verify('HMAC', key, signature, signed))) break;
  if (!valid) return fail('signature');

  if (!claimsFit(payload)) return fail('claims');
  const now = (options.now ?? Date.now()) / 1000;
  if (now > (payload.exp as number) + leeway) return fail('expired');
  if ((payload.nbf as number) > now + leeway) return fail('not_before');
  if ((payload.iat as number) > now + leeway) return fail('issued_at');
  return payload as ExtensionJwtPayload;
}

/** What {@link signExtensionJwt} signs: `user_id` is required, the rest is added to the payload as given. */
export interface ExtensionJwtClaims {
  /** The extension owner's user id (Helix matches it against the extension). */
  user_id: string;
  /** A channel id for PubSub to one channel, `all` for global messages. */
  channel_id?: string;
  /** E.g. `{ send: ['broadcast'] }` for one channel, `{ send: ['global'] }` with `channel_id: 'all'`. */
  pubsub_perms?: ExtensionPubSubPerms;
  /** Default `external`, the role Helix's extension endpoints ask for. */
  role?: ExtensionRole;
  /** Expiry in seconds since the epoch; default now + `expiresIn`. */
  exp?: number;
  [claim: string]: unknown;
}

/** Options of {@link signExtensionJwt}. */
export interface SignExtensionJwtOptions {
  /** Seconds the token stays valid when the payload has no `exp`: 1 to 86400. Default 180 (3 minutes). */
  expiresIn?: number;
  /** The current time in milliseconds. Default `Date.now()`. */
  now?: number;
}

/**
 * Signs an EBS token (HS256 with the base64 extension secret) for Helix's extension endpoints,
 * such as `sendExtensionPubsubMessage`: send it as the bearer token with the extension's client
 * id. Adds `role: 'external'` and `exp` (3 minutes ahead) unless the payload sets them; keep
 * tokens short-lived and sign a fresh one per call or two.
 * @see https://dev.twitch.tv/docs/extensions/building/#signing-the-jwt
 */
export async function signExtensionJwt(claims: ExtensionJwtClaims, secret: string, options: SignExtensionJwtOptions = {}): Promise<string> {
  const { expiresIn = 180, now = Date.now() } = options;
  if (!(expiresIn >= 1 && expiresIn <= 86_400)) throw new InputError('expiresIn', 'must be a number of seconds from 1 to 86400');
  if (typeof claims?.user_id !== 'string' || !claims.user_id) throw new InputError('user_id', "required: the extension owner's user id, as a string");
  const [key] = await importKeys(secret, 'sign');
  const body = { exp: Math.floor(now / 1000) + expiresIn, role: 'external', ...claims };
  if (!isTime(body.exp)) throw new InputError('exp', 'must be a time in seconds since the epoch');
  const signed = `${toBase64url(utf8('{"alg":"HS256","typ":"JWT"}'))}.${toBase64url(utf8(JSON.stringify(body)))}`;
  return `${signed}.${toBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', key!, utf8(signed))))}`;
}
