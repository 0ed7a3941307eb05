/// <reference types="node" />
/**
 * What every command of the `helixkit` command shares: reading arguments with `node:util`'s
 * parseArgs, the two kinds of failure (wrong usage, exit 2; a failed task, exit 1), checks of
 * option values, and how durations read. Node-only, like all of src/cli/.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { scopes as knownScopes, type Scope } from '../auth/scopes.js';

/** The command line is wrong: the message and the command's usage go to stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The command whose usage to show; none for the top level. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** The command ran and failed (a refused login, an invalid token): one line on stderr, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** parseArgs in strict mode, its complaints turned into a {@link UsageError} of `command`. */
export function parse<T extends OptionSpecs>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    // Node's own message names the option (never a positional, which may be a token).
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
}

/** Refuses positional arguments beyond `max`, without repeating them (one may be a token). */
export function noMorePositionals(command: string, positionals: string[], max = 0): void {
  if (positionals.length > max) {
    throw new UsageError(`${command} takes ${max === 0 ? 'no' : max} argument${max === 1 ? '' : 's'}, got ${positionals.length}`, command);
  }
}

/** An `http:` or `https:` base URL given to `--auth-url` (a fake Twitch, for tests). */
export function baseUrl(command: string, name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--${name} must be an http:// or https:// URL`, command);
  }
  return value;
}

/** A port number for `--port` (0 picks a free one). */
export function portNumber(command: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`, command);
  return port;
}

/**
 * Scope names from `--scopes` (commas and/or spaces between), each checked against Twitch's
 * list, so a typo fails here with a suggestion instead of at Twitch's consent page.
 */
export function scopeList(command: string, value: string | undefined): Scope[] {
  const names = (value ?? '').split(/[\s,]+/).filter(Boolean);
  const known = new Set<string>(knownScopes);
  for (const name of names) {
    if (known.has(name)) continue;
    const near = knownScopes.filter((scope) => distance(scope, name) <= 2);
    const hint = near.length > 0 ? `; did you mean ${near.join(' or ')}?` : '; see https://dev.twitch.tv/docs/authentication/scopes/';
    throw new UsageError(`unknown scope "${name}"${hint}`, command);
  }
  return [...new Set(names)] as Scope[];
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** Seconds as a person reads them: `45 s`, `12 min`, `3 h 59 min`, `2 d 4 h`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** Lines of `label  value`, labels padded to one column; a value's own line breaks stay in its column. */
export function table(rows: Array<[string, string]>, indent = '  '): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  const pad = `\n${indent}${' '.repeat(width)}  `;
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value.split('\n').join(pad)}\n`).join('');
}

/** Words joined by spaces into lines of at most `width` characters (a long list of scopes). */
export function wrap(words: readonly string[], width = 72): string {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

/** What a command may touch besides its arguments: output, environment, cancellation. */
export interface Io {
  /** Writes the command's result to stdout. Only here may a token be printed. */
  out(text: string): void;
  /** Writes prompts, progress and errors to stderr; every secret in {@link secrets} is wiped first. */
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Aborts on the first Ctrl-C or SIGTERM. */
  signal: AbortSignal;
  /** Secrets seen so far (tokens, the client secret, the device code): never written to stderr. */
  secrets: string[];
}
