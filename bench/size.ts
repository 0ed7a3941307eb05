// Bundle size of each everyday use, beside the same use with the anchor library.
import { weigh, type Weight } from './bundle.ts';

export interface SizeUse {
  name: string;
  /** Gzip budget in bytes. */
  budget: number;
  ours: string;
  anchor: { name: string; source: string };
}

export const uses: SizeUse[] = [
  {
    name: 'getUsers',
    budget: 12 * 1024,
    ours: `
      import { createClient, getUsers } from './dist/index.js';
      const client = createClient({ clientId: 'cid', auth: 'token' });
      getUsers(client, { login: 'twitchdev' }).then((r) => console.log(r.data[0]?.id));
    `,
    anchor: {
      name: 'Twurple 8 (@twurple/api)',
      source: `
        import { ApiClient } from '@twurple/api';
        import { StaticAuthProvider } from '@twurple/auth';
        const api = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token') });
        api.users.getUserByName('twitchdev').then((u) => console.log(u?.id));
      `,
    },
  },
];

export interface SizeRow {
  use: SizeUse;
  ours: Weight;
  anchor: Weight;
}

export async function measureSizes(): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const use of uses) {
    rows.push({ use, ours: await weigh(use.ours), anchor: await weigh(use.anchor.source) });
  }
  return rows;
}
