// Cloudflare Worker (workerd via miniflare): the secret comes from a binding.
import { createApp } from './app.ts';

let app: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: { SECRET: string }): Promise<Response> {
    app ??= createApp(env.SECRET);
    return app(request);
  },
};
