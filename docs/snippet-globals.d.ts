// Names the docs' code blocks use without defining them, so that every block can be type-checked
// as it is shown (test/docs/snippets.test.ts). Each stands for something the reader has: their
// app's credentials, a client made as Getting started shows, a token manager as Auth shows. And
// minimal stand-ins for the few third-party APIs the guides call that are not installed here
// (Deno, Bun, Workers KV, Express): only the members the guides use.
// A script, not a module: its declarations are global, and `declare module` declares a module.

/** Your app's client id. */
declare const clientId: string;
/** Your app's client secret (Confidential apps, server side only). */
declare const clientSecret: string;
/** One of your app's OAuth Redirect URLs. */
declare const redirectUri: string;
/** A user access token. */
declare const userToken: string;
/** An app access token. */
declare const appToken: string;
/** `createClient({ clientId, auth })`. */
declare const client: import('helixkit').Client;
/** `createTokenManager({ clientId, … })`. */
declare const tokens: import('helixkit/auth').TokenManager;
/** The request a server or Worker handler is answering. */
declare const request: Request;

/** Cloudflare Workers KV (a binding). */
interface KVNamespace {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(options: { port: number }, handler: (request: Request) => Response | Promise<Response>): unknown;
};

declare const Bun: {
  env: Record<string, string | undefined>;
  serve(options: { port: number; fetch: (request: Request) => Response | Promise<Response> }): unknown;
};

declare module 'express' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  type Handler = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;
  interface Application {
    post(path: string, ...handlers: Handler[]): Application;
  }
  interface Express {
    (): Application;
    raw(options: { type: string }): Handler;
  }
  const express: Express;
  export default express;
}
