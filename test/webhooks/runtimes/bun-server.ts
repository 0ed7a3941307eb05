// Bun.serve on 127.0.0.1: port from the first argument (0 picks one), secret from the second;
// prints `listening <port>` once ready.
import { createApp } from './app.ts';

declare const Bun: {
  argv: string[];
  serve(options: { hostname: string; port: number; fetch(request: Request): Promise<Response> }): { port: number };
};

const [port = '0', secret = ''] = Bun.argv.slice(2);
const server = Bun.serve({ hostname: '127.0.0.1', port: Number(port), fetch: createApp(secret) });
console.log(`listening ${server.port}`);
