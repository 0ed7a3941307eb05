// One contender of one bench in its own process: `prepare` sets it up and warms it up, then the
// parent asks for rounds one at a time, so rounds of all contenders interleave and a busy
// machine slows each of them alike.
import { pathToFileURL } from 'node:url';

/** A round's figure from the wall clock, and the same figure from this process's CPU time. */
export interface Figure {
  value: number;
  cpu: number;
  /** Something the round counted (requests sent), where the bench counts anything. */
  count?: number;
}

export interface Prepared {
  /** Runs one timed round and returns its figures. */
  round(): Promise<Figure>;
}

const [, , file, id] = process.argv;
if (!file || !id || !process.send) throw new Error('usage: forked by bench/interleave.ts with <bench file> <contender>');
const bench = (await import(pathToFileURL(file).href)) as { prepare(id: string): Promise<Prepared> };
try {
  const prepared = await bench.prepare(id);
  process.send({ ready: true });
  process.on('message', async (message) => {
    if (message !== 'round') process.exit(0); // timers some contenders leave behind must not hold us
    try {
      process.send!(await prepared.round());
    } catch (error) {
      process.send!({ error: String((error as Error)?.stack ?? error) });
    }
  });
} catch (error) {
  process.send({ error: String((error as Error)?.stack ?? error) });
}
