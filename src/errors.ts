/**
 * Every error helixkit throws extends {@link TwitchError}, so one `instanceof` check catches
 * them all. No error's message or fields ever hold an access token, refresh token or secret.
 */

/** Base class of every error thrown by helixkit. */
export class TwitchError extends Error {
  override name = 'TwitchError';
}

/** Input refused before any request was sent; `param` names the offending field. */
export class InputError extends TwitchError {
  override name = 'InputError';
  /** The input field (wire name) that is wrong, or `''` when the input as a whole is. */
  declare readonly param: string;
  constructor(param: string, message: string) {
    super(param ? `${param}: ${message}` : message);
    this.param = param;
  }
}

/** One problem found while validating data from the network. Never holds a value from it. */
export interface ValidationIssue {
  /** Dotted path into the value, e.g. `data.0.login`; `''` for the value itself. */
  readonly path: string;
  /** What the schema asks for there, e.g. `string` (a type or the schema's own literals). */
  readonly expected?: string;
  /** The type that came instead: `null`, `undefined` (absent), `number`, `string`, `boolean`, `array`, `object`. */
  readonly received?: string;
  /** `expected string, received null`, or what else went wrong. */
  readonly message: string;
}

/**
 * Twitch sent data that does not match the shape helixkit expects. The message names paths and
 * types, never values (a body may hold a stream key or a secret); what arrived is on the
 * non-enumerable `body`, so it stays out of logs and JSON but a caller can still use it.
 */
export class ValidationError extends TwitchError {
  override name = 'ValidationError';
  /** What was being validated, e.g. an endpoint id such as `get-users`. */
  declare readonly source: string;
  declare readonly issues: readonly ValidationIssue[];
  /** Path of the first issue, e.g. `data.0.login`. */
  declare readonly path: string;
  /** The data as received (non-enumerable). */
  declare readonly body: unknown;
  constructor(source: string, issues: readonly ValidationIssue[], body?: unknown) {
    const { path = '', message = 'invalid' }: Partial<ValidationIssue> = issues[0] ?? {};
    super(`${source}: unexpected data${path && ` at ${path}`}: ${message}${issues[1] ? ` (and ${issues.length - 1} more)` : ''}`);
    Object.assign(this, { source, issues, path });
    Object.defineProperty(this, 'body', { value: body });
  }
}

/** The token is known to lack a scope the endpoint needs; nothing was sent. */
export class MissingScopeError extends TwitchError {
  override name = 'MissingScopeError';
  declare readonly endpoint: string;
  /** The all-of groups of any-of scopes that the token does not satisfy. */
  declare readonly missing: readonly (readonly string[])[];
  constructor(endpoint: string, missing: readonly (readonly string[])[]) {
    super(`${endpoint} needs ${missing.map((group) => group.join(' or ')).join(' and ')}`);
    Object.assign(this, { endpoint, missing });
  }
}

/** Fields of an error response from Helix. */
export interface HelixErrorInit {
  status: number;
  /** Twitch's short error name, e.g. `Not Found`. */
  error: string;
  /** Twitch's message, with any token text removed. */
  message: string;
  /** Endpoint id, e.g. `get-users`. */
  endpoint: string;
  headers: Headers;
}

/** Helix answered with an error status. Subclasses exist for the common statuses. */
export class HelixError extends TwitchError {
  override name = 'HelixError';
  declare readonly status: number;
  declare readonly error: string;
  declare readonly endpoint: string;
  /** Response headers, e.g. `Ratelimit-Reset`. */
  declare readonly headers: Headers;
  constructor({ message, ...fields }: HelixErrorInit) {
    super(`${fields.endpoint}: ${fields.status} ${fields.error}${message ? `: ${message}` : ''}`);
    Object.assign(this, fields);
  }
}

/** 400: Twitch refused the request's parameters. */
export class BadRequestError extends HelixError {
  override name = 'BadRequestError';
}
/** 401: the token is missing, invalid, expired or for another client id. */
export class UnauthorizedError extends HelixError {
  override name = 'UnauthorizedError';
}
/** 403: the token's user may not do this. */
export class ForbiddenError extends HelixError {
  override name = 'ForbiddenError';
}
/** 404: the resource does not exist. */
export class NotFoundError extends HelixError {
  override name = 'NotFoundError';
}
/** 409: the resource is in a conflicting state (e.g. a subscription that already exists). */
export class ConflictError extends HelixError {
  override name = 'ConflictError';
}
/** 429: the rate limit was hit and retries were exhausted. */
export class RateLimitError extends HelixError {
  override name = 'RateLimitError';
}
/** 5xx: Twitch failed; idempotent requests were retried first. */
export class ServerError extends HelixError {
  override name = 'ServerError';
}

/** Builds the error class that fits an HTTP status. */
export function helixError(init: HelixErrorInit): HelixError {
  const { status } = init;
  const Class =
    status === 400 ? BadRequestError
    : status === 401 ? UnauthorizedError
    : status === 403 ? ForbiddenError
    : status === 404 ? NotFoundError
    : status === 409 ? ConflictError
    : status === 429 ? RateLimitError
    : status >= 500 ? ServerError
    : HelixError;
  return new Class(init);
}

/** The request never got an answer: the network failed or the timeout passed. */
export class NetworkError extends TwitchError {
  override name = 'NetworkError';
  declare readonly endpoint: string;
  constructor(endpoint: string, message: string) {
    super(`${endpoint}: no response: ${message}`);
    this.endpoint = endpoint;
  }
}
