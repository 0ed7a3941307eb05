/**
 * The fake Twitch's Helix API as msw handlers: one handler per operation, each checking the
 * token and client id, counting the request against the token's rate-limit bucket, checking
 * required parameters, then answering from the in-memory state (for the operations with a
 * route below) or with a body sampled from the operation's response schema.
 */
import { http, type HttpHandler } from 'msw';
import type { EndpointSpec } from '../endpoint.js';
import * as helix from '../helix/index.js';
import { HelixFault, reasonOf, type HelixContext, type RouteHandler } from './helix-context.js';
import { routeFor } from './helix-routes.js';
import { sampledBody } from './helix-sampled.js';
import { findToken, takeRateLimit, type TokenRecord, type TwitchState } from './state.js';

/** Options of {@link helixHandlers}. */
export interface HelixHandlerOptions {
  /** Helix base URL to answer on. Default `https://api.twitch.tv/helix/`. */
  baseUrl?: string;
  /** The operations to serve. Default every operation helixkit defines. */
  endpoints?: readonly EndpointSpec[];
}

/** Operations whose success status is 202 rather than 200. */
const ACCEPTED = new Set(['create-clip', 'create-clip-from-vod', 'create-eventsub-subscription', 'update-conduit-shards']);

type HeaderMap = Record<string, string>;

function json(status: number, body: unknown, headers: HeaderMap): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...headers, 'Content-Type': 'application/json' } });
}

function fault(status: number, message: string, headers: HeaderMap): Response {
  return json(status, { error: reasonOf(status), status, message }, headers);
}

/** Operations Twitch serves to anyone, without a token (calendar apps fetch the feed directly). */
const PUBLIC = new Set(['get-channel-icalendar']);

/** Checks Authorization and Client-Id the way Helix does; throws a 401 fault when they fail. */
function authenticate(state: TwitchState, spec: EndpointSpec, request: Request, key: string | undefined): TokenRecord {
  if (PUBLIC.has(spec.id)) return { clientId: request.headers.get('Client-Id') ?? '', scopes: [], expiresAt: Infinity, type: 'app' };
  if (!key) throw new HelixFault(401, 'OAuth token is missing');
  const clientId = request.headers.get('Client-Id');
  if (!clientId) throw new HelixFault(401, 'Client-Id header is required');
  // Extension operations take a JWT signed with the extension secret, which the fake does not check.
  if (spec.tokens.length === 0) return findToken(state, key) ?? { clientId, scopes: [], expiresAt: Infinity, type: 'app' };
  const token = findToken(state, key);
  if (!token) throw new HelixFault(401, 'Invalid OAuth token');
  if (token.clientId !== clientId) throw new HelixFault(401, 'Client ID and OAuth token do not match');
  if (!spec.tokens.includes(token.type)) {
    throw new HelixFault(401, `This operation needs ${spec.tokens.map((t) => `a ${t}`).join(' or ')} access token`);
  }
  if (token.type === 'user') {
    const missing = spec.scopes.find((group) => !group.some((scope) => token.scopes.includes(scope)));
    if (missing) throw new HelixFault(401, `Missing scope: ${missing.join(' or ')}`);
  }
  return token;
}

/** The bearer token of a request, if it has one. */
function bearerOf(request: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get('Authorization') ?? '')?.[1];
}

/** Refuses a request that lacks a parameter the reference marks as required. */
function checkRequired(spec: EndpointSpec, query: URLSearchParams, body: Record<string, unknown>): void {
  const has = (name: string) => {
    const inQuery = query.getAll(name).some((value) => value !== '');
    const value = body[name];
    return inQuery || (value !== undefined && value !== null && value !== '');
  };
  for (const name of spec.required ?? []) {
    if (!has(name)) throw new HelixFault(400, `Missing required parameter "${name}"`);
  }
  for (const group of spec.oneOf ?? []) {
    if (!group.some(has)) throw new HelixFault(400, `One of ${group.map((n) => `"${n}"`).join(', ')} is required`);
  }
}

async function readJson(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HelixFault(400, 'The request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HelixFault(400, 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function successStatus(spec: EndpointSpec): number {
  return ACCEPTED.has(spec.id) ? 202 : 200;
}

async function answer(state: TwitchState, spec: EndpointSpec, request: Request): Promise<Response> {
  let headers: HeaderMap = {};
  try {
    // Requests without a usable token still count, against a bucket of their own.
    const key = bearerOf(request);
    const bucket = takeRateLimit(state, key ?? 'no-token');
    headers = {
      'Ratelimit-Limit': String(bucket.limit),
      'Ratelimit-Remaining': String(bucket.remaining),
      'Ratelimit-Reset': String(Math.ceil(bucket.resetAt / 1000)),
    };
    const token = authenticate(state, spec, request, key);
    if (!bucket.allowed) throw new HelixFault(429, 'Too many requests');

    const query = new URL(request.url).searchParams;
    const body = spec.method === 'GET' ? {} : await readJson(request);
    checkRequired(spec, query, body);
    const ctx: HelixContext = { state, spec, token, query, body };
    const route: RouteHandler | undefined = routeFor(spec.id);
    const result = route ? await route(ctx) : sampledBody(ctx);

    if (spec.text) {
      return new Response(String(result), { status: 200, headers: { ...headers, 'Content-Type': 'text/calendar' } });
    }
    if (!spec.response || result === undefined) return new Response(null, { status: 204, headers });
    return json(successStatus(spec), result, headers);
  } catch (error) {
    if (error instanceof HelixFault) return fault(error.status, error.message, headers);
    // A bug in the fake itself: say what broke, so a test failure points at it.
    const detail = error instanceof Error ? `: ${error.message}` : '';
    return fault(500, `The fake Twitch failed on this request${detail}`, headers);
  }
}

/** The spec of every Helix operation helixkit defines (`fn.endpoint` of each function). */
export function helixEndpoints(): EndpointSpec[] {
  return Object.values(helix as Record<string, unknown>)
    .filter((value): value is { endpoint: EndpointSpec } => typeof value === 'function' && 'endpoint' in value)
    .map((fn) => fn.endpoint);
}

/**
 * msw handlers answering every Helix operation against `state`. Use with `setupServer(...)`
 * (Node) or `setupWorker(...)` (browser). @see https://dev.twitch.tv/docs/api/reference/
 */
export function helixHandlers(state: TwitchState, options: HelixHandlerOptions = {}): HttpHandler[] {
  let baseUrl = options.baseUrl ?? 'https://api.twitch.tv/helix/';
  if (!baseUrl.endsWith('/')) baseUrl += '/';
  const endpoints = options.endpoints ?? helixEndpoints();
  const method = { GET: http.get, POST: http.post, PUT: http.put, PATCH: http.patch, DELETE: http.delete } as const;
  const byRoute = new Map<string, EndpointSpec>();
  for (const spec of endpoints) byRoute.set(`${spec.method} ${spec.path}`, spec);
  const operations = [...byRoute.values()].map((spec) =>
    method[spec.method](`${baseUrl}${spec.path}`, ({ request }) => answer(state, spec, request)),
  );
  // Anything else below the base URL is a path Helix does not have.
  const unknown = http.all(`${baseUrl}*`, () => fault(404, 'No such Helix endpoint', {}));
  return [...operations, unknown];
}
