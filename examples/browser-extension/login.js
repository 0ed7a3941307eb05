// Sign-in with Twitch's device flow, the flow meant for apps that cannot keep a secret and have
// no redirect page of their own: the extension shows a short code, the user enters it at
// twitch.tv/activate, and the extension polls until Twitch hands over the token.
import { pollDeviceToken, revokeToken, startDeviceAuth, validateToken } from 'helixkit';

export const SCOPES = ['user:read:follows'];
const KEY = 'twitch';

/**
 * Runs the device flow. `onCode({ user_code, verification_uri })` is called once, to show the
 * code; resolves with the signed-in user after storing the token in `storage`
 * (`chrome.storage.local`, or anything with the same `get`/`set`/`remove`).
 */
export async function signIn({ clientId, storage, onCode, signal, authBaseUrl }) {
  const transport = authBaseUrl ? { authBaseUrl } : {};
  const device = await startDeviceAuth({ clientId, scopes: SCOPES, signal, ...transport });
  onCode({ user_code: device.user_code, verification_uri: device.verification_uri });
  const token = await pollDeviceToken({
    clientId,
    deviceCode: device.device_code,
    interval: device.interval,
    expiresIn: device.expires_in,
    scopes: SCOPES,
    signal,
    ...transport,
  });
  // Whose token is it? Validation also tells the scopes Twitch actually granted.
  const who = await validateToken(token.access_token, transport);
  const session = { access_token: token.access_token, refresh_token: token.refresh_token, user_id: who.user_id, login: who.login };
  await storage.set({ [KEY]: session });
  return { id: who.user_id, login: who.login };
}

/** The stored session, or undefined when signed out. */
export async function currentSession(storage) {
  return (await storage.get(KEY))[KEY];
}

/** Forgets the session and revokes its token at Twitch. */
export async function signOut({ clientId, storage, authBaseUrl }) {
  const session = await currentSession(storage);
  await storage.remove(KEY);
  if (session) await revokeToken({ clientId, token: session.access_token, ...(authBaseUrl ? { authBaseUrl } : {}) }).catch(() => {});
}
