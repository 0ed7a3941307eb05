/** The fake Helix's route table: operation id → handler. Operations without one answer with a sampled body. */
import type { RouteHandler } from './helix-context.js';
import { channelRoutes } from './helix-channels.js';
import { engagementRoutes } from './helix-engagement.js';
import { eventSubRoutes } from './helix-eventsub.js';
import { extraRoutes } from './helix-extras.js';
import { moderationRoutes } from './helix-moderation.js';
import { pinRoutes } from './helix-pins.js';

/** The stateful handler of an operation, if the fake keeps state for it. */
export function routeFor(id: string): RouteHandler | undefined {
  return channelRoutes[id] ?? moderationRoutes[id] ?? pinRoutes[id] ?? engagementRoutes[id] ?? eventSubRoutes[id] ?? extraRoutes[id];
}

/** Ids of every operation with a stateful handler. */
export function statefulOperations(): string[] {
  return [channelRoutes, moderationRoutes, pinRoutes, engagementRoutes, eventSubRoutes, extraRoutes].flatMap((table) =>
    Object.keys(table),
  );
}
