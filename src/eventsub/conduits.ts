// A socket as a conduit shard. A function, not a socket method, so a program without conduits
// (a page or an overlay) does not ship it.

import { InputError } from '../errors.js';
import { anything } from '../validate.js';
import type { EventSubSession } from './messages.js';
import { EventSubError, shards, socketAccess, spec, type EventSubSocket } from './socket.js';

interface Shard {
  conduitId: string;
  shardId: string;
  /** The session the shard points at (or is being pointed at). */
  sessionId?: string;
  pending?: Promise<void>;
}

const attached = /* @__PURE__ */ new WeakMap<EventSubSocket, Shard>();

/**
 * Points a conduit shard at `socket`'s session now and after every new session, so the conduit's
 * subscriptions arrive on it. Needs an app token. Calling it again costs nothing while the shard
 * points at the current session, and retries after a failed attempt: a supervisor's periodic
 * check may simply call it. A failure rejects and also goes to the socket's `error` listeners
 * (`EventSubError` code `conduit`, Twitch's answer as `cause`).
 * @see https://dev.twitch.tv/docs/api/reference/#update-conduit-shards
 */
export async function attachToConduit(socket: EventSubSocket, conduitId: string, shardId: string | number): Promise<void> {
  if (!conduitId) throw new InputError('conduitId', 'is required');
  shardId = String(shardId);
  let shard = attached.get(socket);
  // The same shard keeps its record, so a shard attached to this session is not attached again.
  if (shard?.conduitId !== conduitId || shard.shardId !== shardId) attached.set(socket, (shard = { conduitId, shardId }));
  const [call, report] = socketAccess.get(socket)!;
  /** Points the shard at `session`, once per session however many callers ask. */
  const attach = (session: EventSubSession): Promise<void> => {
    const current = attached.get(socket)!;
    if (current.sessionId !== session.id) {
      current.sessionId = session.id;
      current.pending = (async () => {
        try {
          const body = (await call(spec('update-conduit-shards', 'PATCH', 'eventsub/conduits/shards', ['app'], { body: ['conduit_id', 'shards'], response: anything }), {
            conduit_id: current.conduitId,
            shards: [{ id: current.shardId, transport: { method: 'websocket', session_id: session.id } }],
          })) as { errors?: { id?: string; message?: string; code?: string }[] };
          const problem = body?.errors?.[0];
          if (problem) throw new Error(problem.message ?? problem.code ?? 'refused');
        } catch (error) {
          // A session replaced meanwhile has its own attachment under way: that one's outcome counts.
          if (current.sessionId !== session.id) return current.pending;
          current.sessionId = undefined;
          // A refusal in `errors` and a failed call alike: the shard named, what went wrong as cause.
          const wrapped = new EventSubError('conduit', `conduit ${current.conduitId} shard ${current.shardId}: ${(error as Error).message}`, undefined, { cause: error });
          report(wrapped);
          throw wrapped;
        }
      })();
    }
    return current.pending!;
  };
  shards.set(socket, attach);
  await attach(await socket.connect());
}
