import type { GenericSchema } from 'valibot';
import type { CallOptions, Client } from './client.js';
import { InputError } from './errors.js';
import { Paginator } from './pagination.js';

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
  /** Schema of a JSON response body; absent when the endpoint answers without a body. */
  readonly response?: GenericSchema<unknown>;
  /** The body is text (the iCalendar schedule), not JSON. */
  readonly text?: true;
}

/** An endpoint function: `fn(client, input, options)`, with its metadata on `fn.endpoint`. */
export type Endpoint<Input, Result> = ({} extends Input
  ? (client: Client, input?: Input, options?: CallOptions) => Result
  : (client: Client, input: Input, options?: CallOptions) => Result) & { readonly endpoint: EndpointMeta };

/** The item type of a paginated body: the element type of its `data` array. */
export type ItemOf<Body> = Body extends { data: readonly (infer Item)[] } ? Item : never;

/**
 * Turns a spec into an endpoint function. Nothing runs until the function is called, so a
 * bundler drops every endpoint a program does not import.
 */
export function defineEndpoint<Input, Body>(
  spec: EndpointSpec & { readonly paginated: true },
): Endpoint<Input, Paginator<ItemOf<Body>, Body>>;
export function defineEndpoint<Input, Body>(spec: EndpointSpec): Endpoint<Input, Promise<Body>>;
export function defineEndpoint(spec: EndpointSpec): Endpoint<object, unknown> {
  const fn = (client: Client, input: Record<string, unknown> = {}, options?: CallOptions) => {
    checkInput(spec, input);
    return spec.paginated
      ? new Paginator(client, spec, input, options)
      : client.call(spec, input, options);
  };
  return Object.assign(fn, { endpoint: spec }) as Endpoint<object, unknown>;
}

const given = (value: unknown) => value !== undefined && value !== null;
const count = (value: unknown) => (Array.isArray(value) ? value.length : given(value) ? 1 : 0);

/** Refuses input that Twitch would refuse, naming the field, before anything is sent. */
export function checkInput(spec: EndpointSpec, input: Record<string, unknown>): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InputError('', `${spec.id} takes an object of parameters`);
  }
  for (const key of Object.keys(input)) {
    if (given(input[key]) && !spec.query.includes(key) && !spec.body.includes(key)) {
      throw new InputError(key, `${spec.id} has no parameter named "${key}"`);
    }
  }
  for (const key of spec.required ?? []) {
    if (!given(input[key]) || (Array.isArray(input[key]) && input[key].length === 0)) {
      throw new InputError(key, 'is required');
    }
  }
  for (const { of, max } of spec.limits ?? []) {
    const total = of.reduce((sum, key) => sum + count(input[key]), 0);
    if (total > max) throw new InputError(of[0]!, `at most ${max} values in total across ${of.join(', ')} (got ${total})`);
  }
  for (const [key, [min, max]] of Object.entries(spec.range ?? {})) {
    const value = input[key];
    if (!given(value)) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new InputError(key, `must be a whole number from ${min} to ${max}`);
    }
  }
  for (const [key, max] of Object.entries(spec.maxLength ?? {})) {
    const value = input[key];
    if (typeof value === 'string' && [...value].length > max) {
      throw new InputError(key, `must be at most ${max} characters`);
    }
  }
  for (const group of spec.exclusive ?? []) {
    const present = group.filter((key) => count(input[key]) > 0);
    if (present.length > 1) throw new InputError(present[1]!, `cannot be combined with ${present[0]}`);
  }
  for (const group of spec.oneOf ?? []) {
    if (!group.some((key) => count(input[key]) > 0)) {
      throw new InputError(group[0]!, `one of ${group.join(', ')} is required`);
    }
  }
}
