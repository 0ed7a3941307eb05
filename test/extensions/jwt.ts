/**
 * Extension tokens made the way Twitch makes them, with node:crypto's HMAC: an implementation
 * independent of the WebCrypto code under test.
 */
import { createHmac } from 'node:crypto';

/** A base64 extension secret, as the developer console shows one (32 random-looking bytes). */
export const SECRET = Buffer.from('0123456789abcdef-extension-key!!').toString('base64');
/** The secret before the last rotation. */
export const OLD_SECRET = Buffer.from('an older extension secret, 32 b.').toString('base64');

export const NOW = Date.UTC(2026, 4, 1, 12, 0, 0);
export const NOW_S = NOW / 1000;

export const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** `header.payload.signature`, signed with HMAC-SHA256 (or `hash`) over the base64-decoded secret. */
export function makeToken(payload: unknown, options: { secret?: string; header?: unknown; hash?: string } = {}): string {
  const signed = `${part(options.header ?? { alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  const mac = createHmac(options.hash ?? 'sha256', Buffer.from(options.secret ?? SECRET, 'base64')).update(signed).digest('base64url');
  return `${signed}.${mac}`;
}

/** What a viewer's front end receives from `window.Twitch.ext.onAuthorized`. */
export const viewer = (extra: Record<string, unknown> = {}) => ({
  exp: NOW_S + 3600,
  opaque_user_id: 'U12345678',
  user_id: '12345678',
  channel_id: '87654321',
  role: 'viewer',
  is_unlinked: false,
  pubsub_perms: { listen: ['broadcast', 'whisper-U12345678', 'global'], send: ['whisper-*'] },
  ...extra,
});
