// Start-up time: cold import in a fresh Node process per sample, timing only the `import()`
// itself, and the webhook Worker's start in workerd.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { root } from './bundle.ts';
import { uses } from './size.ts';
import { median } from './stats.ts';

export interface ImportTarget {
  name: string;
  /** A bare package name or a path below the project root. */
  specifier: string;
}

function url(specifier: string): string {
  return specifier.startsWith('dist/') ? pathToFileURL(join(root, specifier)).href : specifier;
}

function time(script: string, samples: number): number {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    times.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })));
  }
  return median(times);
}

/**
 * Median milliseconds of `samples` cold imports of `specifier`, each in its own process. With
 * `fetchStarted`, the process reads `globalThis.Request` before the clock starts: Node starts its
 * fetch (undici) on that first read, which a program pays once, at import or at its first request.
 */
export function importTime(specifier: string, { samples = 7, fetchStarted = false } = {}): number {
  const warm = fetchStarted ? 'globalThis.Request;' : '';
  return time(`${warm} const t = performance.now(); await import(${JSON.stringify(url(specifier))}); process.stdout.write(String(performance.now() - t));`, samples);
}

/** Median milliseconds Node takes to start its fetch: the first read of `globalThis.Request` in a fresh process. */
export function fetchStartupTime(samples = 7): number {
  return time('const t = performance.now(); globalThis.Request; process.stdout.write(String(performance.now() - t));', samples);
}

/** Total CPU time, in ms, of the workerd processes this process started (every thread; Linux /proc). */
function workerdCpuTime(): number {
  let ns = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // (gone since the listing)
    }
    // `pid (comm) state ppid …`
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent !== process.pid || !stat.includes('(workerd)')) continue;
    for (const thread of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0]);
  }
  return ns / 1e6;
}

/**
 * Milliseconds of CPU workerd spends starting the webhook Worker of bench/size.ts, bundled as
 * wrangler does by default (esbuild, platform neutral, the workerd conditions, not minified):
 * compiling the bundle and running its top level, which workerd does before it reports ready.
 * Time stands still inside a Worker, so this reads workerd's own CPU time (Linux only): one
 * Worker whose main module imports `copies` copies of the bundle, less one that imports as many
 * empty modules, divided by `copies`; the median of `samples` such pairs, each in a fresh workerd.
 */
export async function workerStartupTime({ samples = 7, copies = 100 } = {}): Promise<number> {
  if (!existsSync('/proc/self/schedstat')) throw new Error('workerStartupTime reads CPU time from /proc: Linux only');
  const { Miniflare } = await import('miniflare');
  const source = uses.find((use) => use.name === 'webhook Worker')!.ours;
  const bundled = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'worker.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    logLevel: 'silent',
  });
  const worker = bundled.outputFiles[0]!.text;
  const startup = async (module: string) => {
    // (Each copy differs in its first line, so that no cache can serve one copy's compilation to the next.)
    const modules = Array.from({ length: copies }, (_, i) => ({ type: 'ESModule' as const, path: `copy-${i}.mjs`, contents: `// copy ${i}\n${module}` }));
    const main = `${modules.map(({ path }) => `import './${path}';`).join('\n')}\nexport default { fetch: () => new Response('ok') };`;
    const mf = new Miniflare({ modulesRoot: '/', modules: [{ type: 'ESModule', path: 'main.mjs', contents: main }, ...modules], compatibilityDate: '2025-09-01' });
    try {
      await mf.ready;
      return workerdCpuTime();
    } finally {
      await mf.dispose();
    }
  };
  const perCopy: number[] = [];
  for (let i = 0; i < samples; i++) perCopy.push(((await startup(worker)) - (await startup('export {};'))) / copies);
  return median(perCopy);
}
