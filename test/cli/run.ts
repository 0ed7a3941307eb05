// Runs the built `helixkit` command (dist/cli/main.js, as `npm test` builds it) as a child
// process on this Node, collects its output, and makes sure none outlives its test.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';

export const bin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Exit code, or the signal's name when it was killed. */
  exited: Promise<number | string>;
  /** Waits until stdout or stderr matches, and returns the match. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeout?: number): Promise<RegExpExecArray>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/**
 * Starts `helixkit ...args`. The environment has no TWITCH_CLIENT_ID or TWITCH_CLIENT_SECRET
 * unless `env` sets them; a child still running after 15 s is killed.
 */
export function start(args: string[], env: Record<string, string> = {}, stdin?: string): Run {
  const { TWITCH_CLIENT_ID, TWITCH_CLIENT_SECRET, ...inherited } = process.env;
  const child = spawn(process.execPath, [bin, ...args], { env: { ...inherited, NO_COLOR: '1', ...env } });
  running.add(child);
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(stdin);
  const exited = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  const waitFor = async (stream: 'stdout' | 'stderr', pattern: RegExp, timeout = 10_000) => {
    const read = () => (stream === 'stdout' ? stdout : stderr);
    await expect.poll(() => pattern.test(read()), { timeout, interval: 20 }).toBe(true);
    return pattern.exec(read())!;
  };
  return { child, stdout: () => stdout, stderr: () => stderr, exited, waitFor };
}

/** Runs `helixkit ...args` to its end. */
export async function run(args: string[], env?: Record<string, string>, stdin?: string) {
  const cli = start(args, env, stdin);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** No secret (4 characters or more) appears in `text`, as sent or percent-encoded. */
export function expectNoSecret(text: string, secrets: Array<string | null | undefined>): void {
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    expect(text.includes(secret) || text.includes(encodeURIComponent(secret)), 'a secret leaked into the output').toBe(false);
  }
}
