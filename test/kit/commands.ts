// Runs a command the way a README tells a user to type it: through `sh -c`, in a process group of
// its own, so that `interrupt()` is a terminal's Ctrl-C (SIGINT to every process the command
// started) and a test can check that nothing outlives it.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

/** A README command with its `NAME=…` placeholders filled in, each value quoted for sh. */
export function fill(command: string, values: Record<string, string>): string {
  const filled = command.replace(/\b([A-Z][A-Z0-9_]*)=…/g, (whole, name: string) => {
    if (!(name in values)) throw new Error(`no value for ${name} in: ${command}`);
    return `${name}='${values[name]!.replaceAll("'", `'\\''`)}'`;
  });
  const unused = Object.keys(values).filter((name) => !command.includes(`${name}=…`));
  if (unused.length) throw new Error(`${unused.join(', ')} not in: ${command}`);
  return filled;
}

export interface RunningCommand {
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** Resolves when the output matches `pattern`; fails after `timeout` ms with the output so far. */
  waitFor(pattern: RegExp, timeout?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code when the command ends by itself. */
  exited: Promise<number | null>;
  /**
   * Ctrl-C: SIGINT to the whole group. Resolves with the exit code once the command has ended and
   * no process of its group is left; kills the group and fails when either takes too long.
   */
  interrupt(): Promise<number | null>;
}

/** Processes of a group that are still alive (zombies, which only wait to be reaped, excluded). */
function liveMembers(group: number): string[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    // No /proc (not Linux): ask the kernel whether anything is left in the group at all.
    try {
      process.kill(-group, 0);
      return [`process group ${group}`];
    } catch {
      return [];
    }
  }
  const alive: string[] = [];
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === group && state !== 'Z') alive.push(`${pid} ${stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 1)}`);
    } catch {
      // gone while we looked
    }
  }
  return alive;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `command` with `sh -c` in `cwd` (default the repository) and `env` added to this
 * process's environment. A command still running after `limit` ms is killed with its group.
 */
export function runCommand(command: string, { cwd = repo, env = {}, limit = 60_000 }: { cwd?: string; env?: Record<string, string>; limit?: number } = {}): RunningCommand {
  const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const group = child.pid!;
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  // A shell's way of saying "ended by a signal": 128 + its number (130 after Ctrl-C).
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : null))),
  );
  const killAll = () => {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // nothing left
    }
  };
  const guard = setTimeout(killAll, limit);
  void exited.then(() => clearTimeout(guard));

  return {
    output: () => text,
    exited,
    async waitFor(pattern, timeout = 15_000) {
      const until = Date.now() + timeout;
      for (;;) {
        const match = pattern.exec(text);
        if (match) return match;
        if (Date.now() > until || child.exitCode !== null) throw new Error(`\`${command}\` printed no ${pattern} (exit ${child.exitCode}):\n${text}`);
        await sleep(50);
      }
    },
    async interrupt() {
      try {
        process.kill(-group, 'SIGINT');
      } catch {
        // already ended
      }
      const code = await Promise.race([exited, sleep(10_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') {
        killAll();
        throw new Error(`\`${command}\` did not end within 10 s of Ctrl-C:\n${text}`);
      }
      for (let waited = 0; liveMembers(group).length > 0; waited += 50) {
        if (waited > 5000) {
          const left = liveMembers(group);
          killAll();
          throw new Error(`\`${command}\` left processes running after Ctrl-C: ${left.join('; ')}`);
        }
        await sleep(50);
      }
      return code;
    },
  };
}
