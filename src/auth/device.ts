/**
 * The device code flow, for apps with no server and no browser redirect: TVs, CLIs, desktop
 * apps, extensions. The user opens Twitch's activation page elsewhere; the app polls.
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#device-code-grant-flow
 */
import { looseObject, string, unknown } from 'valibot';
import type { RequestScope } from './authorize.js';
import { AuthError } from './errors.js';
import { sleep } from '../sleep.js';
import { oauthRequest, seconds, type AuthTransport } from './request.js';
import { tokenExtrasSchema, tokenResponseSchema, type TokenResponse } from './server.js';

/** Twitch's answer to a device authorization request. Field names are Twitch's. */
export interface DeviceAuth {
  /** Pass to {@link pollDeviceToken}; keep it private. */
  device_code: string;
  /** Show this to the user. */
  user_code: string;
  /** Send the user here (the code is already in it). */
  verification_uri: string;
  /** Seconds until the codes expire: Twitch's value kept within 1–3600; 1800 when missing, non-finite or ≤ 0. */
  expires_in: number;
  /** Seconds to wait between polls: Twitch's value kept within 1–60; 5 when missing, non-finite or ≤ 0. */
  interval: number;
}

// The numbers are range-checked in code (see `pollInterval`, `deviceLifetime`), not refused here.
const deviceSchema = /* @__PURE__ */ looseObject({
  device_code: string(),
  user_code: string(),
  verification_uri: string(),
  expires_in: unknown(),
  interval: unknown(),
});

/** Poll interval bounds in seconds (RFC 8628 §3.2 defaults to 5). */
const INTERVAL = { fallback: 5, min: 1, max: 60 };
/** Device code lifetime bounds in seconds (Twitch's codes last 1800). */
const LIFETIME = { fallback: 1800, min: 1, max: 3600 };

/** A server's (or caller's) poll interval, made safe: within 1–60 s; 5 s when absurd. */
const pollInterval = (value: unknown) => seconds(value, INTERVAL.fallback, INTERVAL.min, INTERVAL.max);
/** A device code lifetime, made safe: within 1–3600 s; 1800 s when absurd. */
const deviceLifetime = (value: unknown) => seconds(value, LIFETIME.fallback, LIFETIME.min, LIFETIME.max);

/** Options of {@link startDeviceAuth}. */
export interface StartDeviceAuthOptions extends AuthTransport {
  clientId: string;
  scopes: readonly RequestScope[];
  signal?: AbortSignal;
}

/**
 * Starts a device code login: returns the code to show and where the user enters it, with
 * `interval` and `expires_in` range-checked (see {@link DeviceAuth}).
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#device-code-grant-flow
 */
export async function startDeviceAuth(options: StartDeviceAuthOptions): Promise<DeviceAuth> {
  const found = await oauthRequest(
    options,
    'device',
    { form: { client_id: options.clientId, scopes: options.scopes.join(' ') }, signal: options.signal },
    deviceSchema,
    [],
  );
  return { ...found, interval: pollInterval(found.interval), expires_in: deviceLifetime(found.expires_in) };
}

/** Options of {@link pollDeviceToken}. */
export interface PollDeviceTokenOptions extends AuthTransport {
  clientId: string;
  /** `device_code` from {@link startDeviceAuth}. */
  deviceCode: string;
  /** Seconds between polls (`interval` from {@link startDeviceAuth}): kept within 1–60; default (and for NaN, Infinity, ≤ 0) 5. */
  interval?: number;
  /** The scopes asked for in {@link startDeviceAuth}. */
  scopes: readonly RequestScope[];
  /**
   * Seconds until the device code expires (`expires_in`); polling stops then. Kept within
   * 1–3600; default (and for NaN, Infinity, ≤ 0) 1800, the lifetime of Twitch's codes.
   */
  expiresIn?: number;
  /** Stops polling; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: each `slow_down` adds five seconds to the interval (still at most 60). */
const SLOW_DOWN_STEP = 5;

/**
 * Polls until the user approves, then resolves the token. Waits `interval` seconds before each
 * poll and keeps waiting on `authorization_pending`; `slow_down` (or a 429) adds 5 s, up to 60 s.
 * A transient failure (5xx, network error, timeout) is retried at the same interval until the
 * code expires. Rejects with an {@link AuthError} on a real refusal (`access_denied`, an invalid
 * client, …) and with `expired_token` when the code expires.
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#device-code-grant-flow
 */
export async function pollDeviceToken(options: PollDeviceTokenOptions): Promise<TokenResponse> {
  const { signal } = options;
  let interval = pollInterval(options.interval);
  const deadline = Date.now() + deviceLifetime(options.expiresIn) * 1000;
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
        tokenExtrasSchema,
      );
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const code = error.error.toLowerCase();
      if (code === 'authorization_pending') continue;
      // Twitch may fail for a moment; the code stays good until it expires.
      if (error.status >= 500 || code === 'network_error') continue;
      if (code === 'slow_down' || error.status === 429) {
        interval = Math.min(interval + SLOW_DOWN_STEP, INTERVAL.max);
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
