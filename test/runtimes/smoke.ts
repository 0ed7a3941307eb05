// Runs inside every runtime (Node, Deno, Bun, workerd, Chromium) against the built package:
// one Helix call through the whole pipeline and one WebSocket round trip.
import { createClient, getUsers } from '../../dist/index.js';

export interface SmokeResult {
  logins: string[];
  echoed: string;
}

export async function smoke(origin: string): Promise<SmokeResult> {
  const client = createClient({ clientId: 'smoke-client', auth: 'smoke-token', baseUrl: `${origin}/helix/` });
  const users = await getUsers(client, { login: ['alice', 'bob'] });
  const echoed = await new Promise<string>((resolve, reject) => {
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/echo`);
    const timer = setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
    socket.addEventListener('open', () => socket.send('ping from runtime'));
    socket.addEventListener('message', (event) => {
      clearTimeout(timer);
      socket.close();
      resolve(String(event.data));
    });
    socket.addEventListener('error', () => reject(new Error('WebSocket error')));
  });
  return { logins: users.data.map((user) => user.login), echoed };
}
