// A small Twitch-like IRC-over-WebSocket server on 127.0.0.1 for the chat client tests.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeIrcServer {
  url: string;
  /** Every line received, on every connection, in order. */
  lines: string[];
  /** Lines received on each connection, oldest connection first. */
  connections: string[][];
  /** `Date.now()` when each connection was accepted (fake time under fake timers). */
  times: number[];
  /** Sends a line to the newest connection. */
  send(line: string): void;
  /** Sends one WebSocket text message exactly as given (no line ending added). */
  frame(data: string): void;
  /** Writes raw bytes on the newest connection's TCP socket, past the WebSocket framing. */
  raw(bytes: Uint8Array): void;
  /** Drops the newest connection without a closing handshake (an unexpected close). */
  drop(): void;
  /** Closes the server and every connection. */
  close(): Promise<void>;
}

export interface FakeIrcServerOptions {
  /** A PASS value accepted (`oauth:…`); any other PASS gets Twitch's login failure notice. */
  acceptPass?: string;
  /** Lines sent after a JOIN's confirmation (e.g. a USERSTATE), `#channel` replaced. */
  afterJoin?: string[];
  /** Hostile: lines sent right after the welcome, e.g. a RECONNECT. */
  afterWelcome?: string[];
  /** Hostile: closes each connection right after the welcome. */
  closeAfterWelcome?: boolean;
  /** Hostile: closes each connection as soon as it is accepted. */
  closeOnConnect?: boolean;
  /** Hostile: sends every line it receives straight back (PASS included). */
  echo?: boolean;
}

export async function startIrcServer(options: FakeIrcServerOptions = {}): Promise<FakeIrcServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const lines: string[] = [];
  const connections: string[][] = [];
  const times: number[] = [];
  const sockets: WebSocket[] = [];

  wss.on('connection', (socket) => {
    const received: string[] = [];
    connections.push(received);
    times.push(Date.now());
    sockets.push(socket);
    let pass: string | undefined;
    let nick = '';
    const reply = (line: string) => socket.send(`${line}\r\n`);
    if (options.closeOnConnect) return void socket.close();
    socket.on('message', (data) => {
      for (const line of String(data).split('\r\n')) {
        if (!line) continue;
        lines.push(line);
        received.push(line);
        if (options.echo) reply(line);
        const [command, arg = ''] = line.split(' ');
        if (command == 'CAP') reply(`:tmi.twitch.tv CAP * ACK :${line.split(':')[1]}`);
        else if (command == 'PASS') pass = arg;
        else if (command == 'NICK') {
          nick = arg;
          if (pass !== undefined && pass !== options.acceptPass) {
            reply(':tmi.twitch.tv NOTICE * :Login authentication failed');
            socket.close();
            continue;
          }
          reply(`:tmi.twitch.tv 001 ${nick} :Welcome, GLHF!`);
          reply(`:tmi.twitch.tv 376 ${nick} :>`);
          for (const extra of options.afterWelcome ?? []) reply(extra);
          if (options.closeAfterWelcome) socket.close();
        } else if (command == 'JOIN') {
          for (const channel of arg.split(',')) {
            reply(`:${nick}!${nick}@${nick}.tmi.twitch.tv JOIN ${channel}`);
            reply(`:${nick}.tmi.twitch.tv 353 ${nick} = ${channel} :${nick}`);
            reply(`:${nick}.tmi.twitch.tv 366 ${nick} ${channel} :End of /NAMES list`);
            reply(`@emote-only=0;followers-only=-1;r9k=0;room-id=1;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE ${channel}`);
            for (const extra of options.afterJoin ?? []) reply(extra.replaceAll('#channel', channel));
          }
        } else if (command == 'PART') reply(`:${nick}!${nick}@${nick}.tmi.twitch.tv PART ${arg}`);
      }
    });
  });

  const newest = () => sockets.at(-1)!;
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    lines,
    connections,
    times,
    send: (line) => newest().send(`${line}\r\n`),
    frame: (data) => newest().send(data),
    raw: (bytes) => (newest() as unknown as { _socket: { write(bytes: Uint8Array): void } })._socket.write(bytes),
    drop: () => newest().terminate(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** Polls `check` on the event loop (not on timers, so fake timers do not stall it). */
export async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
