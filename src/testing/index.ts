// The public surface of `helixkit/testing`: re-exports only. The loopback server lives apart,
// in `helixkit/testing/server`, because it needs Node.
export { createMockTwitch } from './mock.js';
export type { FromOption, MockTokens, MockTwitch, MockTwitchOptions } from './mock.js';
export {
  ALL_SCOPES,
  createState,
  findToken,
  isoTime,
  issueToken,
  randomNumericId,
  randomString,
  randomUuid,
  revokeToken,
  setRateLimit,
} from './state.js';
export type {
  EventSubSubscriptionRecord,
  IssueTokenOptions,
  SeededUsers,
  StateOptions,
  TokenRecord,
  TwitchState,
  UserRecord,
} from './state.js';
export { helixEndpoints, helixHandlers } from './helix.js';
export type { HelixHandlerOptions } from './helix.js';
export { oauthFake, oauthHandlers } from './oauth.js';
export type { OAuthFake, OAuthHandlerOptions, PendingCode, PendingDevice } from './oauth.js';
export { eventsubSessions, eventsubWs } from './eventsub-ws.js';
export type {
  EventSubWsControls,
  EventSubWsOptions,
  FakeConnection,
  FakeEventSubWs,
  FakeSessionRecord,
  SentFrame,
} from './eventsub-ws.js';
export { sampleFromSchema } from './sample.js';
export { webhookRequest } from './webhook.js';
export type { WebhookRequestOptions } from './webhook.js';
export { chatIrc } from './irc.js';
export type { ChatIrcOptions, FakeChatIrc } from './irc.js';
