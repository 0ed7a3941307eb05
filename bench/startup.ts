// Cold import time: a fresh Node process per sample, timing only the `import()` itself.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './bundle.ts';
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
