// Timing sanity check for the chat parser and frame splitting on hostile input (the tests assert
// behaviour and counts, never time). Run after `npm run build`: npx node bench/chat-parse.ts
// Every figure should grow linearly: doubling the input about doubles the time.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './bundle.ts';

const chat = (await import(pathToFileURL(join(root, 'dist/chat/index.js')).href)) as typeof import('../src/chat/index.ts');

/** Median milliseconds of `runs` calls of `fn`. */
function time(fn: () => void, runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[runs >> 1]!;
}

const attempt = (line: string) => () => {
  try {
    chat.parseIrcMessage(line);
  } catch {
    // refused lines are the point here
  }
};

/** A client on a fake socket, so a frame goes through the same splitting and parsing as on the wire. */
function frameRunner(): (data: string) => void {
  let socket: { onmessage?: (event: { data: string }) => void; onopen?: () => void; readyState: number } | undefined;
  class FakeSocket {
    readyState = 1;
    onmessage?: (event: { data: string }) => void;
    onopen?: () => void;
    constructor() {
      socket = this;
    }
    send() {}
    close() {}
  }
  const client = new chat.ChatClient({ WebSocket: FakeSocket as unknown as new (url: string) => WebSocket });
  client.on('error', () => {});
  void client.connect().catch(() => {});
  return (data) => socket!.onmessage!({ data });
}

const deliver = frameRunner();
const rows: [string, number][] = [];
const cap = (n: number) => (n + 1 > 65_536 ? 'over' : 'under');
for (const n of [30_000, 60_000, 80_000]) rows.push([`parse: ${n.toLocaleString('en')} \\n then text (${cap(n)} the cap)`, time(attempt(`${'\n'.repeat(n)}x`))]);
for (const n of [500_000, 1_000_000]) rows.push([`parse: a ${n.toLocaleString('en')}-character line`, time(attempt(`:a!a@a PRIVMSG #c :${'x'.repeat(n)}`))]);
for (const n of [100_000, 200_000]) rows.push([`client: a frame of ${n.toLocaleString('en')} line endings`, time(() => deliver('\r\n'.repeat(n)))]);
for (const kb of [50, 100, 200, 400]) rows.push([`client: a ${kb} KB frame of chat lines`, time(() => deliver(`@id=1;emotes=25:0-4 :a!a@a PRIVMSG #c :Kappa hello there\r\n`.repeat(kb * 20)), 9)]);
for (const [what, ms] of rows) console.log(`${what.padEnd(52)} ${ms.toFixed(2).padStart(8)} ms`);
