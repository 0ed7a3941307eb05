// Where this example's queue consumer puts events: a log by message id, so a queue redelivery
// (queues deliver at least once) is counted, not doubled. A real consumer does the app's work here.
import { DurableObject } from 'cloudflare:workers';
import type { QueuedEvent } from './env.ts';

/** An event as logged: what was queued, how often the queue handed it over, and by how many dispatches. */
export interface LoggedEvent extends Omit<QueuedEvent, 'dispatch'> {
  /** Distinct dispatches (a webhook handler or shard that ran for it): 1 when nothing ran twice. */
  dispatches: number;
  /** Queue deliveries, redeliveries included. */
  deliveries: number;
  /** When it was first logged (ms since the epoch). */
  at: number;
}

export class EventLogObject extends DurableObject {
  async record(events: readonly QueuedEvent[]): Promise<void> {
    for (const { dispatch, ...event } of events) {
      const key = `event:${event.id}`;
      const entry = (await this.ctx.storage.get<LoggedEvent & { ids: string[] }>(key)) ?? { ...event, dispatches: 0, deliveries: 0, at: Date.now(), ids: [] };
      entry.deliveries++;
      if (!entry.ids.includes(dispatch)) entry.ids.push(dispatch);
      entry.dispatches = entry.ids.length;
      await this.ctx.storage.put(key, entry);
    }
  }

  /** Every event logged, oldest first. */
  async list(): Promise<LoggedEvent[]> {
    const entries = [...(await this.ctx.storage.list<LoggedEvent & { ids?: string[] }>({ prefix: 'event:' })).values()];
    return entries.sort((a, b) => a.at - b.at).map(({ ids: _ids, ...entry }) => entry);
  }
}
