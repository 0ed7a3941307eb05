// The public surface of `helixkit/testing`: re-exports only. The loopback server lives apart,
// in `helixkit/testing/server`, because it needs Node.
export { createMockTwitch } from './mock.js';
export type { FromOption, MockTokens, MockTwitch, MockTwitchOptions } from './mock.js';
export {
  ALL_SCOPES,
  addUser,
  createState,
  defaultRewardImage,
  endStream,
  startStream,
  takeRateLimit,
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
  BanRecord,
  BlockedTermRecord,
  ChannelRecord,
  ChatMessageRecord,
  ChatSettingsRecord,
  ClipRecord,
  ConduitRecord,
  ConduitShardRecord,
  CustomRewardRecord,
  EventSubSubscriptionRecord,
  EventSubTransportRecord,
  GameRecord,
  ImageSet,
  IssueTokenOptions,
  MembershipRecord,
  PollRecord,
  PredictionOutcomeRecord,
  PredictionRecord,
  RateBucket,
  RateLimitSettings,
  RedemptionRecord,
  ResponseShapes,
  ScheduleSegmentRecord,
  ScheduleSettingsRecord,
  StreamMarkerRecord,
  StreamRecord,
  UnbanRequestRecord,
  VideoRecord,
  SeededUsers,
  StateOptions,
  TokenRecord,
  TwitchState,
  UserRecord,
} from './state.js';
export { helixEndpoints, helixHandlers } from './helix.js';
export type { HelixHandlerOptions } from './helix.js';
// For writing your own handlers on top of the fake's state.
export { HelixFault } from './helix-context.js';
export type { HelixContext, RouteHandler } from './helix-context.js';
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
