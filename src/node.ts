/// <reference types="node" />
/**
 * Node-only (nothing else in src/ imports it): serves a Fetch-style handler, such as the EventSub
 * webhook handler, from `node:http`, Express or Connect. It uses no Node builtin at run time, only
 * the shapes of `IncomingMessage` and `ServerResponse`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from './errors.js';

/** A Fetch API handler: `createWebhookHandler(...)` is one. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A `node:http` request listener that also serves as Express/Connect middleware. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * Scheme and host of the Request's URL, e.g. `https://hooks.example.com` behind a TLS proxy.
   * Default: `http://` (`https://` on a TLS socket) and the `Host` header.
   */
  origin?: string;
  /**
   * Refuse (413) a body larger than this many bytes: a larger `Content-Length` before the handler
   * runs, a streamed body as soon as it passes the limit, reading no further. Default 1048576 (1 MiB).
   */
  maxBodyBytes?: number;
  /** Told about a handler that threw (answered 500 with no details) or a response that broke off. */
  onError?: (error: unknown) => void;
}

const HOST = /^(?:[\w.-]+|\[[\da-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Turns a Fetch-style handler into a `node:http` request listener, usable as Express/Connect
 * middleware too: the Request gets the method, the full URL, every header (repeated ones
 * included), the body as a stream capped at `maxBodyBytes`, and a signal that aborts when the
 * client goes away; the Response's status, status text, headers (each Set-Cookie) and body are
 * streamed back. A handler that throws gets a bare 500.
 *
 * EventSub signatures cover the raw body bytes, so mount it before any JSON body parser
 * (`app.post('/eventsub', toNodeHandler(handle))` ahead of `express.json()`), or give the route
 * `express.raw({ type: 'application/json' })`: a `req.body` that is a Buffer or a string is used
 * as the body. A body a parser already consumed into an object cannot be rebuilt; that goes to
 * `next(error)` (500 without Express).
 */
export function toNodeHandler(handler: FetchHandler, options: NodeHandlerOptions = {}): NodeHandler {
  const max = options.maxBodyBytes ?? 1024 * 1024;
  if (!(max >= 0 && max <= 2 ** 32)) throw new InputError('maxBodyBytes', 'must be a number of bytes from 0 to 4294967296');
  let origin = '';
  if (options.origin !== undefined) {
    try {
      // Checked once here; a trailing slash would double the path's first one.
      origin = new URL(options.origin).href.replace(/\/+$/, '');
    } catch {
      throw new InputError('origin', 'must be an absolute URL such as https://hooks.example.com');
    }
  }
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A failing reporter must not change the answer.
    }
  };

  return (req, res, next) => {
    const aborter = new AbortController();
    // 'close' before the answer went out: the client left (or the socket broke).
    res.once('close', () => res.writableFinished || aborter.abort());
    const refuse = (status: number) => {
      if (res.headersSent) return res.destroy();
      // Close the connection: its unread rest must not be taken for the next request.
      res.writeHead(status, { connection: 'close', 'content-length': 0 }).end();
    };

    const method = req.method ?? 'GET';
    const host = req.headers.host ?? 'localhost';
    let url: URL;
    const headers = new Headers();
    try {
      if (!origin && !HOST.test(host)) throw new TypeError('bad Host');
      // Express rewrites req.url below a mount path; originalUrl keeps what the client asked for.
      let path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      // The absolute form (`POST http://host/path`) that proxies send: its path only.
      if (!path.startsWith('/')) {
        const absolute = new URL(path);
        path = absolute.pathname + absolute.search;
      }
      // Joined as text: `//evil.example/x` is a path here, not another host.
      url = new URL((origin || `http${(req.socket as { encrypted?: boolean }).encrypted ? 's' : ''}://${host}`) + path);
      const raw = req.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        // (HTTP/2 pseudo-headers such as :path are not headers.)
        if (!raw[i]!.startsWith(':')) headers.append(raw[i]!, raw[i + 1]!);
      }
    } catch {
      // A Host that is no host name, a URL or header value that fetch refuses.
      return refuse(400);
    }

    let body: ReadableStream<Uint8Array> | Uint8Array | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      const parsed = (req as { body?: unknown }).body;
      const declared = Number(req.headers['content-length'] ?? 0);
      if (typeof parsed === 'string' || parsed instanceof Uint8Array) {
        // A raw body parser (express.raw, express.text) already read it: these are the bytes sent.
        body = typeof parsed === 'string' ? new TextEncoder().encode(parsed) : new Uint8Array(parsed);
        if (body.byteLength > max) return refuse(413);
        // They described the bytes on the wire, which the parser may have inflated.
        for (const name of ['content-length', 'transfer-encoding', 'content-encoding']) headers.delete(name);
      } else if (req.readableDidRead || req.readableEnded) {
        const error = new TypeError(
          'toNodeHandler: a body parser consumed the request body; mount the handler before express.json(), or use express.raw() on its route',
        );
        if (next) return next(error);
        report(error);
        return refuse(500);
      } else if (declared > max) {
        return refuse(413);
      } else if (declared || req.headers['transfer-encoding']) {
        body = stream(req, max, () => refuse(413));
      }
    }

    let request: Request;
    try {
      // duplex: 'half' is what a streamed request body needs (Node's fetch insists).
      request = new Request(url, { method, headers, body, signal: aborter.signal, duplex: 'half' } as RequestInit);
    } catch {
      return refuse(400);
    }

    void (async () => {
      let response: Response;
      try {
        response = await handler(request);
        // Duck-typed: a Response of another fetch implementation (the undici package) serves too.
        if (typeof response?.status !== 'number' || !response.headers) throw new TypeError('the handler did not return a Response');
      } catch (error) {
        report(error);
        return res.headersSent || res.destroyed ? undefined : refuse(500);
      }
      if (res.headersSent || res.destroyed) {
        // Answered already (a body over the limit, a client gone): drop what the handler made.
        await response.body?.cancel().catch(() => undefined);
        return;
      }
      await send(response, req, res).catch((error: unknown) => {
        report(error);
        res.destroy();
      });
    })();
  };
}

/**
 * The request body as a stream that reads no further than `max` bytes: past it, `tooLarge` runs
 * and the stream errors. It follows the reader's pace (pausing the socket) and errors when the
 * client disconnects before the end.
 */
function stream(req: IncomingMessage, max: number, tooLarge: () => void): ReadableStream<Uint8Array> {
  let size = 0;
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (error: Error) => {
        if (done) return;
        done = true;
        req.pause();
        controller.error(error);
      };
      req.on('data', (chunk: Uint8Array) => {
        if (done) return;
        size += chunk.byteLength;
        if (size > max) {
          fail(new RangeError(`the request body is larger than ${max} bytes`));
          return tooLarge();
        }
        // A copy: Node's chunk may share memory with other data read from the socket.
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once('end', () => {
        if (done) return;
        done = true;
        controller.close();
      });
      // 'close' without 'end': the client went away (or the socket was destroyed) mid-body.
      req.once('close', () => fail(new Error('the client disconnected before the end of the body')));
      req.pause();
    },
    pull() {
      if (!done) req.resume();
    },
    cancel() {
      // The handler wants no more: stop reading (the answer closes the connection).
      done = true;
      req.pause();
    },
  });
}

/** Writes the Response: status, status text, headers (Set-Cookie one by one), then the body at the client's pace. */
async function send(response: Response, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const head: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') head[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) head['set-cookie'] = cookies;
  // A request body left unread would be parsed as the next request: close instead.
  if (!req.complete) head.connection = 'close';
  if (response.statusText) res.writeHead(response.status, response.statusText, head);
  else res.writeHead(response.status, head);

  const reader = response.body?.getReader();
  if (!reader) return void res.end();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      if (res.destroyed) return;
      if (!res.write(read.value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go).off('close', go);
            resolve();
          };
          res.on('drain', go).on('close', go);
        });
      }
    }
    res.end();
  } finally {
    if (res.destroyed) reader.cancel().catch(() => undefined);
  }
}
