// One conduit shard per Durable Object. The object holds the EventSub WebSocket (an outbound one:
// hibernation does not apply to it) and queues every notification. Which shard it serves is in its
// storage, so whatever wakes it after an eviction, a crash or a deploy (its alarm, a request)
// attaches the shard to a new session at once. The alarm, every ALARM_SECONDS, is that wake-up call:
// it also checks the socket, and opens a new one when the old one gave up.
import { DurableObject } from 'cloudflare:workers';
import { attachToConduit, EventSubSocket, type EventSubSocketState } from 'helixkit/eventsub';
import { appClient, type Env, type QueuedEvent } from './env.ts';

interface Assignment {
  conduitId: string;
  shardId: string;
}

/** What `status()` tells: the shard served, the socket's state and session, and since when this instance runs. */
export interface ShardStatus {
  shardId: string | undefined;
  state: EventSubSocketState | 'none';
  sessionId: string | undefined;
  since: number;
}

export class ShardObject extends DurableObject<Env> {
  #assignment: Assignment | undefined;
  #socket: EventSubSocket | undefined;
  readonly #since = Date.now();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.#assignment = await ctx.storage.get<Assignment>('assignment');
      // A new instance of a shard that ran before: take the shard back now, without making the
      // event that woke us wait for Twitch.
      if (this.#assignment) void this.#keep().catch((error: Error) => console.warn(`shard ${this.#assignment?.shardId}: ${error.message}`));
    });
  }

  /** Serves shard `shardId` of `conduitId` from now on, across restarts, until `stop()`. */
  async start(conduitId: string, shardId: string): Promise<ShardStatus> {
    if (this.#assignment && (this.#assignment.conduitId !== conduitId || this.#assignment.shardId !== shardId)) this.#close();
    this.#assignment = { conduitId, shardId };
    await this.ctx.storage.put('assignment', this.#assignment);
    await this.#arm();
    await this.#keep();
    return this.status();
  }

  /** The health check: the next one is booked first, so a failure here never ends the checks. */
  async alarm(): Promise<void> {
    await this.#arm();
    await this.#keep().catch((error: Error) => console.warn(`shard ${this.#assignment?.shardId}: ${error.message}`));
  }

  status(): ShardStatus {
    return { shardId: this.#assignment?.shardId, state: this.#socket?.state ?? 'none', sessionId: this.#socket?.session?.id, since: this.#since };
  }

  /** Ends this instance as an eviction or a deploy would (its memory and WebSocket go): to watch it come back. */
  crash(): void {
    this.ctx.abort('crash requested');
  }

  /** Stops serving (after the conduit shrank, say): closes the socket, forgets the shard and the alarm. */
  async stop(): Promise<ShardStatus> {
    this.#close();
    this.#assignment = undefined;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    return this.status();
  }

  #arm(): Promise<void> {
    return this.ctx.storage.setAlarm(Date.now() + Number(this.env.ALARM_SECONDS ?? 30) * 1000);
  }

  /**
   * A socket that is open, or reconnecting by itself, with the shard pointed at its session.
   * attachToConduit works once per session however often it is called: while the shard points
   * here it costs nothing, and after a failed attempt it tries again.
   */
  async #keep(): Promise<void> {
    const assignment = this.#assignment;
    if (!assignment) return;
    // 'idle' (it gave up, or Twitch ended the session for good) reconnects on the call below.
    if (!this.#socket || this.#socket.state === 'closed') this.#socket = this.#open(assignment.shardId);
    await attachToConduit(this.#socket, assignment.conduitId, assignment.shardId);
  }

  #open(shardId: string): EventSubSocket {
    const socket = new EventSubSocket({ client: appClient(this.env), ...(this.env.EVENTSUB_URL ? { url: this.env.EVENTSUB_URL } : {}) });
    socket.on('notification', (message) => {
      const { subscription, event, events } = message.payload;
      const queued: QueuedEvent = { id: message.metadata.message_id, type: subscription.type, via: `shard ${shardId}`, dispatch: crypto.randomUUID(), event: events ?? event };
      return this.env.EVENTS.send(queued);
    });
    socket.on('error', (error) => console.warn(`shard ${shardId}: ${error.message}`));
    return socket;
  }

  #close(): void {
    this.#socket?.close();
    this.#socket = undefined;
  }
}
