/**
 * PKCE (RFC 7636) with WebCrypto.
 *
 * Twitch does not accept PKCE in place of the client secret (twitchdev/issues #1097, 2025): a
 * code exchange still needs `client_secret`. Use PKCE to harden the server-side authorization
 * code flow (and with any OAuth server that supports it); apps with no server (pages, overlays,
 * extensions, TVs, CLIs) should use the implicit flow (`loginWithPopup`, `loginWithRedirect`)
 * or the device code flow (`startDeviceAuth`) instead.
 */
import { base64url, randomString } from './request.js';

/** A PKCE verifier and its S256 challenge. */
export interface Pkce {
  /** Keep this secret until the code exchange (`exchangeCode({ codeVerifier })`). */
  readonly verifier: string;
  /** Send this in the authorize URL (`authorizeUrl({ codeChallenge })`). */
  readonly challenge: string;
  readonly method: 'S256';
}

/** Makes a fresh verifier (43 characters, 256 bits) and its challenge. @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1 */
export async function createPkce(): Promise<Pkce> {
  const verifier = randomString(32);
  return { verifier, challenge: await pkceChallenge(verifier), method: 'S256' };
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)). @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2 */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
