// A WebSocket that never touches the network: the bench opens it and pushes frames into it.
// It speaks both dialects the contenders use: `addEventListener` (helixkit) and `onmessage`
// with `terminate()` (Twurple, through the `ws` package's shape).

type Listener = (event: any) => void;

export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  /** Every socket opened since the last `reset()`, oldest first. */
  static opened: FakeWebSocket[] = [];

  readonly url: string;
  readyState = FakeWebSocket.CONNECTING;
  binaryType = 'blob';
  protocol = '';
  extensions = '';
  bufferedAmount = 0;
  onopen: Listener | null = null;
  onmessage: Listener | null = null;
  onclose: Listener | null = null;
  onerror: Listener | null = null;
  readonly #listeners = new Map<string, Set<Listener>>();

  constructor(url: string | URL) {
    this.url = String(url);
    FakeWebSocket.opened.push(this);
    queueMicrotask(() => {
      if (this.readyState !== FakeWebSocket.CONNECTING) return;
      this.readyState = FakeWebSocket.OPEN;
      this.#fire('open', { type: 'open' });
    });
  }

  static last(): FakeWebSocket {
    const socket = FakeWebSocket.opened.at(-1);
    if (!socket) throw new Error('no FakeWebSocket was opened');
    return socket;
  }

  static reset(): void {
    FakeWebSocket.opened = [];
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.#listeners.get(type)?.delete(listener);
  }

  send(): void {}

  close(code = 1000, reason = ''): void {
    if (this.readyState >= FakeWebSocket.CLOSING) return;
    this.readyState = FakeWebSocket.CLOSED;
    this.#fire('close', { type: 'close', code, reason, wasClean: true });
  }

  terminate(): void {
    this.close(1006, '');
  }

  /** Delivers one text frame from the "server". */
  receive(data: string): void {
    this.#fire('message', { type: 'message', data });
  }

  #fire(type: string, event: { type: string; [key: string]: unknown }): void {
    (this as unknown as Record<string, Listener | null>)[`on${type}`]?.(event);
    const set = this.#listeners.get(type);
    if (set) for (const listener of set) listener(event);
  }
}

// The name `@d-fischer/isomorphic-ws` exports, so a resolve hook can put this module in its place.
export { FakeWebSocket as WebSocket };
