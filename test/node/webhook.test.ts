// The EventSub webhook handler served by node:http through toNodeHandler, over real sockets on
// 127.0.0.1: what Twitch sends, what a forger sends, and clients that send too much or leave.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { toNodeHandler } from '../../src/node.ts';
import { createWebhookHandler } from '../../src/webhooks.ts';
import { SECRET, followNotification, signedRequest, subscription } from '../webhooks/sign.ts';
import { chunk, forward, raw, serve, type Running } from './http.ts';

const followed: string[] = [];
const errors: unknown[] = [];
/** Each request the handler finished, with whether its signal had fired by then. */
const finished: { status: number; aborted: boolean }[] = [];
let settle: (() => void) | undefined;

const webhook = createWebhookHandler({
  secret: SECRET,
  on: { 'channel.follow': (event) => void followed.push(event.user_login) },
  onError: (error) => void errors.push(error),
});

let running: Running;
beforeAll(async () => {
  running = await serve(
    toNodeHandler(async (request) => {
      const response = await webhook(request);
      finished.push({ status: response.status, aborted: request.signal.aborted });
      settle?.();
      return response;
    }),
  );
});
afterAll(() => running?.close());
beforeEach(() => {
  followed.length = 0;
  errors.length = 0;
  finished.length = 0;
});

/** Resolves when the handler has finished one more request (bounded). */
const handled = () =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the handler did not finish')), 3000);
    settle = () => {
      clearTimeout(timer);
      settle = undefined;
      resolve();
    };
  });

describe('the webhook handler behind toNodeHandler', () => {
  test("answers Twitch's challenge with the challenge as text/plain", async () => {
    const body = { challenge: 'pogchamp-kappa-360noscope-vohiyo', subscription: subscription('channel.follow', 'webhook_callback_verification_pending') };
    const answer = await forward(await signedRequest(body, { kind: 'webhook_callback_verification' }), running.origin);
    expect(answer).toMatchObject({ status: 200, text: 'pogchamp-kappa-360noscope-vohiyo' });
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
  });

  test('dispatches a signed notification and answers 204', async () => {
    const answer = await forward(await signedRequest(followNotification('node_viewer')), running.origin);
    expect(answer.status).toBe(204);
    expect(followed).toEqual(['node_viewer']);
  });

  test('refuses a bad signature with 403 and dispatches nothing', async () => {
    const request = await signedRequest(followNotification('forger'), { secret: 'not-the-secret-123' });
    expect((await forward(request, running.origin)).status).toBe(403);
    const unsigned = await signedRequest(followNotification('forger'), { signature: null });
    expect((await forward(unsigned, running.origin)).status).toBe(403);
    expect(followed).toEqual([]);
  });

  test('refuses a Content-Length over 1 MiB with 413 before the handler runs or any body is sent', async () => {
    const head = `POST /eventsub HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${1024 * 1024 + 1}\r\n\r\n`;
    const answer = await raw(running.port, [head]);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(finished).toEqual([]);
  });

  test('refuses a streamed (chunked) body once it passes 1 MiB with 413', async () => {
    const head = 'POST /eventsub HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    const piece = chunk(new Uint8Array(256 * 1024).fill(0x20));
    const answer = await raw(running.port, [head, piece, piece, piece, piece, chunk(' ')]);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(followed).toEqual([]);
  });

  test('a client that disconnects mid-body aborts the signal, and the server goes on serving', async () => {
    const head = 'POST /eventsub HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n';
    const done = handled();
    await raw(running.port, [head, '{"subscription":', 50], { hangUp: true });
    await done;
    expect(finished).toEqual([{ status: 400, aborted: true }]);
    // Reported as a WebhookError `body`, whose cause is the stream's own error.
    expect(errors[0]).toMatchObject({ code: 'body' });
    expect(String((errors[0] as Error).cause)).toMatch(/disconnected/);
    expect(followed).toEqual([]);
    // The next delivery is served as usual.
    expect((await forward(await signedRequest(followNotification('after_disconnect')), running.origin)).status).toBe(204);
    expect(followed).toEqual(['after_disconnect']);
  });
});
