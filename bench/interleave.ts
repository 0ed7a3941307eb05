// Runs several contenders of one bench in separate processes, taking their rounds in turn.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './stats.ts';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface Series {
  id: string;
  /** Wall-clock figures of every round, in order. */
  rounds: number[];
  median: number;
  /** The same figures from the process's CPU time (less disturbed by other work on the machine). */
  cpuRounds: number[];
  cpuMedian: number;
  /** What each round counted (bench/child.ts `Figure.count`), where the bench counts anything. */
  counts: number[];
  /** Set when the contender could not run; its rounds are then empty. */
  error?: string;
}

type Reply = { ready?: true; value?: number; cpu?: number; count?: number; error?: string };

function next(child: ChildProcess): Promise<Reply> {
  return new Promise((resolve) => {
    const onMessage = (reply: Reply) => {
      child.off('exit', onExit);
      resolve(reply);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      resolve({ error: `exited with code ${code}` });
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * `file` exports `prepare(id)`; each id gets its own Node process (with `execArgv`). Children are
 * prepared one after another (so warm-ups do not compete), then asked for `rounds` rounds in turn,
 * each round starting with the next contender.
 */
export async function interleave(file: string, ids: readonly string[], rounds: number, execArgv: string[] = []): Promise<Series[]> {
  const children = new Map<string, ChildProcess>();
  const series = new Map<string, Series>(ids.map((id) => [id, { id, rounds: [], median: NaN, cpuRounds: [], cpuMedian: NaN, counts: [] }]));
  try {
    for (const id of ids) {
      const child = fork(CHILD, [file, id], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const reply = await next(child);
      if (reply.error) {
        series.get(id)!.error = reply.error;
        child.kill();
        continue;
      }
      children.set(id, child);
    }
    const order = [...children];
    for (let r = 0; r < rounds; r++) {
      // Each round starts one contender further on, so none is always run right after another.
      for (let k = 0; k < order.length; k++) {
        const [id, child] = order[(r + k) % order.length]!;
        const entry = series.get(id)!;
        if (entry.error) continue;
        child.send('round');
        const reply = await next(child);
        if (reply.error) entry.error = reply.error;
        else {
          entry.rounds.push(reply.value!);
          entry.cpuRounds.push(reply.cpu!);
          if (reply.count !== undefined) entry.counts.push(reply.count);
        }
      }
    }
  } finally {
    for (const child of children.values()) {
      if (child.connected) child.send('exit');
    }
  }
  for (const entry of series.values()) {
    if (entry.rounds.length === 0) continue;
    entry.median = median(entry.rounds);
    entry.cpuMedian = median(entry.cpuRounds);
  }
  return [...series.values()];
}
