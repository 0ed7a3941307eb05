/**
 * The device code flow, for apps with no server and no browser redirect: TVs, CLIs, desktop
 * apps, extensions. The user opens Twitch's activation page elsewhere; the app polls.
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#device-code-grant-flow
 */
import { looseObject, number, optional, string } from 'valibot';
import type { RequestScope } from './authorize.js';
import { AuthError } from './errors.js';
import { oauthRequest, type AuthTransport } from './request.js';
import { tokenResponseSchema, type TokenResponse } from './server.js';

/** Twitch's answer to a device authorization request. Field names are Twitch's. */
export interface DeviceAuth {
  /** Pass to {@link pollDeviceToken}; keep it private. */
  device_code: string;
  /** Show this to the user. */
  user_code: string;
  /** Send the user here (the code is already in it). */
  verification_uri: string;
  /** Seconds until the codes expire. */
  expires_in: number;
  /** Seconds to wait between polls. */
  interval: number;
}

const deviceSchema = /* @__PURE__ */ looseObject({
  device_code: string(),
  user_code: string(),
  verification_uri: string(),
  expires_in: number(),
  interval: optional(number(), 5),
});

/** Options of {@link startDeviceAuth}. */
export interface StartDeviceAuthOptions extends AuthTransport {
  clientId: string;
  scopes: readonly RequestScope[];
  signal?: AbortSignal;
}

/** Starts a device code login: returns the code to show and where the user enters it. @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#device-code-grant-flow */
export async function startDeviceAuth(options: StartDeviceAuthOptions): Promise<DeviceAuth> {
  const found = await oauthRequest(
    options,
    'device',
    { form: { client_id: options.clientId, scopes: options.scopes.join(' ') }, signal: options.signal },
    deviceSchema,
    [],
  );
  return found;
}

/** Options of {@link pollDeviceToken}. */
export interface PollDeviceTokenOptions extends AuthTransport {
  clientId: string;
  /** `device_code` from {@link startDeviceAuth}. */
  deviceCode: string;
  /** Seconds between polls (`interval` from {@link startDeviceAuth}). Default 5. */
  interval?: number;
  /** The scopes asked for in {@link startDeviceAuth}. */
  scopes: readonly RequestScope[];
  /** Seconds until the device code expires (`expires_in`); polling stops then. Default: until Twitch says so. */
  expiresIn?: number;
  /** Stops polling; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: each `slow_down` adds five seconds to the interval. */
const SLOW_DOWN_STEP = 5;

/**
 * Polls until the user approves, then resolves the token. Waits `interval` seconds before each
 * poll, keeps waiting on `authorization_pending`, adds 5 s on `slow_down`, and rejects with an
 * {@link AuthError} (`expired_token`, `access_denied`, …) when Twitch gives up or the code expires.
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#device-code-grant-flow
 */
export async function pollDeviceToken(options: PollDeviceTokenOptions): Promise<TokenResponse> {
  const { signal } = options;
  let interval = Math.max(options.interval ?? 5, 1);
  const deadline = options.expiresIn !== undefined ? Date.now() + options.expiresIn * 1000 : Infinity;
  for (;;) {
    if (Date.now() + interval * 1000 > deadline) throw expired();
    await sleep(interval * 1000, signal);
    try {
      return await oauthRequest(
        options,
        'token',
        {
          form: {
            client_id: options.clientId,
            scopes: options.scopes.join(' '),
            device_code: options.deviceCode,
            grant_type: DEVICE_GRANT,
          },
          signal,
        },
        tokenResponseSchema,
        [options.deviceCode],
      );
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const code = error.error.toLowerCase();
      if (code === 'authorization_pending') continue;
      if (code === 'slow_down') {
        interval += SLOW_DOWN_STEP;
        continue;
      }
      // Twitch answers an expired or already used device code with `invalid device code`.
      if (code === 'expired_token' || code === 'invalid device code') throw expired();
      throw error;
    }
  }
}

function expired(): AuthError {
  return new AuthError({ error: 'expired_token', description: 'the device code expired before the user approved it', source: 'oauth2/token' });
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
