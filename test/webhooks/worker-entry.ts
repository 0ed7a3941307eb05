// A Cloudflare Worker that receives channel.follow over EventSub webhooks: the bundle-size
// yardstick for `helixkit/webhooks` (bundle it with esbuild; see runtimes.test.ts).
import { createWebhookHandler } from '../../src/webhooks.ts';

interface Env {
  TWITCH_EVENTSUB_SECRET: string;
}

let handle: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handle ??= createWebhookHandler({
      secret: env.TWITCH_EVENTSUB_SECRET,
      on: {
        'channel.follow': (event) => {
          console.log(`${event.user_name} followed ${event.broadcaster_user_name}`);
        },
      },
    });
    return handle(request);
  },
};
