// Heap held per connected EventSub socket (with its client, welcomed, subscribed to channel.follow):
// `node --expose-gc bench/memory.ts <helixkit|twurple> <count>` prints bytes per socket as JSON.
import { pathToFileURL } from 'node:url';
import { helixkit, twurple, type Target } from './eventsub.ts';

export const SOCKETS = 200;

async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

export async function bytesPerSocket(contender: 'helixkit' | 'twurple', count: number): Promise<number> {
  const open = () => (contender === 'twurple' ? twurple() : helixkit(false));
  const kept: Target[] = [await open()]; // loads the modules and warms up outside the measure
  const before = await settledHeap();
  for (let i = 0; i < count; i++) kept.push(await open());
  const after = await settledHeap();
  if (kept.length !== count + 1) throw new Error('lost a socket');
  return (after - before) / count;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const contender = process.argv[2] === 'twurple' ? 'twurple' : 'helixkit';
  console.log(JSON.stringify({ contender, bytes: await bytesPerSocket(contender, Number(process.argv[3] ?? SOCKETS)) }));
  process.exit(0);
}
