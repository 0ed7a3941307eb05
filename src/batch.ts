import type { CallOptions, Client } from './client.js';
import { count, type InputRules, type ItemOf } from './endpoint.js';
import { InputError } from './errors.js';
import { batchKeys, type BatchKeys } from './helix/batch-keys.js';
import { MAX_TIMER_MS } from './sleep.js';

/** How `batch()` groups one input key of an endpoint; src/helix/batch-keys.ts holds one per operation and key. */
export interface BatchKey {
  /** The field of each response item that holds the key's value. */
  readonly field: string;
  /** Twitch's limit of values per request. */
  readonly max: number;
  /** Values match whatever their case, and go out in lower case (logins, which Twitch keeps in lower case). */
  readonly fold?: boolean;
  /** Several items may share a value (an emote set's emotes): a lookup resolves all of them. */
  readonly many?: boolean;
  /** The page size each request asks for, so that one page holds every match. */
  readonly first?: number;
}

/** Options of {@link batch}: `Rest` is the endpoint's input without the batched key. */
export interface BatchOptions<Rest> {
  /**
   * How long to collect lookups after the first one before asking, in milliseconds. Default 0:
   * the lookups made before the event loop's next turn (promise chains included) go together.
   * A request goes out at once when it has Twitch's limit of values, whatever the window.
   * At most 2^31 - 1 (about 24 days).
   */
  waitMs?: number;
  /**
   * The endpoint's other parameters, sent with every request (e.g. `broadcaster_id` for
   * `getModerators`). Values that Twitch counts under the key's limit (a `login` beside batched
   * ids of `getUsers`) leave that many fewer places for the batched values.
   */
  input?: Rest;
}

type AnyEndpoint = ((client: Client, input: any, options?: CallOptions) => unknown) & { readonly endpoint: { readonly id: string } };
type IdOf<Fn> = Fn extends { readonly endpoint: { readonly id: infer Id } } ? Id : never;
type RulesOf<Fn> = IdOf<Fn> extends keyof BatchKeys ? BatchKeys[IdOf<Fn>] : never;

/** The input keys `batch()` takes for an endpoint function: `never` for one that cannot batch. */
export type BatchKeyOf<Fn> = keyof RulesOf<Fn> & string;

type InputOf<Fn> = Fn extends (client: Client, input: infer Input, ...rest: any[]) => unknown ? NonNullable<Input> : never;
type Found<Fn, Key extends string> =
  Fn extends (...args: any[]) => infer Result
    ? RulesOf<Fn>[Key & keyof RulesOf<Fn>] extends { readonly many: true }
      ? ItemOf<Awaited<Result>>[]
      : ItemOf<Awaited<Result>> | undefined
    : never;
type Rest<Fn, Key extends string> = Omit<InputOf<Fn>, Key>;
/** `options` must carry `input` when the endpoint has required parameters besides the key. */
type OptionsArgs<R> = {} extends R ? [options?: BatchOptions<R>] : [options: BatchOptions<R> & { input: R }];

/** A batched lookup: resolves the item whose field equals `id` (undefined when Twitch has none), or every such item for a `many` key. */
export type Batched<Result> = (client: Client, id: string, options?: CallOptions) => Promise<Result>;

interface Lookup {
  /** The value as compared: lower case for a folded key. */
  readonly key: string;
  readonly value: string;
  readonly promise: Promise<unknown>;
  resolve(found: unknown): void;
  reject(error: unknown): void;
}

/** The lookups of one client and one `user`: those waiting for the window, and every one not yet answered. */
interface Group {
  readonly client: Client;
  readonly user: string | undefined;
  waiting: Lookup[];
  readonly asked: Map<string, Lookup>;
  timer?: ReturnType<typeof setTimeout>;
}

const own = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * Turns a lookup endpoint into a function for one value at a time whose concurrent calls share
 * requests: `const userById = batch(getUsers, 'id')`, then `await userById(client, id)`. Each
 * request asks for at most Twitch's limit of values (100 for users), a value asked twice goes out
 * once, and a failed request rejects only its own callers (calling again asks again). Calls with
 * another client or another `options.user` never share a request. Nothing is cached: a value is
 * asked again once its answer is in.
 * @see https://dev.twitch.tv/docs/api/reference#get-users (one of the endpoints it serves)
 */
export function batch<Fn extends AnyEndpoint, Key extends BatchKeyOf<Fn>>(
  fn: Fn,
  key: Key,
  ...[options]: OptionsArgs<Rest<Fn, Key>>
): Batched<Found<Fn, Key>>;
export function batch(fn: AnyEndpoint, key: string, options: BatchOptions<Record<string, unknown>> = {}): Batched<unknown> {
  const spec = fn.endpoint as AnyEndpoint['endpoint'] & InputRules;
  const keys = (own(batchKeys, spec.id) ? batchKeys[spec.id as keyof BatchKeys] : {}) as Record<string, BatchKey>;
  if (!own(keys, key)) throw new InputError(key, `${spec.id} cannot batch lookups by ${key}`);
  const { field, max, fold, many, first } = keys[key]!;
  const { waitMs = 0, input = {} } = options;
  // (Past 2^31 - 1 ms, timers fire at once.)
  if (!(waitMs >= 0 && waitMs <= MAX_TIMER_MS)) throw new InputError('waitMs', 'must be a number of milliseconds under 2^31');
  for (const name of spec.required ?? []) if (name !== key && input[name] == null) throw new InputError(name, 'is required');
  // Fixed values under the key's own limit (logins beside batched user ids) leave that much less room.
  let room = max;
  for (const name of spec.limits?.find((limit) => limit.of.includes(key))?.of ?? []) if (name !== key) room -= count(input[name]);
  if (room < 1) throw new InputError(key, 'the fixed input fills every request');
  const groups = new WeakMap<Client, Map<string | undefined, Group>>();

  function send(group: Group) {
    clearTimeout(group.timer);
    group.timer = undefined;
    const lookups = group.waiting;
    group.waiting = [];
    const settle = (each: (lookup: Lookup) => void) => {
      for (const lookup of lookups) {
        group.asked.delete(lookup.key);
        each(lookup);
      }
      // A user with nothing asked leaves no group behind: a server serving many users would
      // otherwise keep one per user for as long as the client lives.
      if (!group.asked.size) groups.get(group.client)?.delete(group.user);
    };
    new Promise((resolve) => {
      const values = lookups.map((lookup) => lookup.value);
      // A paginated endpoint answers with a Paginator: awaiting it reads the first page.
      resolve(fn(group.client, { ...input, ...(first && { first }), [key]: values }, { user: group.user }));
    }).then(
      (body) => {
        const found = new Map<string, unknown[]>();
        const items = (body as { data?: unknown } | undefined)?.data;
        // (A folded key was sent in lower case, the case Twitch answers logins in.)
        for (const item of Array.isArray(items) ? items : []) {
          const value = (item as Record<string, unknown> | null)?.[field];
          if (typeof value === 'string') (found.get(value) ?? found.set(value, []).get(value)!).push(item);
        }
        settle((lookup) => lookup.resolve(many ? found.get(lookup.key) ?? [] : found.get(lookup.key)?.[0]));
      },
      (error: unknown) => settle((lookup) => lookup.reject(error)),
    );
  }

  return (client, id, { user, signal } = {}) => {
    if (typeof id !== 'string' || !id) return Promise.reject(new InputError(key, 'must be a non-empty string'));
    // An aborted caller adds no lookup: nobody would hear of its request's failure.
    if (signal?.aborted) return Promise.reject(signal.reason);
    const byUser = groups.get(client) ?? groups.set(client, new Map()).get(client)!;
    let group = byUser.get(user);
    if (!group) byUser.set(user, (group = { client, user, waiting: [], asked: new Map() }));
    const lookupKey = fold ? id.toLowerCase() : id;
    let lookup = group.asked.get(lookupKey);
    if (!lookup) {
      let resolve!: (found: unknown) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise((yes, no) => ((resolve = yes), (reject = no)));
      lookup = { key: lookupKey, value: fold ? lookupKey : id, promise, resolve, reject };
      group.asked.set(lookupKey, lookup);
      group.waiting.push(lookup);
      const full = group;
      if (group.waiting.length >= room) send(group);
      else group.timer ??= setTimeout(() => send(full), waitMs);
    }
    return signal ? abortable(lookup.promise, signal) : lookup.promise;
  };
}

/** `promise`, or the signal's reason once it aborts: the caller stops waiting, the shared request goes on for the others. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
