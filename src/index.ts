// The public surface of `helixkit`: re-exports only.
// (The Helix functions first: bundlers then place valibot and the endpoint code ahead of ky, an
// order gzip packs 35 B smaller in the getUsers bundle, which is longer than gzip's 32 KB window.
// The order of re-exports changes nothing else.)
export * from './helix/index.js';
export { createClient } from './client.js';
export type { AccessToken, AuthProvider, CallOptions, Client, ClientOptions, TokenRequest } from './client.js';
export type { Log, LogEntry, LogSource } from './log.js';
export { defineEndpoint, withParameters } from './endpoint.js';
export type { Endpoint, EndpointMeta, EndpointSpec, InputRules, ItemOf, TokenType } from './endpoint.js';
export { Paginator } from './pagination.js';
export { batch } from './batch.js';
export type { BatchKey, BatchKeyOf, BatchOptions, Batched } from './batch.js';
export * from './errors.js';
export * from './auth/index.js';
