// The public surface of `helixkit/webhooks`: re-exports only.
export {
  createWebhookHandler,
  memorySeen,
  subscribeWebhook,
  verifyEventSubRequest,
  WebhookError,
} from './eventsub/webhooks.js';
export { unknownType } from './eventsub/messages.js';
export type {
  EventHandler,
  EventHandlers,
  MemorySeenOptions,
  SeenStore,
  SubscribeWebhookOptions,
  VerifyOptions,
  WebhookHandler,
  WebhookErrorCode,
  WebhookHandlerOptions,
  WebhookMessage,
} from './eventsub/webhooks.js';
export type { EventSubTypeName, UnknownEventSubType } from './eventsub/messages.js';
