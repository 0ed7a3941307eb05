// One conduit, four shards, four processes: each child (shard-process.ts, on the built package)
// runs an EventSubSocket attached to its shard, against the loopback fake Twitch this process
// serves. A steady stream of events for many channels flows while one child is killed (SIGKILL)
// and started again; later another child's connection is cut (Twitch closes it with 4006) while
// its process lives on. What must hold, as Twitch's conduit guide describes it:
// - every notification the fake handed to a live shard is received exactly once, by the process
//   whose session it went to; the only ones missing are those in flight to the killed session
//   (Twitch does not resend them: counted and named below);
// - while the shard is down its channels go to their retry shard, and Twitch drops a
//   notification only when both are down (with one process down at a time: none);
// - the restarted process re-attaches the shard: enabled again, on a new session, and its
//   channels come home; the socket whose connection was cut reconnects and re-attaches by itself
//   (attachToConduit holds for every new session). The times are measured and printed, not asserted.
// To see it fail, break re-attachment: HELIXKIT_SCALE_BREAK=reattach starts the replacement with
// --no-reattach.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, type Client } from '../../src/client.js';
import { createConduits, createEventSubSubscription, getConduitShards } from '../../src/helix/index.js';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';

const SHARDS = 4;
const CHANNELS = 48;
const EVENTS = 360;
/** Pause between events: the stream lasts EVENTS × PACE_MS, about 3.6 s. */
const PACE_MS = 10;
/** The child killed, and after how many events. */
const VICTIM = 1;
const KILL_AT = 100;
/** The child whose connection is cut, once the killed one is back and this many events went out. */
const CUT = 3;
const CUT_AFTER = 220;
const BREAK = process.env.HELIXKIT_SCALE_BREAK === 'reattach';

const script = fileURLToPath(new URL('./shard-process.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Line {
  t: 'session' | 'attached' | 'event' | 'error';
  id?: string;
  session?: string;
  channel?: string;
  ms?: number;
  code?: string;
  message?: string;
}

interface Shard {
  shard: number;
  child: ChildProcess;
  lines: Line[];
  exited: Promise<void>;
  /** Resolves with the `attached` line. */
  attached: Promise<Line>;
}

let twitch: RunningMockTwitch;
let app: Client;
const children: ChildProcess[] = [];

beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 21 });
  app = createClient({ clientId: twitch.mock.clientId, auth: twitch.mock.tokens.app, baseUrl: twitch.helixUrl, retry: { limit: 0 } });
});
afterAll(async () => {
  // Each child leads a process group of its own: end the groups, whatever state the test left.
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await twitch?.close();
});

function start(conduitId: string, shard: number, extra: string[] = []): Shard {
  const child = spawn(process.execPath, [script, twitch.helixUrl, twitch.eventsubUrl, twitch.mock.clientId, conduitId, String(shard), ...extra], {
    env: { ...process.env, HELIXKIT_APP_TOKEN: twitch.mock.tokens.app },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  const lines: Line[] = [];
  let resolveAttached!: (line: Line) => void;
  const attached = new Promise<Line>((resolve) => (resolveAttached = resolve));
  let buffer = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = JSON.parse(buffer.slice(0, end)) as Line;
      buffer = buffer.slice(end + 1);
      lines.push(line);
      if (line.t === 'attached') resolveAttached(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    if (stderr) console.error(`shard ${shard} process said:\n${stderr}`);
  });
  return { shard, child, lines, exited, attached };
}

/** Resolves with `value()` once it is truthy; fails with `what` after `timeout` ms. */
async function until<T>(value: () => T | undefined, what: string, timeout = 10_000): Promise<T> {
  for (const end = Date.now() + timeout; ; await sleep(2)) {
    const found = value();
    if (found) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

test('a conduit across processes: a killed shard process restarts and re-attaches; every event arrives once, or is named', async () => {
  const mock = twitch.mock;
  const conduitId = (await createConduits(app, { shard_count: SHARDS })).data[0]!.id;
  const channels = Array.from({ length: CHANNELS }, (_, i) => String(80_000_000 + i));
  for (const channel of channels) {
    await createEventSubSubscription(app, {
      type: 'stream.online',
      version: '1',
      condition: { broadcaster_user_id: channel },
      transport: { method: 'conduit', conduit_id: conduitId },
    });
  }

  const shards = Array.from({ length: SHARDS }, (_, shard) => start(conduitId, shard));
  await Promise.race([Promise.all(shards.map((s) => s.attached)), sleep(15_000).then(() => Promise.reject(new Error('the shard processes did not attach in 15 s')))]);
  const shardsNow = () => mock.state.shards.get(conduitId)!;
  expect(shardsNow().map((s) => s.status)).toEqual(Array(SHARDS).fill('enabled'));

  const victim = shards[VICTIM]!;
  const killedSession = shardsNow()[VICTIM]!.transport.session_id!;
  let replacement: Shard | undefined;
  const times: { kill?: number; noticed?: number; restart?: number; enabled?: number; cut?: number; cutEnabled?: number } = {};
  let newSession: string | undefined;
  let cutSession: string | undefined;

  // The stream: one event every PACE_MS, channels in turn; the kill lands in the middle of it.
  for (let i = 0; i < EVENTS; i++) {
    if (i === KILL_AT) {
      times.kill = performance.now();
      victim.child.kill('SIGKILL');
      // A supervisor's restart: as soon as the process is gone.
      void victim.exited.then(() => {
        times.restart = performance.now();
        replacement = start(conduitId, VICTIM, BREAK ? ['--no-reattach'] : []);
      });
    }
    if (times.kill !== undefined && times.noticed === undefined && shardsNow()[VICTIM]!.status !== 'enabled') times.noticed = performance.now();
    const shard = shardsNow()[VICTIM]!;
    if (replacement && times.enabled === undefined && shard.status === 'enabled' && shard.transport.session_id !== killedSession) {
      times.enabled = performance.now();
      newSession = shard.transport.session_id;
    }
    // One outage at a time: the connection is cut only once the killed shard is back.
    if (i >= CUT_AFTER && times.enabled !== undefined && times.cut === undefined) {
      cutSession = shardsNow()[CUT]!.transport.session_id;
      times.cut = performance.now();
      mock.eventsub.disableShard(conduitId, CUT); // closes the connection with 4006, network error
    }
    const cut = shardsNow()[CUT]!;
    if (times.cut !== undefined && times.cutEnabled === undefined && cut.status === 'enabled' && cut.transport.session_id !== cutSession) {
      times.cutEnabled = performance.now();
    }
    const channel = channels[i % CHANNELS]!;
    mock.emit('stream.online', {
      id: `stream-${i}`,
      broadcaster_user_id: channel,
      broadcaster_user_login: `channel${channel}`,
      broadcaster_user_name: `Channel${channel}`,
      type: 'live',
      started_at: '2026-01-15T12:00:00Z',
    });
    await sleep(PACE_MS);
  }
  // Re-attachment gets a generous bound (the stream itself may end first).
  await until(() => {
    const shard = shardsNow()[VICTIM]!;
    if (replacement && shard.status === 'enabled' && shard.transport.session_id !== killedSession) {
      times.enabled ??= performance.now();
      newSession ??= shard.transport.session_id;
      return true;
    }
    return undefined;
  }, 'the restarted shard process to re-attach its shard').catch((error: Error) => {
    throw new Error(`${error.message}: shard ${VICTIM} is ${shardsNow()[VICTIM]!.status}`);
  });
  if (times.cut !== undefined) {
    await until(() => {
      const shard = shardsNow()[CUT]!;
      if (shard.status !== 'enabled' || shard.transport.session_id === cutSession) return undefined;
      return (times.cutEnabled ??= performance.now());
    }, 'the socket whose connection was cut to re-attach its shard');
  }

  // What the fake sent, to which session, and what the processes received.
  const deliveries = mock.state.conduitDeliveries.filter((d) => d.conduit_id === conduitId && d.type === 'stream.online');
  const sessionOf = new Map(mock.eventsub.sent.filter((f) => f.messageType === 'notification').map((f) => [f.messageId, f.sessionId]));
  const sent = deliveries.filter((d) => !d.dropped).map((d) => ({ ...d, session: sessionOf.get(d.message_id!)! }));
  const everyone = [...shards, replacement!];
  const received = () => everyone.flatMap((s) => s.lines.filter((line) => line.t === 'event'));
  // Frames still on their way: wait until every one sent to a live session has arrived.
  const live = (d: { session: string }) => d.session !== killedSession;
  await until(() => received().length >= sent.filter(live).length || undefined, 'the processes to report every event', 5000).catch(() => {});

  const got = received();
  const counts = new Map<string, number>();
  for (const line of got) counts.set(line.id!, (counts.get(line.id!) ?? 0) + 1);
  const sentTo = new Map(sent.map((d) => [d.message_id!, d.session]));
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const notSentThere = got.filter((line) => sentTo.get(line.id!) !== line.session).map((line) => line.id);
  const missing = sent.filter((d) => !counts.has(d.message_id!));
  const lostInFlight = missing.filter((d) => d.session === killedSession);
  const dropped = deliveries.filter((d) => d.dropped);
  const rescued = sent.filter((d) => d.tried.length === 2);

  const figures = {
    emitted: EVENTS,
    delivered: sent.length,
    received: got.length,
    rescuedByRetryShard: rescued.length,
    lostInFlightToKilledProcess: lostInFlight.length,
    droppedByTwitch: dropped.length,
    killNoticedMs: Math.round(times.noticed! - times.kill!),
    processGoneToReattachedMs: Math.round(times.enabled! - times.restart!),
    killToReattachedMs: Math.round(times.enabled! - times.kill!),
    replacementAttachedAtMs: replacement?.lines.find((line) => line.t === 'attached')?.ms,
    cutToReattachedMs: times.cutEnabled === undefined ? undefined : Math.round(times.cutEnabled - times.cut!),
  };
  console.log(`conduit across ${SHARDS} processes: ${JSON.stringify(figures)}`);

  expect(twice, 'notifications a process received twice').toEqual([]);
  expect(notSentThere, 'notifications received on a session the fake did not send them to').toEqual([]);
  expect(
    missing.filter((d) => d.session !== killedSession).map((d) => d.message_id),
    'notifications sent to a live process that never arrived (only those in flight to the killed process may be lost)',
  ).toEqual([]);
  expect(dropped, 'Twitch drops a notification only when its shard and its retry shard are both down; one process was down at a time').toEqual([]);
  expect(rescued.length, 'channels of the killed shard went to their retry shard meanwhile').toBeGreaterThan(0);

  // Re-attached: the fake (and Helix) show the shard enabled on the replacement's session...
  const { data } = await getConduitShards(app, { conduit_id: conduitId });
  expect(data.map((s) => s.status)).toEqual(Array(SHARDS).fill('enabled'));
  expect(data[VICTIM]!.transport.session_id).toBe(replacement!.lines.find((line) => line.t === 'session')?.id);
  expect(newSession).not.toBe(killedSession);
  // The cut socket moved its shard to its next session by itself, in the same process.
  expect(times.cut, 'the connection was cut during the stream').toBeDefined();
  expect(data[CUT]!.transport.session_id).not.toBe(cutSession);
  expect(shards[CUT]!.lines.filter((line) => line.t === 'session').map((line) => line.id)).toEqual([cutSession, data[CUT]!.transport.session_id]);
  // ...and the shard's channels come home: the next round goes to it, first try, once each.
  const before = mock.state.conduitDeliveries.length;
  for (const channel of channels) {
    mock.emit('stream.online', {
      id: 'stream-home',
      broadcaster_user_id: channel,
      broadcaster_user_login: `channel${channel}`,
      broadcaster_user_name: `Channel${channel}`,
      type: 'live',
      started_at: '2026-01-15T12:00:00Z',
    });
  }
  const round = mock.state.conduitDeliveries.slice(before);
  const home = round.filter((d) => d.tried[0] === String(VICTIM));
  expect(home.length).toBeGreaterThan(0);
  expect(home.map((d) => [d.shard_id, d.tried.length])).toEqual(home.map(() => [String(VICTIM), 1]));
  await until(
    () => home.every((d) => replacement!.lines.some((line) => line.id === d.message_id)) || undefined,
    'the replacement to receive its channels\' events',
    5000,
  );
});
