// The few Workers runtime types this example uses, so the repository's TypeScript check (which has
// no Cloudflare types) understands it. In a project of your own, `wrangler types` (or the package
// @cloudflare/workers-types) brings the complete ones: leave this file out there.
declare module 'cloudflare:workers' {
  /** A Durable Object class: one instance per id, worldwide, with its own storage. */
  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}

interface DurableObjectStorage {
  get<T = unknown>(key: string): Promise<T | undefined>;
  put<T>(key: string, value: T): Promise<void>;
  delete(key: string | string[]): Promise<boolean | number>;
  deleteAll(): Promise<void>;
  list<T = unknown>(options?: { prefix?: string; limit?: number }): Promise<Map<string, T>>;
  setAlarm(scheduledTime: number): Promise<void>;
  getAlarm(): Promise<number | null>;
  deleteAlarm(): Promise<void>;
}

interface DurableObjectState {
  readonly storage: DurableObjectStorage;
  blockConcurrencyWhile<T>(callback: () => Promise<T>): Promise<T>;
  /** Ends the instance: its memory and its open connections go; the next event builds a new one. */
  abort(reason?: string): void;
}

/** A Durable Object seen from elsewhere: each public method becomes a call that returns a promise. */
type DurableObjectStub<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

interface DurableObjectNamespace<T = unknown> {
  getByName(name: string): DurableObjectStub<T>;
}

interface Queue<Body = unknown> {
  send(body: Body): Promise<void>;
}

interface MessageBatch<Body = unknown> {
  readonly queue: string;
  readonly messages: readonly { readonly id: string; readonly body: Body; ack(): void; retry(): void }[];
}
