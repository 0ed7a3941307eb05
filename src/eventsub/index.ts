// The public surface of `helixkit/eventsub`: re-exports only.
export {
  CLOSE_CODES,
  EVENTSUB_WS_URL,
  EventSubError,
  EventSubSocket,
  MAX_SOCKETS_PER_TOKEN,
  MAX_SUBSCRIPTIONS_PER_SOCKET,
} from './socket.js';
export { events, waitFor } from './listen.js';
export { attachToConduit } from './conduits.js';
export type {
  EventSubErrorCode,
  EventSubSocketEventName,
  EventSubSocketEvents,
  EventSubSocketOptions,
  EventSubSocketState,
  EventSubSocketValue,
  ReconnectReason,
  WebSocketConstructor,
} from './socket.js';
export {
  findSchema,
  unknownType,
  isFrameOf,
  isNotificationOf,
  parseEventSubFrame,
  parseEventSubMessage,
  parseEventSubWebhookBody,
} from './messages.js';
export type {
  ConditionOf,
  EventOf,
  EventSubFrame,
  EventSubKeepaliveMessage,
  EventSubMessage,
  EventSubMessageType,
  EventSubMetadata,
  EventSubNotificationMessage,
  EventSubReconnectMessage,
  EventSubRevocationMessage,
  EventSubSchema,
  EventSubSchemas,
  EventSubSession,
  EventSubSubscription,
  EventSubTransport,
  EventSubTypeName,
  EventSubTypeShape,
  EventSubShardChallenge,
  EventSubWebhookBody,
  EventSubWelcomeMessage,
  FrameOf,
  ParseOptions,
  SubscribeOptionsFor,
  UnknownEventSubType,
  VersionOption,
} from './messages.js';
export { checkCondition, typeInfo } from './versions.js';
export type { ConditionField, TypeInfo } from './versions.js';
export type * from './types.js';
export type { Log, LogEntry, LogSource } from '../log.js';
export * from './schemas.js';
// Conduits and subscriptions over Helix, so one import serves an EventSub program.
export {
  createConduits,
  deleteConduit,
  getConduits,
  getConduitShards,
  updateConduits,
  updateConduitShards,
} from '../helix/conduits.js';
export { createEventSubSubscription, deleteEventSubSubscription, getEventSubSubscriptions } from '../helix/eventsub.js';
