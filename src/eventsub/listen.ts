// Promise and async-iterator views of a socket's listeners. Functions, not socket methods, so a
// program that only uses `on` does not ship them (about 340 B gzip).

import { closedError, EventSubError, later, type EventSubSocket, type EventSubSocketEventName, type EventSubSocketValue } from './socket.js';

/**
 * Listens to `name` on `socket` (`each` gets every value) until the returned `stop` is called,
 * the signal aborts or the socket closes; `end` is then called once, with the reason when there
 * is one. What `events` and `waitFor` share.
 */
function follow(socket: EventSubSocket, name: string, signal: AbortSignal | undefined, each: (value: unknown) => void, end: (error?: unknown) => void) {
  const on = (name: string, handler: (value: unknown) => void) => socket.on(name as 'close', handler);
  let offs: (() => void)[] | undefined = [];
  const onAbort = () => stop(signal!.reason);
  const stop = (error?: unknown) => {
    if (!offs) return;
    for (const off of offs) off();
    offs = undefined;
    signal?.removeEventListener('abort', onAbort);
    end(error);
  };
  offs.push(on(name, each), on('close', () => stop(closedError())));
  if (socket.state === 'closed') stop(closedError());
  else if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return stop;
}

/**
 * Notifications of a type (or payloads of one of the socket's own events) as an async iterator;
 * it ends when the socket is closed, the signal aborts or the loop breaks. Listening starts at
 * the call, so nothing that arrives before the first `next()` is missed.
 *
 * ```ts
 * for await (const follow of events(socket, 'channel.follow')) console.log(follow.user_name);
 * ```
 */
export function events<K extends EventSubSocketEventName>(
  socket: EventSubSocket,
  name: K,
  options: { signal?: AbortSignal } = {},
): AsyncIterableIterator<EventSubSocketValue<K>> {
  type Value = EventSubSocketValue<K>;
  const queue: Value[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  const stop = follow(
    socket,
    name,
    options.signal,
    (event) => {
      queue.push(event as Value);
      wake?.();
    },
    () => {
      done = true;
      wake?.();
    },
  );
  // Breaking the loop (return) runs the finally.
  const iterator = (async function* () {
    try {
      for (;;) {
        while (!queue.length && !done) await new Promise<void>((resolve) => (wake = resolve));
        if (!queue.length) return;
        yield queue.shift()!;
      }
    } finally {
      stop();
    }
  })();
  // A generator skips its finally when returned before it started, and queues a return behind a
  // waiting next(): stopping first ends both cases at once.
  const end = iterator.return;
  iterator.return = (value) => (stop(), end.call(iterator, value));
  return iterator;
}

/**
 * Resolves with the next notification of a type (or payload of one of the socket's own events,
 * e.g. `session`) that matches `predicate`. Rejects with `EventSubError` `timeout` after
 * `timeout` ms, `closed` when the socket closes, or the signal's reason when it aborts.
 */
export function waitFor<K extends EventSubSocketEventName>(
  socket: EventSubSocket,
  name: K,
  options: { predicate?: (value: EventSubSocketValue<K>) => boolean; timeout?: number; signal?: AbortSignal } = {},
): Promise<EventSubSocketValue<K>> {
  type Value = EventSubSocketValue<K>;
  const { predicate, timeout, signal } = options;
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let found: Value;
    let ended = false;
    const stop = follow(
      socket,
      name,
      signal,
      (event) => {
        if (predicate && !predicate(event as Value)) return;
        found = event as Value;
        stop();
      },
      (error) => {
        ended = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(found);
      },
    );
    if (timeout !== undefined && !ended) timer = later(() => stop(new EventSubError('timeout', `no ${name} within ${timeout} ms`)), timeout);
  });
}
