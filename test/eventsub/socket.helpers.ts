// Shared setup for the EventSubSocket tests: the fake EventSub WebSocket plus a small Helix fake
// for the three operations the socket calls (the full Helix fake lives in src/testing).
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { vi } from 'vitest';
import { createClient, type Client } from '../../src/client.js';
import { EventSubSocket, type EventSubSocketOptions } from '../../src/eventsub/socket.js';
import { eventsubSessions, eventsubWs, type EventSubWsOptions } from '../../src/testing/eventsub-ws.js';
import { createState, isoTime, randomUuid, type TwitchState } from '../../src/testing/state.js';

const HELIX = 'https://api.twitch.tv/helix/';

export interface HelixCall {
  method: string;
  path: string;
  body?: Record<string, unknown>;
  query: Record<string, string>;
}

/** Helix handlers for subscriptions and conduit shards, backed by the fake state. */
export function helixHandlers(state: TwitchState, calls: HelixCall[], override: { create?: (body: Record<string, unknown>) => Response | undefined } = {}) {
  return [
    http.post(`${HELIX}eventsub/subscriptions`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      calls.push({ method: 'POST', path: 'eventsub/subscriptions', body, query: {} });
      const forced = override.create?.(body);
      if (forced) return forced;
      const transport = body.transport as { method: string; session_id?: string };
      const session = transport.session_id ? eventsubSessions(state).get(transport.session_id) : undefined;
      if (transport.method === 'websocket' && !session) {
        return HttpResponse.json({ error: 'Bad Request', status: 400, message: 'websocket transport session does not exist or has already disconnected' }, { status: 400 });
      }
      const same = [...state.eventSubSubscriptions.values()].find(
        (sub) =>
          sub.status === 'enabled' &&
          sub.type === body.type &&
          sub.version === body.version &&
          sub.transport.session_id === transport.session_id &&
          JSON.stringify(sub.condition) === JSON.stringify(body.condition),
      );
      if (same) return HttpResponse.json({ error: 'Conflict', status: 409, message: 'subscription already exists' }, { status: 409 });
      const id = randomUuid(state);
      const record = {
        id,
        status: 'enabled',
        type: String(body.type),
        version: String(body.version),
        condition: body.condition as Record<string, string>,
        created_at: isoTime(state.now()),
        transport: { method: 'websocket' as const, session_id: transport.session_id!, connected_at: isoTime(state.now()) },
        cost: 0,
        client_id: state.clientId,
      };
      state.eventSubSubscriptions.set(id, record);
      const { client_id: _, ...data } = record;
      return HttpResponse.json({ data: [data], total: state.eventSubSubscriptions.size, total_cost: 0, max_total_cost: 10 }, { status: 202 });
    }),
    http.delete(`${HELIX}eventsub/subscriptions`, ({ request }) => {
      const id = new URL(request.url).searchParams.get('id') ?? '';
      calls.push({ method: 'DELETE', path: 'eventsub/subscriptions', query: { id } });
      if (!state.eventSubSubscriptions.delete(id)) {
        return HttpResponse.json({ error: 'Not Found', status: 404, message: 'subscription not found' }, { status: 404 });
      }
      return new HttpResponse(null, { status: 204 });
    }),
    http.patch(`${HELIX}eventsub/conduits/shards`, async ({ request }) => {
      const body = (await request.json()) as { conduit_id: string; shards: { id: string; transport: { method: 'websocket'; session_id: string } }[] };
      calls.push({ method: 'PATCH', path: 'eventsub/conduits/shards', body, query: {} });
      const shards = state.shards.get(body.conduit_id);
      if (!shards) return HttpResponse.json({ error: 'Not Found', status: 404, message: 'conduit not found' }, { status: 404 });
      const data = [];
      const errors = [];
      for (const update of body.shards) {
        const shard = shards.find((candidate) => candidate.id === update.id);
        if (!shard || !eventsubSessions(state).has(update.transport.session_id)) {
          errors.push({ id: update.id, message: 'shard or session not found', code: 'not_found' });
          continue;
        }
        shard.status = 'enabled';
        shard.transport = { method: 'websocket', session_id: update.transport.session_id, connected_at: isoTime(state.now()) };
        data.push({ id: shard.id, status: shard.status, transport: shard.transport });
      }
      return HttpResponse.json({ data, errors }, { status: 202 });
    }),
  ];
}

export interface Harness {
  state: TwitchState;
  fake: ReturnType<typeof eventsubWs>['controls'];
  client: Client;
  calls: HelixCall[];
  server: ReturnType<typeof setupServer>;
  override: { create?: (body: Record<string, unknown>) => Response | undefined };
  socket(options?: Partial<EventSubSocketOptions>): EventSubSocket;
  /** Lets timers and pending I/O run for `ms` of fake time. */
  tick(ms?: number): Promise<void>;
  stop(): void;
}

export const follow = (user: string) => ({
  user_id: user,
  user_login: `user_${user}`,
  user_name: `User_${user}`,
  broadcaster_user_id: '1',
  broadcaster_user_login: 'b',
  broadcaster_user_name: 'B',
  followed_at: '2024-01-01T00:00:00Z',
});

/** Starts msw with the fake EventSub WebSocket and Helix handlers, under fake timers. */
export function harness(options: EventSubWsOptions = {}): Harness {
  vi.useFakeTimers();
  const state = createState();
  const fake = eventsubWs(state, options);
  const calls: HelixCall[] = [];
  const override: Harness['override'] = {};
  const server = setupServer(...fake.handlers, ...helixHandlers(state, calls, override));
  server.listen({ onUnhandledFrame: 'error' });
  const client = createClient({ clientId: state.clientId, auth: state.userToken, retry: { limit: 0 } });
  const sockets: EventSubSocket[] = [];
  return {
    state,
    fake: fake.controls,
    client,
    calls,
    server,
    override,
    socket(extra = {}) {
      const socket = new EventSubSocket({ client, reconnect: { minDelayMs: 1000, maxDelayMs: 8000 }, ...extra });
      sockets.push(socket);
      return socket;
    },
    tick: (ms = 0) => vi.advanceTimersByTimeAsync(ms).then(() => undefined),
    stop() {
      for (const socket of sockets) socket.close();
      server.close();
      vi.useRealTimers();
    },
  };
}

/** A condition the fake accepts for channel.follow. */
export const followCondition = { broadcaster_user_id: '1', moderator_user_id: '1' };
