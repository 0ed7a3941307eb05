// Deno.serve on 127.0.0.1: port from the first argument (0 picks one), secret from the second;
// prints `listening <port>` once ready.
import { createApp } from './app.ts';

declare const Deno: {
  args: string[];
  serve(
    options: { hostname: string; port: number; onListen(address: { port: number }): void },
    handler: (request: Request) => Promise<Response>,
  ): unknown;
};

const [port = '0', secret = ''] = Deno.args;
Deno.serve(
  { hostname: '127.0.0.1', port: Number(port), onListen: ({ port }) => console.log(`listening ${port}`) },
  createApp(secret),
);
