/** Builds webhook requests the way Twitch signs them, for tests in every runtime (WebCrypto only). */

export const SECRET = 'test-secret-0123456789';
export const CALLBACK = 'https://example.com/eventsub';

export type MessageKind = 'notification' | 'webhook_callback_verification' | 'revocation';

export interface SignOptions {
  secret?: string;
  kind?: MessageKind | string;
  id?: string;
  /** RFC3339; default now with nanoseconds, as Twitch sends it. */
  timestamp?: string;
  /** Replace the computed signature header. */
  signature?: string | null;
  retry?: number;
  method?: string;
  url?: string;
}

/** Twitch's timestamp format: RFC3339 with nine fraction digits. */
export function twitchTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1234567Z');
}

export async function hmacHex(secret: string, text: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, text as Uint8Array<ArrayBuffer>));
  return [...mac].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

let counter = 0;
export const newId = () => `msg-${Date.now()}-${++counter}`;

/** A request signed with `secret` over id + timestamp + the exact body bytes. */
export async function signedRequest(body: string | object, options: SignOptions = {}): Promise<Request> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const id = options.id ?? newId();
  const timestamp = options.timestamp ?? twitchTime(Date.now());
  const bytes = new TextEncoder().encode(id + timestamp + text);
  const signature =
    options.signature === undefined ? `sha256=${await hmacHex(options.secret ?? SECRET, bytes)}` : options.signature;
  const headers = new Headers({
    'Content-Type': 'application/json',
    'Twitch-Eventsub-Message-Id': id,
    'Twitch-Eventsub-Message-Timestamp': timestamp,
    'Twitch-Eventsub-Message-Type': options.kind ?? 'notification',
    'Twitch-Eventsub-Message-Retry': String(options.retry ?? 0),
    'Twitch-Eventsub-Subscription-Type': 'channel.follow',
    'Twitch-Eventsub-Subscription-Version': '2',
  });
  if (signature !== null) headers.set('Twitch-Eventsub-Message-Signature', signature);
  return new Request(options.url ?? CALLBACK, { method: options.method ?? 'POST', headers, body: text });
}

export function subscription(type = 'channel.follow', status = 'enabled') {
  return {
    id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
    status,
    type,
    version: type === 'channel.follow' ? '2' : '1',
    cost: 0,
    condition: { broadcaster_user_id: '1337', moderator_user_id: '1337' },
    transport: { method: 'webhook', callback: CALLBACK },
    created_at: '2019-11-16T10:11:12.634234626Z',
  };
}

export function followEvent(login = 'cool_user') {
  return {
    user_id: '1234',
    user_login: login,
    user_name: login.replace(/^./, (c) => c.toUpperCase()),
    broadcaster_user_id: '1337',
    broadcaster_user_login: 'cooler_user',
    broadcaster_user_name: 'Cooler_User',
    followed_at: '2020-07-15T18:16:11.17106713Z',
  };
}

export const followNotification = (login?: string) => ({ subscription: subscription(), event: followEvent(login) });
