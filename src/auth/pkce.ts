/**
 * PKCE (RFC 7636) with WebCrypto.
 *
 * Twitch does not support PKCE (twitchdev/issues#1097, 2025): a code exchange without
 * `client_secret` fails with `missing client secret`, so PKCE never replaces the secret there,
 * and Twitch documents no check of the challenge. PKCE hardens the server-side code flow with
 * OAuth servers that check it. Apps with no server (pages, overlays, extensions, TVs, CLIs) use
 * the implicit flow (`loginWithPopup`, `loginWithRedirect`) or the device code flow
 * (`startDeviceAuth`).
 * @see https://github.com/twitchdev/issues/issues/1097
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

/**
 * Makes a fresh verifier (43 characters, 256 bits) and its S256 challenge, for OAuth servers
 * that check PKCE; on Twitch the code exchange still needs the client secret (see above).
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export async function createPkce(): Promise<Pkce> {
  const verifier = randomString(32);
  return { verifier, challenge: await pkceChallenge(verifier), method: 'S256' };
}

/**
 * The S256 challenge of a verifier: base64url(SHA-256(verifier)). Twitch does not support PKCE
 * and never takes it in place of the client secret (twitchdev/issues#1097).
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
