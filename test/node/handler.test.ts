// toNodeHandler's Request and Response over real sockets on 127.0.0.1: what the handler sees,
// what the client gets, the body cap, failures, and the Express-style (req, res, next) path.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { toNodeHandler, type FetchHandler, type NodeHandlerOptions } from '../../src/node.ts';
import { createWebhookHandler } from '../../src/webhooks.ts';
import { SECRET, followNotification, signedRequest, subscription } from '../webhooks/sign.ts';
import { call, chunk, forward, raw, serve, type Running } from './http.ts';

const servers: Running[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(handler: FetchHandler, options?: NodeHandlerOptions) {
  const running = await serve(toNodeHandler(handler, options));
  servers.push(running);
  return running;
}

/** What a handler saw of each Request. */
interface Seen {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
}

function recorder() {
  const seen: Seen[] = [];
  const handler: FetchHandler = async (request) => {
    seen.push({ method: request.method, url: request.url, headers: [...request.headers], body: await request.text() });
    return new Response('ok');
  };
  return { seen, handler };
}

describe('the Request the handler gets', () => {
  test('method, full URL from the Host header, every header (repeated ones joined), the body', async () => {
    const { seen, handler } = recorder();
    const { origin, port } = await start(handler);
    await call(`${origin}/eventsub?x=1&y=2`, {
      method: 'PUT',
      headers: { 'x-repeated': ['one', 'two'], 'content-type': 'text/plain' },
      body: 'body text',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('PUT');
    expect(seen[0]!.url).toBe(`http://127.0.0.1:${port}/eventsub?x=1&y=2`);
    expect(Object.fromEntries(seen[0]!.headers)).toMatchObject({ 'x-repeated': 'one, two', 'content-type': 'text/plain', host: `127.0.0.1:${port}` });
    expect(seen[0]!.body).toBe('body text');
  });

  test('the origin option replaces scheme and host; a path that looks like a host stays a path', async () => {
    const { seen, handler } = recorder();
    const { origin } = await start(handler, { origin: 'https://hooks.example.com/' });
    await call(`${origin}/a`);
    await call(`${origin}//evil.example/b`);
    expect(seen.map((one) => one.url)).toEqual(['https://hooks.example.com/a', 'https://hooks.example.com//evil.example/b']);
  });

  test('a Host header that is not a host name answers 400 without calling the handler', async () => {
    const { seen, handler } = recorder();
    const { port } = await start(handler);
    for (const host of ['evil.example/x?', 'a b', 'user@evil.example']) {
      const answer = await raw(port, [`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`]);
      expect(answer, host).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(seen).toEqual([]);
  });

  test('GET and HEAD have no body; a path-only Host-less HTTP/1.0 request uses localhost', async () => {
    const { seen, handler } = recorder();
    const { port } = await start(handler);
    await raw(port, ['GET /old HTTP/1.0\r\n\r\n']);
    expect(seen).toEqual([{ method: 'GET', url: 'http://localhost/old', headers: [], body: '' }]);
  });

  test('a request without Content-Length or Transfer-Encoding has a null body, as in fetch', async () => {
    const bodies: unknown[] = [];
    const { origin } = await start((request) => {
      bodies.push(request.body);
      return new Response(null, { status: 204 });
    });
    await call(`${origin}/`, { method: 'DELETE' });
    expect(bodies).toEqual([null]);
  });

  test('an origin that is not an absolute URL throws InputError when the listener is made', () => {
    expect(() => toNodeHandler(() => new Response(), { origin: 'hooks.example.com' })).toThrow(InputError);
  });
});

describe('the Response the client gets', () => {
  test('status, status text, headers with several Set-Cookie, a streamed body', async () => {
    const { origin } = await start(() => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (const part of ['one ', 'two ', 'three']) {
            controller.enqueue(new TextEncoder().encode(part));
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          controller.close();
        },
      });
      const headers = new Headers({ 'content-type': 'text/plain', 'x-answer': '42' });
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; HttpOnly');
      return new Response(body, { status: 201, statusText: 'Made Here', headers });
    });
    const answer = await call(`${origin}/`);
    expect(answer).toMatchObject({ status: 201, statusMessage: 'Made Here', text: 'one two three' });
    expect(answer.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(answer.headers['x-answer']).toBe('42');
  });

  test('a handler that throws answers 500 with no trace of the error, told to onError', async () => {
    const reported: unknown[] = [];
    const { origin } = await start(
      () => {
        throw new Error('database password is hunter2');
      },
      { onError: (error) => reported.push(error) },
    );
    const answer = await call(`${origin}/`);
    expect(answer.status).toBe(500);
    expect(answer.text).toBe('');
    expect(JSON.stringify(answer.headers)).not.toContain('hunter2');
    expect(String(reported[0])).toContain('hunter2');

    const { origin: second } = await start(async () => Promise.reject(new Error('hunter2 again')));
    expect(await call(`${second}/`)).toMatchObject({ status: 500, text: '' });
    const { origin: third } = await start(() => 'not a Response' as unknown as Response);
    expect(await call(`${third}/`)).toMatchObject({ status: 500, text: '' });
  });

  test('a body that breaks off mid-way cuts the connection rather than passing for complete', async () => {
    const { origin } = await start(
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.enqueue(new TextEncoder().encode('partial'));
              controller.error(new Error('upstream broke'));
            },
          }),
        ),
    );
    await expect(call(`${origin}/`)).rejects.toThrow();
  });
});

describe('the body cap', () => {
  /** A handler that reads the body and records how many bytes it got, and how it ended. */
  function counter() {
    const got: { bytes: number; ended: string }[] = [];
    const handler: FetchHandler = async (request) => {
      let bytes = 0;
      let ended = 'end';
      try {
        for await (const part of request.body!) bytes += part.byteLength;
      } catch (error) {
        ended = (error as Error).message;
      }
      got.push({ bytes, ended });
      return new Response(`read ${bytes}`);
    };
    return { got, handler };
  }

  test('a streamed body past maxBodyBytes gets 413, and the handler never sees more than the cap', async () => {
    const { got, handler } = counter();
    const { port } = await start(handler, { maxBodyBytes: 1000 });
    const head = 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n';
    const answer = await raw(port, [head, chunk('a'.repeat(600)), 20, chunk('b'.repeat(600))]);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    await expect.poll(() => got).toHaveLength(1);
    expect(got[0]!.bytes).toBeLessThanOrEqual(1000);
    expect(got[0]!.ended).toMatch(/larger than 1000 bytes/);
  });

  test('a body at the cap passes; a Content-Length over it is refused before the handler runs', async () => {
    const { got, handler } = counter();
    const { origin, port } = await start(handler, { maxBodyBytes: 1000 });
    expect(await call(`${origin}/`, { method: 'POST', body: 'x'.repeat(1000) })).toMatchObject({ status: 200, text: 'read 1000' });
    const answer = await raw(port, ['POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1001\r\n\r\n']);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(got).toEqual([{ bytes: 1000, ended: 'end' }]);
  });

  test('maxBodyBytes out of range throws InputError when the listener is made', () => {
    for (const maxBodyBytes of [-1, Number.NaN, 2 ** 33]) {
      expect(() => toNodeHandler(() => new Response(), { maxBodyBytes }), String(maxBodyBytes)).toThrow(InputError);
    }
  });
});

describe('as Express/Connect middleware (req, res, next), without Express', () => {
  const webhook = () => {
    const followed: string[] = [];
    const handle = createWebhookHandler({ secret: SECRET, on: { 'channel.follow': (event) => void followed.push(event.user_login) } });
    return { followed, handle };
  };

  /** Reads the whole body the way a body parser does, before the middleware runs. */
  const readAll = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      req.on('data', (part: Buffer) => parts.push(part));
      req.on('end', () => resolve(Buffer.concat(parts)));
    });

  /** A tiny app: `parser` runs first (as app.use(express.raw()) would), then the middleware; next() is recorded. */
  async function app(handler: FetchHandler, parser?: (req: IncomingMessage & { body?: unknown }) => Promise<void>) {
    const nexts: unknown[] = [];
    const middleware = toNodeHandler(handler);
    const running = await serve(async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
      await parser?.(req);
      middleware(req, res, (error?: unknown) => {
        nexts.push(error);
        res.writeHead(error ? 500 : 404).end(error ? 'from the error handler' : 'not found');
      });
    });
    servers.push(running);
    return { ...running, nexts };
  }

  test('mounted before any body parser, it reads the stream itself', async () => {
    const { followed, handle } = webhook();
    const { origin, nexts } = await app(handle);
    expect((await forward(await signedRequest(followNotification('streamed')), origin)).status).toBe(204);
    expect(followed).toEqual(['streamed']);
    expect(nexts).toEqual([]);
  });

  test('after a raw body parser (req.body is a Buffer), the signature is checked over those bytes', async () => {
    const { followed, handle } = webhook();
    const { origin, nexts } = await app(handle, async (req) => {
      req.body = await readAll(req);
    });
    expect((await forward(await signedRequest(followNotification('raw_parser')), origin)).status).toBe(204);
    const body = { challenge: 'raw-challenge', subscription: subscription('channel.follow', 'webhook_callback_verification_pending') };
    expect(await forward(await signedRequest(body, { kind: 'webhook_callback_verification' }), origin)).toMatchObject({ status: 200, text: 'raw-challenge' });
    expect((await forward(await signedRequest(followNotification('forged'), { secret: 'wrong-secret-123' }), origin)).status).toBe(403);
    expect(followed).toEqual(['raw_parser']);
    expect(nexts).toEqual([]);
  });

  test('after a text body parser (req.body is a string), the same', async () => {
    const { followed, handle } = webhook();
    const { origin } = await app(handle, async (req) => {
      req.body = (await readAll(req)).toString('utf8');
    });
    expect((await forward(await signedRequest(followNotification('text_parser')), origin)).status).toBe(204);
    expect(followed).toEqual(['text_parser']);
  });

  test('after a JSON body parser (req.body is an object), it passes an error to next() and calls nothing', async () => {
    const { followed, handle } = webhook();
    let called = 0;
    const { origin, nexts } = await app(
      (request) => {
        called++;
        return handle(request);
      },
      async (req) => {
        req.body = JSON.parse((await readAll(req)).toString('utf8'));
      },
    );
    const answer = await forward(await signedRequest(followNotification('json_parser')), origin);
    expect(answer).toMatchObject({ status: 500, text: 'from the error handler' });
    expect(String(nexts[0])).toMatch(/express\.raw\(\)/);
    expect(called).toBe(0);
    expect(followed).toEqual([]);
  });

  test('a raw body over maxBodyBytes gets 413 too', async () => {
    const { seen, handler } = recorder();
    const nexts: unknown[] = [];
    const middleware = toNodeHandler(handler, { maxBodyBytes: 10 });
    const running = await serve(async (req: IncomingMessage & { body?: unknown }, res) => {
      req.body = await readAll(req);
      middleware(req, res, (error) => nexts.push(error));
    });
    servers.push(running);
    expect((await call(`${running.origin}/`, { method: 'POST', body: 'x'.repeat(11) })).status).toBe(413);
    expect(seen).toEqual([]);
  });

  test('below a mount path, the handler sees the URL the client asked for (originalUrl)', async () => {
    const { seen, handler } = recorder();
    const middleware = toNodeHandler(handler);
    const running = await serve((req: IncomingMessage & { originalUrl?: string }, res) => {
      // What app.use('/hooks', middleware) does before calling it.
      req.originalUrl = req.url;
      req.url = req.url!.slice('/hooks'.length) || '/';
      middleware(req, res);
    });
    servers.push(running);
    await call(`${running.origin}/hooks/eventsub?v=2`);
    expect(seen[0]!.url).toBe(`${running.origin}/hooks/eventsub?v=2`);
  });
});

test('nothing else in src/ imports src/node.ts', () => {
  const root = fileURLToPath(new URL('../../src', import.meta.url));
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
  const importers = walk(root).filter((path) => /from\s+'(?:\.{1,2}\/)+node\.js'/.test(readFileSync(path, 'utf8')));
  expect(importers).toEqual([]);
});
