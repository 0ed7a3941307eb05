/**
 * The small plumbing every auth flow shares: where Twitch's OAuth service lives, how a form is
 * posted to it, how its answers are checked, and random, URL-safe strings.
 */
import type { GenericSchema } from 'valibot';
import { readText } from '../body.js';
import { MAX_TIMER_MS } from '../sleep.js';
import { ValidationError } from '../errors.js';
import { check, validate } from '../validate.js';
import { AuthError } from './errors.js';

/** Options every auth function takes, so tests and the fake Twitch can stand in. */
export interface AuthTransport {
  /** The fetch to use. Default `globalThis.fetch`, read at call time. */
  fetch?: typeof fetch;
  /** Base URL of Twitch's OAuth service. Default `https://id.twitch.tv/oauth2/`. */
  authBaseUrl?: string;
  /**
   * Milliseconds to wait for each answer of the OAuth service before failing with a
   * `network_error` AuthError, so a hung id.twitch.tv cannot stall calls. Default 10000; 0 for none.
   */
  timeout?: number;
  /**
   * Called when a field of an OAuth answer that nothing relies on (e.g. a token answer's
   * `token_type`) has an unexpected type: the answer is used as received, and the report names
   * paths and types, never values. Default: one `console.warn` per answer and path.
   */
  onMismatch?: (error: ValidationError) => void;
}

/** How long an OAuth request may take by default. */
const DEFAULT_TIMEOUT = 10_000;

/**
 * The caller's signal (if any) combined with a timeout. As in the Helix client, 0, a negative or
 * NaN is none and past 2^31-1 ms is 2^31-1: Node throws on those, or fires the timer after 1 ms.
 */
function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal | undefined {
  if (typeof AbortSignal.timeout !== 'function' || !(ms > 0)) return signal;
  const timeout = AbortSignal.timeout(Math.min(Math.ceil(ms), MAX_TIMER_MS));
  if (!signal) return timeout;
  return typeof AbortSignal.any === 'function' ? AbortSignal.any([signal, timeout]) : signal;
}

/** Twitch's OAuth service. */
export const DEFAULT_AUTH_BASE_URL = 'https://id.twitch.tv/oauth2/';

/** Resolves `path` (e.g. `token`) below the OAuth base URL. */
export function authUrl(path: string, base: string = DEFAULT_AUTH_BASE_URL): URL {
  return new URL(path, base.endsWith('/') ? base : `${base}/`);
}

/**
 * Replaces every secret found in `text` with `[redacted]`, also in the percent- and
 * form-encoded spellings a server may echo back. Secrets shorter than 4 characters are skipped.
 */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])) {
      out = out.split(form).join('[redacted]');
    }
  }
  return out;
}

/** Longest `error` or description an AuthError keeps from a server; the rest is cut. */
const MAX_ERROR_TEXT = 300;

/**
 * A number of seconds from the network, made safe to become a timer: a finite `value` above 0
 * is kept within `[min, max]`; a missing, non-numeric, non-finite or non-positive one becomes `fallback`.
 */
export function seconds(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(Math.max(value, min), max) : fallback;
}

let warned: Set<string> | undefined;

/** The default `onMismatch`: one `console.warn` per answer and path per process. */
function warnMismatch(error: ValidationError): void {
  warned ??= new Set();
  for (const { path, message } of error.issues) {
    const key = `${error.source} ${path}`;
    if (warned.has(key)) continue;
    warned.add(key);
    console.warn(`helixkit: ${key}: ${message} (used as received; see the onMismatch option)`);
  }
}

/**
 * Sends one request to the OAuth service and returns its JSON, checked against `schema`, which
 * holds only what the caller cannot do without. A non-2xx answer becomes an {@link AuthError}
 * carrying Twitch's error code; `secrets` are wiped from anything Twitch echoes back. `extras`
 * checks the other fields: a mismatch there is reported to `onMismatch`, never thrown, since
 * refusing a token answer loses tokens Twitch already issued (and a spent refresh token).
 */
export async function oauthRequest<T>(
  options: AuthTransport,
  path: string,
  init: { method?: string; form?: Record<string, string | undefined>; headers?: Record<string, string>; signal?: AbortSignal },
  schema: GenericSchema<unknown, T> | undefined,
  secrets: readonly (string | undefined)[],
  extras?: GenericSchema,
): Promise<T> {
  const url = authUrl(path, options.authBaseUrl);
  const source = url.pathname.replace(/^\//, '');
  let body: URLSearchParams | undefined;
  if (init.form) {
    body = new URLSearchParams();
    for (const [key, value] of Object.entries(init.form)) if (value !== undefined) body.set(key, value);
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  let response: Response;
  let text: string;
  try {
    const signal = withTimeout(init.signal, options.timeout ?? DEFAULT_TIMEOUT);
    response = await doFetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), body, headers: init.headers, signal });
    // Inside the try: the timeout also covers a body that stops arriving. OAuth answers are
    // small; one over 1 MiB is not Twitch's and is not read further.
    const read = await readText(response, 1024 * 1024);
    if (read === undefined) throw new Error('the answer is over 1 MiB');
    text = read;
  } catch (error) {
    // The caller's own abort stays an AbortError; a timeout becomes a network_error below.
    if (init.signal?.aborted || (error instanceof Error && error.name === 'AbortError' && !isTimeout(error))) throw error;
    // Only the failure's message, scrubbed: the error object itself (its cause, a request it
    // may hold) is not kept.
    const message = error instanceof Error ? error.message : String(error);
    throw new AuthError({ error: 'network_error', description: scrub(message, secrets).slice(0, MAX_ERROR_TEXT), source });
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok) throw errorFromBody(response.status, json, source, secrets);
  if (!schema) return undefined as T;
  if (json === undefined) {
    throw new ValidationError(source, [{ path: '', message: 'the response is not JSON' }]);
  }
  let value: T;
  try {
    value = validate(schema, json, source);
  } catch (error) {
    // A token answer that fails its schema still holds fresh tokens: the error carries no body,
    // and its messages lose every string the answer held and every secret that was sent.
    if (!(error instanceof ValidationError)) throw error;
    const hidden = [...secrets, ...stringsIn(json)];
    throw new ValidationError(source, error.issues.map(({ path, message }) => ({ path, message: scrub(message, hidden) })));
  }
  // The report carries paths and types only: no body (it holds tokens).
  const mismatch = extras && check(extras, json, source, '', null);
  if (mismatch) {
    try {
      (options.onMismatch ?? warnMismatch)(mismatch);
    } catch {
      // A failing reporter must not cost the caller the tokens.
    }
  }
  return value;
}

/** Every string inside a JSON value (object values, array items), to scrub from messages. */
function stringsIn(value: unknown, found: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') found.push(value);
  else if (typeof value === 'object' && value !== null && depth < 8) {
    for (const item of Object.values(value)) stringsIn(item, found, depth + 1);
  }
  return found;
}

function isTimeout(error: Error): boolean {
  return error.name === 'TimeoutError' || (error as { cause?: { name?: unknown } }).cause?.name === 'TimeoutError';
}

/**
 * Twitch answers OAuth errors as `{ status, message }` (e.g. `authorization_pending`,
 * `Invalid refresh token`), or in RFC 6749's `{ error, error_description }`; both are read.
 */
function errorFromBody(status: number, json: unknown, source: string, secrets: readonly (string | undefined)[]): AuthError {
  const body = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  // Scrubbed before it is cut, so a cut cannot leave part of a secret behind.
  const text = (value: unknown) => (typeof value === 'string' ? scrub(value, secrets).slice(0, MAX_ERROR_TEXT) : undefined);
  const code = text(body.error) ?? text(body.message) ?? `http_${status}`;
  const description = text(body.error_description) ?? (body.error !== undefined ? text(body.message) : undefined);
  return new AuthError({ error: code, description, status, source });
}

/** Encodes bytes as base64url without padding (RFC 4648 §5). */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url (padding optional) to bytes; throws on characters outside the alphabet. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A random, URL-safe string from `crypto.getRandomValues` (`bytes` of entropy). */
export function randomString(bytes = 16): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Normalises Twitch's `scope` field (an array, or a space-separated string) to an array. */
export function scopeList(scope: readonly string[] | string | null | undefined): string[] {
  if (!scope) return [];
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [...scope];
}
