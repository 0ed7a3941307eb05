import type { CallOptions, Client } from './client.js';
import { checkInput, type Endpoint, type EndpointSpec, type InputCheck, type ItemOf } from './endpoint.js';

/** Reads the next cursor of a page: Twitch sends `{ cursor }`, and one endpoint a bare string. */
function cursorOf(body: unknown): string | undefined {
  const pagination = (body as { pagination?: unknown } | undefined)?.pagination;
  const cursor = typeof pagination === 'string' ? pagination : (pagination as { cursor?: unknown } | undefined)?.cursor;
  return typeof cursor === 'string' && cursor !== '' ? cursor : undefined;
}

function itemsOf<Item>(body: unknown): readonly Item[] {
  const data = (body as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? data : [];
}

/**
 * The result of a paginated endpoint. `await` it for the first page's body (one request);
 * `for await` over it for every item, following cursors; `pages()` for each body;
 * `all({ limit })` to collect items.
 */
export class Paginator<Item, Body> implements PromiseLike<Body>, AsyncIterable<Item> {
  readonly #client: Client;
  readonly #spec: EndpointSpec;
  readonly #input: Record<string, unknown>;
  readonly #options: CallOptions | undefined;
  #first: Promise<Body> | undefined;

  constructor(client: Client, spec: EndpointSpec, input: Record<string, unknown>, options?: CallOptions) {
    this.#client = client;
    this.#spec = spec;
    this.#input = input;
    this.#options = options;
  }

  #page(after?: unknown): Promise<Body> {
    const input = after === undefined ? this.#input : { ...this.#input, after };
    return this.#client.call(this.#spec, input, this.#options) as Promise<Body>;
  }

  #firstPage(): Promise<Body> {
    // A failed first page is forgotten, so awaiting the same Paginator again retries it.
    return (this.#first ??= this.#page().catch((error: unknown) => {
      this.#first = undefined;
      throw error;
    }));
  }

  then<A = Body, B = never>(
    onfulfilled?: ((body: Body) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#firstPage().then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Body | B> {
    return this.#firstPage().catch(onrejected);
  }

  /** Yields each page's body, starting with the first, until Twitch sends no further cursor. */
  async *pages(): AsyncGenerator<Body, void, undefined> {
    let body = await this.#firstPage();
    // (The caller's own `after` too: a first page naming it again would be fetched twice.)
    const seen = new Set([this.#input.after]);
    for (;;) {
      yield body;
      const cursor = cursorOf(body);
      // An empty page or a cursor seen before would only loop.
      if (!cursor || seen.has(cursor) || itemsOf(body).length === 0) return;
      seen.add(cursor);
      body = await this.#page(cursor);
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const body of this.pages()) yield* itemsOf<Item>(body);
  }

  /** Collects every item, or the first `limit` items (stopping requests once it has them); none for a `limit` not above 0 (NaN too). */
  async all({ limit = Infinity }: { limit?: number } = {}): Promise<Item[]> {
    const items: Item[] = [];
    if (!(limit > 0)) return items;
    for await (const item of this) {
      items.push(item);
      if (items.length >= limit) break;
    }
    return items;
  }
}

/** `defineEndpoint` for a paginated endpoint (checking the rule kinds in `checks`): the function returns a {@link Paginator}. */
export function definePaginated<Input, Body, Id extends string = string>(
  spec: EndpointSpec,
  checks: readonly InputCheck[] = [],
): Endpoint<Input, Paginator<ItemOf<Body>, Body>, Id> {
  const fn = (client: Client, input: Record<string, unknown> = {}, options?: CallOptions) => {
    checkInput(spec, input, checks);
    return new Paginator(client, spec, input, options);
  };
  return Object.assign(fn, { endpoint: spec }) as never;
}
