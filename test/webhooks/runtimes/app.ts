// The app every runtime test serves: the webhook handler on POST, and the dispatched follows on
// GET /follows so the test can see what ran.
import { createWebhookHandler } from '../../../src/webhooks.ts';

export function createApp(secret: string): (request: Request) => Promise<Response> {
  const follows: string[] = [];
  const handle = createWebhookHandler({
    secret,
    on: { 'channel.follow': (event) => void follows.push(String(event.user_login)) },
  });
  return async (request) => {
    if (request.method === 'GET' && new URL(request.url).pathname === '/follows') return Response.json(follows);
    return handle(request);
  };
}
