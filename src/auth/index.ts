// The public surface of `helixkit/auth`: re-exports only.
export { authorizeUrl, createState, parseRedirect } from './authorize.js';
export type { AuthorizeOptions, LoginResult, LoginResultFor, ParseRedirectOptions, RequestScope, ResponseType } from './authorize.js';
export { loginWithPopup, POPUP_CHANNEL } from './popup.js';
export type { PopupHost, PopupLoginOptions, PopupMessage } from './popup.js';
export { completeLogin, loginWithRedirect } from './redirect.js';
export type { CompleteLoginOptions, RedirectLoginOptions } from './redirect.js';
export { pollDeviceToken, startDeviceAuth } from './device.js';
export type { DeviceAuth, PollDeviceTokenOptions, StartDeviceAuthOptions } from './device.js';
export { createPkce, pkceChallenge } from './pkce.js';
export type { Pkce } from './pkce.js';
export { appToken, exchangeCode, refreshToken, revokeToken, validateToken } from './server.js';
export type {
  AppTokenOptions,
  ExchangeCodeOptions,
  RefreshTokenOptions,
  RevokeTokenOptions,
  TokenResponse,
  ValidatedToken,
} from './server.js';
export { TWITCH_ISSUER, verifyIdToken } from './oidc.js';
export type { IdTokenClaims, VerifyIdTokenOptions } from './oidc.js';
export { createTokenManager } from './token-manager.js';
export type { TokenManager, TokenManagerOptions, TokenUser, UserTokenInput } from './token-manager.js';
export { memoryStore, webStorage } from './stores.js';
export type { SyncTokenStore, TokenStore, WebStorageLike } from './stores.js';
export { AuthError, IdTokenError, InvalidTokenError, NoTokenError, PopupError, StateMismatchError, TokenStoreError } from './errors.js';
export type { IdTokenProblem, PopupProblem } from './errors.js';
export { scopes } from './scopes.js';
export type { Scope } from './scopes.js';
export { DEFAULT_AUTH_BASE_URL } from './request.js';
export type { AuthTransport } from './request.js';
