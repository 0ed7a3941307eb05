/**
 * Signed EventSub webhook requests, as Twitch sends them, for testing a webhook handler (a
 * Worker, `Deno.serve`, an Express route...) without Twitch: the body, Twitch's headers and the
 * HMAC-SHA256 signature over message id + timestamp + body.
 * @see https://dev.twitch.tv/docs/eventsub/handling-webhook-events/
 */

import type { TwitchState } from './state.js';

/** Options of {@link webhookRequest}. */
export interface WebhookRequestOptions {
  /** The secret the subscription was created with. */
  secret: string;
  /** `notification` (default), `webhook_callback_verification` or `revocation`. */
  messageType?: 'notification' | 'webhook_callback_verification' | 'revocation';
  /** Subscription type, e.g. `channel.follow`. */
  type: string;
  /** Default `1`. */
  version?: string;
  condition?: Record<string, string>;
  /** The event of a notification. */
  event?: object;
  /** Subscription status; default `enabled`, or `authorization_revoked` for a revocation. */
  status?: string;
  /** Default a random UUID; send the same id twice to test duplicate handling. */
  messageId?: string;
  /** Default now. */
  timestamp?: Date;
  /** Default a random UUID. */
  subscriptionId?: string;
  /** The challenge of a verification request. Default a random value. */
  challenge?: string;
  /** Sign with this secret instead (to test refusals). */
  signWith?: string;
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * A POST to `url` carrying `body`, with Twitch's EventSub headers and the HMAC-SHA256 signature
 * over message id + timestamp + body. `headers` adds the subscription type and version where the
 * message has them (a conduit shard's challenge has none).
 */
export async function signedWebhook(
  url: string | URL,
  message: { secret: string; messageType: string; messageId: string; timestamp: string; body: string; headers?: Record<string, string> },
): Promise<Request> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(message.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(message.messageId + message.timestamp + message.body));
  return new Request(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Twitch-Eventsub-Message-Id': message.messageId,
      'Twitch-Eventsub-Message-Retry': '0',
      'Twitch-Eventsub-Message-Type': message.messageType,
      'Twitch-Eventsub-Message-Signature': `sha256=${hex(signature)}`,
      'Twitch-Eventsub-Message-Timestamp': message.timestamp,
      ...message.headers,
    },
    body: message.body,
  });
}

/** Builds a `Request` to `url` that looks and is signed exactly like one from Twitch's EventSub. */
export async function webhookRequest(url: string | URL, options: WebhookRequestOptions): Promise<Request> {
  const messageType = options.messageType ?? 'notification';
  const messageId = options.messageId ?? crypto.randomUUID();
  const timestamp = (options.timestamp ?? new Date()).toISOString();
  const subscription = {
    id: options.subscriptionId ?? crypto.randomUUID(),
    status: options.status ?? (messageType === 'revocation' ? 'authorization_revoked' : messageType === 'notification' ? 'enabled' : 'webhook_callback_verification_pending'),
    type: options.type,
    version: options.version ?? '1',
    condition: options.condition ?? {},
    transport: { method: 'webhook', callback: String(url) },
    created_at: timestamp,
    cost: 0,
  };
  const body = JSON.stringify(
    messageType === 'notification'
      ? { subscription, event: options.event ?? {} }
      : messageType === 'webhook_callback_verification'
        ? { subscription, challenge: options.challenge ?? crypto.randomUUID() }
        : { subscription },
  );
  return signedWebhook(url, {
    secret: options.signWith ?? options.secret,
    messageType,
    messageId,
    timestamp,
    body,
    headers: { 'Twitch-Eventsub-Subscription-Type': options.type, 'Twitch-Eventsub-Subscription-Version': subscription.version },
  });
}

const PENDING = 'eventsub.webhook.pending';

function pendingOf(state: TwitchState): Set<Promise<unknown>> {
  let pending = state.extra.get(PENDING) as Set<Promise<unknown>> | undefined;
  if (!pending) state.extra.set(PENDING, (pending = new Set()));
  return pending;
}

/**
 * Sends a request built by `build` to the state's webhook sink and hands the answer (undefined
 * when the sink threw) to `then`; the whole exchange is tracked for {@link webhooksSettled}.
 */
export function postWebhook(state: TwitchState, build: () => Promise<Request>, then: (response: Response | undefined) => unknown): void {
  const sink = state.webhook;
  if (!sink) return;
  const pending = pendingOf(state);
  const exchange = (async () => {
    let response: Response | undefined;
    try {
      response = await sink(await build());
    } catch {
      // A callback that cannot be reached is a failed delivery, as on Twitch.
    }
    await then(response);
  })().catch(() => {});
  pending.add(exchange);
  void exchange.finally(() => pending.delete(exchange));
}

/** Resolves once every webhook request the fake started (and what follows from its answer) is done. */
export async function webhooksSettled(state: TwitchState): Promise<void> {
  const pending = pendingOf(state);
  while (pending.size) await Promise.allSettled([...pending]);
}
