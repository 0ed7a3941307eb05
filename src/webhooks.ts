// The public surface of `helixkit/webhooks`: re-exports only.
export {
  createWebhookHandler,
  memorySeen,
  subscribeWebhook,
  verifyEventSubRequest,
} from './eventsub/webhooks.js';
export type {
  EventHandler,
  EventHandlers,
  MemorySeenOptions,
  SeenStore,
  SubscribeWebhookOptions,
  VerifyOptions,
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookMessage,
} from './eventsub/webhooks.js';
