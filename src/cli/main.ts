#!/usr/bin/env node
/// <reference types="node" />
/**
 * The `helixkit` command (the package's `bin`, Node 22+ only): `token`, `validate` and `mock`.
 * Exit codes: 0 done, 1 the task failed, 2 wrong usage, 130 cancelled. Results go to stdout;
 * prompts, progress and errors to stderr, with every secret seen wiped from them.
 */
import { readFileSync } from 'node:fs';
import { scrub } from '../auth/request.js';
import { CliError, UsageError, type Io } from './args.js';
import { mockCommand, mockUsage } from './mock.js';
import { tokenCommand, tokenUsage } from './token.js';
import { validateCommand, validateUsage } from './validate.js';

const usage = `Usage: helixkit <command> [options]

Commands:
  token      get a user access token: device code flow, or --redirect to this machine
  validate   check a token with Twitch: whose it is, its scopes, when it expires
  mock       run the fake Twitch on 127.0.0.1, for tests in any language

Run helixkit <command> --help for a command's options; helixkit --version for the version.
`;

const commands: Record<string, [(args: string[], io: Io) => Promise<number>, string]> = {
  token: [tokenCommand, tokenUsage],
  validate: [validateCommand, validateUsage],
  mock: [mockCommand, mockUsage],
};

async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') return io.out(usage), 0;
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return io.out(`${pkg.version}\n`), 0;
  }
  if (name === undefined) return io.err(usage), 2;
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    // Only a word is repeated back: a mistyped line may start with a token.
    const shown = /^-{0,2}[a-z][a-z-]{0,30}$/i.test(name) ? ` "${name}"` : '';
    return io.err(`helixkit: unknown command${shown}\n\n${usage}`), 2;
  }
  // Secrets on the command line, wiped from stderr even when the arguments fail to parse.
  rest.forEach((arg, i) => {
    if (arg.startsWith('--client-secret=')) io.secrets.push(arg.slice('--client-secret='.length));
    else if (rest[i - 1] === '--client-secret' || (name === 'validate' && !arg.startsWith('-'))) io.secrets.push(arg);
  });
  if (io.env.TWITCH_CLIENT_SECRET) io.secrets.push(io.env.TWITCH_CLIENT_SECRET);
  try {
    return await command[0](rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const synopsis = command[1].slice(0, command[1].indexOf('\n'));
      return io.err(`helixkit ${name}: ${error.message}\n${synopsis}\nRun helixkit ${name} --help for every option.\n`), 2;
    }
    if (io.signal.aborted) return io.err('helixkit: cancelled\n'), 130;
    if (error instanceof CliError) return io.err(`helixkit ${name}: ${error.message}\n`), 1;
    return io.err(`helixkit ${name}: ${error instanceof Error ? error.message : String(error)}\n`), 1;
  }
}

const controller = new AbortController();
let stops = 0;
// The first Ctrl-C (or SIGTERM) asks the command to finish; a second one ends at once.
const stop = () => (++stops > 1 ? process.exit(130) : controller.abort(new CliError('cancelled')));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const io: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(scrub(text, io.secrets)),
  env: process.env,
  signal: controller.signal,
  secrets: [],
};
process.exitCode = await main(process.argv.slice(2), io);
