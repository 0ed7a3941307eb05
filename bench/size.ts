// Bundle size of each everyday use, beside the same use written with the anchor libraries.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root, weigh, type Weight } from './bundle.ts';

/** A use written with an anchor library. */
export interface Anchor {
  name: string;
  source: string;
  /** The bare package the snippet needs; when it is not installed the row says so. */
  requires: string;
  /** Why the anchor does not fit the use, printed beside its size. */
  note?: string;
  platform?: 'browser' | 'neutral' | 'node';
}

export interface SizeUse {
  name: string;
  /** Gzip budget in bytes. */
  budget: number;
  /** The use written with helixkit, importing from `./dist/...`. */
  ours: string;
  /** esbuild platform; default `browser`. `neutral` resolves the `workerd`/`worker`/`browser` conditions. */
  platform?: 'browser' | 'neutral';
  anchors: Anchor[];
}

// The EventSub barrel may not be built yet; the socket module is what it re-exports.
const eventsub = existsSync(join(root, 'dist/eventsub/index.js')) ? './dist/eventsub/index.js' : './dist/eventsub/socket.js';

export const uses: SizeUse[] = [
  {
    name: 'getUsers',
    budget: Math.floor(12.6 * 1024),
    ours: `
      import { createClient, getUsers } from './dist/index.js';
      const client = createClient({ clientId: 'cid', auth: 'token' });
      getUsers(client, { login: 'twitchdev' }).then((r) => console.log(r.data[0]?.id));
    `,
    anchors: [
      {
        name: 'Twurple 8.1.4 (api+auth)',
        requires: '@twurple/api',
        source: `
          import { ApiClient } from '@twurple/api';
          import { StaticAuthProvider } from '@twurple/auth';
          const api = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token') });
          api.users.getUserByName('twitchdev').then((u) => console.log(u?.id));
        `,
      },
    ],
  },
  {
    // Lookups by id that share requests: what `batch` adds to the getUsers bundle.
    name: 'batch (users by id)',
    budget: 14 * 1024,
    ours: `
      import { batch, createClient, getUsers } from './dist/index.js';
      const client = createClient({ clientId: 'cid', auth: 'token' });
      const userById = batch(getUsers, 'id');
      userById(client, '141981764').then((user) => console.log(user?.login));
    `,
    anchors: [
      {
        name: 'Twurple 8.1.4 (api+auth)',
        requires: '@twurple/api',
        source: `
          import { ApiClient } from '@twurple/api';
          import { StaticAuthProvider } from '@twurple/auth';
          const api = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token') });
          api.users.getUserByIdBatched('141981764').then((user) => console.log(user?.name));
        `,
      },
    ],
  },
  {
    name: 'follow (EventSub WS)',
    budget: Math.floor(17.6 * 1024),
    ours: `
      import { createClient } from './dist/index.js';
      import { EventSubSocket } from '${eventsub}';
      const client = createClient({ clientId: 'cid', auth: 'token' });
      const socket = new EventSubSocket({ client });
      socket.on('channel.follow', (event) => console.log(event.user_name));
      socket.subscribe('channel.follow', { broadcaster_user_id: '1', moderator_user_id: '1' });
    `,
    anchors: [
      {
        name: 'Twurple 8.1.4 (eventsub-ws)',
        requires: '@twurple/eventsub-ws',
        source: `
          import { ApiClient } from '@twurple/api';
          import { StaticAuthProvider } from '@twurple/auth';
          import { EventSubWsListener } from '@twurple/eventsub-ws';
          const apiClient = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token') });
          const listener = new EventSubWsListener({ apiClient });
          listener.onChannelFollow('1', '1', (event) => console.log(event.userName));
          listener.start();
        `,
      },
    ],
  },
  {
    name: 'chat read (anon)',
    budget: 4 * 1024,
    ours: `
      import { ChatClient } from './dist/chat/index.js';
      const chat = new ChatClient();
      chat.on('message', (message) => console.log(message.displayName, message.text));
      chat.connect().then(() => chat.join('some_channel'));
    `,
    anchors: [
      {
        name: 'tmi.js 1.8.5',
        requires: 'tmi.js',
        source: `
          import tmi from 'tmi.js';
          const client = new tmi.Client({ channels: ['some_channel'] });
          client.on('message', (channel, tags, message) => console.log(tags['display-name'], message));
          client.connect();
        `,
      },
      {
        name: '@tmi.js/chat 0.4.1',
        requires: '@tmi.js/chat',
        source: `
          import tmi from '@tmi.js/chat';
          const client = new tmi.Client({ channels: ['some_channel'] });
          client.on('message', (e) => console.log(e.user.display, e.message.text));
          client.connect();
        `,
      },
    ],
  },
  {
    name: 'webhook Worker',
    budget: 3.5 * 1024,
    platform: 'neutral',
    ours: `
      import { createWebhookHandler } from './dist/webhooks.js';
      let handle;
      export default {
        fetch(request, env) {
          handle ??= createWebhookHandler({
            secret: env.TWITCH_EVENTSUB_SECRET,
            on: { 'channel.follow': (event) => console.log(event.user_name + ' followed ' + event.broadcaster_user_name) },
          });
          return handle(request);
        },
      };
    `,
    anchors: [
      {
        // An Express/Node http middleware: it cannot run in a Worker, so it is weighed for Node only.
        name: 'Twurple 8.1.4 (eventsub-http)',
        requires: '@twurple/eventsub-http',
        platform: 'node',
        note: 'Node http server only: no edge-ready anchor',
        source: `
          import { ApiClient } from '@twurple/api';
          import { StaticAuthProvider } from '@twurple/auth';
          import { EventSubMiddleware } from '@twurple/eventsub-http';
          const apiClient = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token') });
          const middleware = new EventSubMiddleware({ apiClient, hostName: 'example.com', secret: 'a secret of some length' });
          middleware.onChannelFollow('1', '1', (event) => console.log(event.userName));
          export default middleware;
        `,
      },
    ],
  },
];

export interface AnchorWeight {
  anchor: Anchor;
  /** Absent when the anchor package is not installed or did not bundle. */
  weight?: Weight;
  /** Why the anchor did not bundle. */
  failed?: string;
}

export interface SizeRow {
  use: SizeUse;
  ours: Weight;
  anchors: AnchorWeight[];
}

const require = createRequire(join(root, 'package.json'));

function installed(name: string): boolean {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return existsSync(join(root, 'node_modules', name, 'package.json'));
  }
}

export async function measureSizes(): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const use of uses) {
    const anchors: AnchorWeight[] = [];
    for (const anchor of use.anchors) {
      if (!installed(anchor.requires)) {
        anchors.push({ anchor });
        continue;
      }
      try {
        anchors.push({ anchor, weight: await weigh(anchor.source, anchor.platform ?? 'browser') });
      } catch (error) {
        anchors.push({ anchor, failed: String((error as Error).message ?? error).split('\n')[0] });
      }
    }
    rows.push({ use, ours: await weigh(use.ours, use.platform), anchors });
  }
  return rows;
}
