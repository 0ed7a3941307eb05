import type { AccessToken, CallOptions, Client } from './client.js';
import { InputError, MissingScopeError } from './errors.js';
import { definePaginated, type Paginator } from './pagination.js';
import type { Schema } from './validate.js';

/** Which kind of access token an endpoint accepts. */
export type TokenType = 'app' | 'user';

/** What every endpoint function carries as `fn.endpoint`: enough to call, document and check it. */
export interface EndpointMeta {
  /** Twitch's operationId, e.g. `get-users`. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the Helix base URL, without a leading slash, e.g. `users`. */
  readonly path: string;
  /** Query parameter wire names. */
  readonly query: readonly string[];
  /** Top-level JSON body field wire names. */
  readonly body: readonly string[];
  /** Token types the endpoint accepts. */
  readonly tokens: readonly TokenType[];
  /** Scopes needed: every group must be satisfied by at least one of its scopes. */
  readonly scopes: readonly (readonly string[])[];
  /**
   * Refuses a token known to lack a scope in `scopes` ({@link checkScopes}); set on every spec
   * with scopes, so that only bundles calling such an endpoint carry the check.
   */
  readonly checkScopes?: (spec: EndpointMeta, token: AccessToken) => void;
  /** True when the response carries a pagination cursor; the function then returns a {@link Paginator}. */
  readonly paginated: boolean;
}

/** Input rules from Twitch's reference, checked before any request is sent. */
export interface InputRules {
  /** Fields that must be present. */
  readonly required?: readonly string[];
  /** At most `max` values in total across the fields listed in `of` (e.g. 100 ids and logins). */
  readonly limits?: readonly { readonly of: readonly string[]; readonly max: number }[];
  /** Inclusive numeric bounds per field, e.g. `{ first: [1, 100] }`. */
  readonly range?: Readonly<Record<string, readonly [number, number]>>;
  /** Maximum string length per field. */
  readonly maxLength?: Readonly<Record<string, number>>;
  /** Groups of fields of which at most one may be given. */
  readonly exclusive?: readonly (readonly string[])[];
  /** Groups of fields of which at least one must be given. */
  readonly oneOf?: readonly (readonly string[])[];
}

/** Everything `defineEndpoint` needs: the metadata, the input rules and the response shape. */
export interface EndpointSpec extends EndpointMeta, InputRules {
  /**
   * Schema of a JSON response body (a valibot schema, or any Standard Schema); absent when the
   * endpoint answers without a body. It only judges the body: a call resolves with the body as
   * received, never with the schema's output (the generated ones drop fields they do not know).
   */
  readonly response?: Schema;
  /** The body is text (the iCalendar schedule), not JSON: the call resolves with it. Such a spec has no `response`. */
  readonly text?: true;
}

/**
 * An endpoint function: `fn(client, input, options)`, with its metadata on `fn.endpoint`. `Id` is
 * the operation id as a literal type where known, which lets `batch()` check its keys.
 */
export type Endpoint<Input, Result, Id extends string = string> = ({} extends Input
  ? (client: Client, input?: Input, options?: CallOptions) => Result
  : (client: Client, input: Input, options?: CallOptions) => Result) & { readonly endpoint: EndpointMeta & { readonly id: Id } };

/** The item type of a paginated body: the element type of its `data` array. */
export type ItemOf<Body> = Body extends { data: readonly (infer Item)[] } ? Item : never;

/**
 * Turns a spec into an endpoint function that checks every rule kind of {@link InputRules}.
 * Nothing runs until the function is called, so a bundler drops every endpoint a program does
 * not import.
 */
export function defineEndpoint<Input, Body, Id extends string = string>(
  spec: EndpointSpec & { readonly paginated: true },
): Endpoint<Input, Paginator<ItemOf<Body>, Body>, Id>;
export function defineEndpoint<Input, Body, Id extends string = string>(spec: EndpointSpec): Endpoint<Input, Promise<Body>, Id>;
export function defineEndpoint(spec: EndpointSpec): Endpoint<object, unknown> {
  // (A spec written by hand may leave the scope check out; on the prototype, the response getter is not read.)
  if (spec.scopes[0] && !spec.checkScopes) spec = Object.create(spec, { checkScopes: { value: checkScopes, enumerable: true } });
  const checks = [checkRequired, checkLimits, checkRange, checkMaxLength, checkExclusive, checkOneOf];
  return spec.paginated ? definePaginated(spec, checks) : defineCall(spec, checks);
}

/**
 * `defineEndpoint` for an endpoint without pagination, checking only the rule kinds in `checks`.
 * Generated code calls this one with the kinds each spec uses, so a bundle carries neither a
 * `Paginator` nor the checks of rules its endpoints do not have.
 */
export function defineCall<Input, Body, Id extends string = string>(spec: EndpointSpec, checks: readonly InputCheck[] = []): Endpoint<Input, Promise<Body>, Id> {
  const fn = (client: Client, input: Record<string, unknown> = {}, options?: CallOptions) => {
    checkInput(spec, input, checks);
    return client.call(spec, input, options);
  };
  return Object.assign(fn, { endpoint: spec }) as never;
}

/** Throws `MissingScopeError` when the token's scopes are known and some scope group of the spec has none of them. */
export function checkScopes(spec: EndpointMeta, token: AccessToken): void {
  const missing = spec.scopes.filter((group) => token.scopes && !group.some((scope) => token.scopes!.includes(scope)));
  if (missing[0]) throw new MissingScopeError(spec.id, missing);
}

/** @internal How many values a parameter holds: an array's length, else 1 when given (`batch` counts fixed input with it too). */
export const count = (value: unknown): number => (Array.isArray(value) ? value.length : value == null ? 0 : 1);

/**
 * Refuses input that Twitch would refuse, naming the field, before anything is sent: input that
 * is not an object, unknown keys, and the rule kinds in `checks`.
 */
export function checkInput(spec: EndpointSpec, input: Record<string, unknown>, checks: readonly InputCheck[]): void {
  if (Object(input) !== input) throw new InputError('', `${spec.id}: input must be an object`);
  for (const key in input) {
    if (input[key] != null && !spec.query.includes(key) && !spec.body.includes(key)) throw new InputError(key, `not a parameter of ${spec.id}`);
  }
  for (const check of checks) check(spec, input);
}

/** Checks one kind of {@link InputRules} of a spec against an input; throws `InputError`. */
export type InputCheck = (spec: InputRules, input: Record<string, unknown>) => void;

/** {@link InputRules.required}. */
export const checkRequired: InputCheck = (spec, input) => {
  for (const key of spec.required ?? []) if (!count(input[key])) throw new InputError(key, 'is required');
};

/** {@link InputRules.limits}. */
export const checkLimits: InputCheck = (spec, input) => {
  for (const { of, max } of spec.limits ?? []) {
    if (of.flatMap((key) => input[key] ?? []).length > max) throw new InputError(of[0]!, `at most ${max} values across ${of.join(', ')}`);
  }
};

/** {@link InputRules.range}. */
export const checkRange: InputCheck = (spec, input) => {
  for (const [key, [min, max]] of Object.entries(spec.range ?? {})) {
    const value = input[key];
    if (value != null && !(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
      throw new InputError(key, `must be an integer from ${min} to ${max}`);
    }
  }
};

/** {@link InputRules.maxLength}. */
export const checkMaxLength: InputCheck = (spec, input) => {
  for (const [key, max] of Object.entries(spec.maxLength ?? {})) {
    const value = input[key];
    if (typeof value === 'string' && [...value].length > max) throw new InputError(key, `must be at most ${max} characters`);
  }
};

/** {@link InputRules.exclusive}. */
export const checkExclusive: InputCheck = (spec, input) => {
  for (const group of spec.exclusive ?? []) {
    const [first, second] = group.filter((key) => count(input[key]));
    if (second) throw new InputError(second, `cannot be combined with ${first}`);
  }
};

/** {@link InputRules.oneOf}. */
export const checkOneOf: InputCheck = (spec, input) => {
  for (const group of spec.oneOf ?? []) {
    if (!group.some((key) => count(input[key]))) throw new InputError(group[0]!, `one of ${group.join(', ')} is required`);
  }
};

/**
 * The same endpoint, also sending parameters helixkit does not know yet: Twitch adds them faster
 * than SDKs ship. Input keys stay checked against the widened lists, so a typo is still refused;
 * the new parameters' values are sent as given. Costs nothing unless imported.
 * ```ts
 * const getStreamsNew = withParameters(getStreams, { query: ['new_filter'] });
 * await getStreamsNew(client, { first: 20, new_filter: 'x' });
 * ```
 */
export function withParameters<Input, Result, Id extends string>(
  fn: Endpoint<Input, Result, Id>,
  extra: { readonly query?: readonly string[]; readonly body?: readonly string[] },
): Endpoint<Input & Record<string, unknown>, Result, Id> {
  const spec = fn.endpoint as EndpointSpec;
  if (extra.body?.length && spec.method === 'GET') throw new InputError('body', `${spec.id} is a GET: it sends no body`);
  // Copied by descriptor, not spread: a spread would build the response schema, which waits for a first response.
  const widened: EndpointSpec = Object.defineProperties({} as EndpointSpec, {
    ...Object.getOwnPropertyDescriptors(spec),
    query: { value: [...new Set([...spec.query, ...(extra.query ?? [])])], enumerable: true },
    body: { value: [...new Set([...spec.body, ...(extra.body ?? [])])], enumerable: true },
  });
  return defineEndpoint(widened) as never;
}
