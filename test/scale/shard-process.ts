// One conduit shard in a process of its own, as a deployment runs one per container or machine:
// an EventSubSocket on an app token, attached to shard SHARD of conduit CONDUIT. Started by
// conduit-processes.test.ts (with `process.execPath`, on the built package), it reports on stdout,
// one JSON line each: `session` (a welcome), `attached` (the shard points at this session; `ms`
// since the process started), `event` (a notification: its message id, channel and session) and
// `error`. The app token comes in HELIXKIT_APP_TOKEN, never on the command line.
//   node shard-process.ts HELIX_URL EVENTSUB_URL CLIENT_ID CONDUIT SHARD [--no-reattach]
// --no-reattach: connect, but leave the shard where it was — the broken deployment the test must
// catch (a restarted process that never points its shard at its new session).
import { createClient } from 'helixkit';
import { attachToConduit, EventSubSocket } from 'helixkit/eventsub';

const [helixUrl, eventsubUrl, clientId, conduitId, shardId, flag] = process.argv.slice(2);
const token = process.env.HELIXKIT_APP_TOKEN;
if (!helixUrl || !eventsubUrl || !clientId || !conduitId || !shardId || !token) {
  console.error('usage: HELIXKIT_APP_TOKEN=… node shard-process.ts HELIX_URL EVENTSUB_URL CLIENT_ID CONDUIT SHARD [--no-reattach]');
  process.exit(2);
}
// Pipes to a parent are written synchronously on Linux: a line printed is a line the parent gets,
// even when the process is killed right after.
const report = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const client = createClient({ clientId, auth: token, baseUrl: helixUrl });
const socket = new EventSubSocket({ client, url: eventsubUrl });
socket.on('session', ({ session }) => report({ t: 'session', id: session.id }));
socket.on('notification', (message) => {
  const event = message.payload.event as { broadcaster_user_id?: string } | undefined;
  report({ t: 'event', id: message.metadata.message_id, channel: event?.broadcaster_user_id, session: socket.session?.id });
});
socket.on('error', (error) => report({ t: 'error', code: (error as { code?: string }).code, message: error.message }));

if (flag === '--no-reattach') {
  await socket.connect();
} else {
  await attachToConduit(socket, conduitId, shardId);
  report({ t: 'attached', session: socket.session?.id, ms: Math.round(performance.now()) });
}
process.once('SIGTERM', () => {
  socket.close();
  process.exit(0);
});
