// How the `helixkit` command explains itself: --help on stdout with exit 0; no command, an
// unknown command or option, or a bad value: usage on stderr with exit 2.
import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { bin, run } from './run.js';

test('the built command is a Node script with a shebang, named as the package bin', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  expect(new URL(pkg.bin.helixkit, new URL('../../', import.meta.url)).pathname).toBe(bin);
  expect((await readFile(bin, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
});

test('--help and <command> --help print usage on stdout and exit 0', async () => {
  const top = await run(['--help']);
  expect(top.code).toBe(0);
  expect(top.stdout).toContain('Usage: helixkit <command>');
  for (const command of ['token', 'validate', 'mock']) {
    expect(top.stdout).toContain(`  ${command} `);
    const help = await run([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Usage: helixkit ${command}`);
    expect(help.stderr).toBe('');
  }
});

test('--version prints the package version', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  expect((await run(['--version'])).stdout).toBe(`${pkg.version}\n`);
});

test('no command, an unknown command or an unknown option: usage on stderr, exit 2', async () => {
  const cases: Array<[string[], string]> = [
    [[], 'Usage: helixkit <command>'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['token', '--scoeps', 'chat:read'], "Unknown option '--scoeps'"],
    [['validate', '--verbose', 'x'], "Unknown option '--verbose'"],
    [['mock', '--json=yes'], 'Usage: helixkit mock'],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await run(args);
    expect(code, args.join(' ')).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: helixkit');
  }
});

test('an unknown command that looks like a token is not repeated', async () => {
  const token = 'x9k2m4p6q8r0s1t3u5v7w9y2z4a6b8';
  const { code, stderr } = await run([token]);
  expect(code).toBe(2);
  expect(stderr).not.toContain(token);
});

test('token: scopes are checked against Twitch list, with a suggestion', async () => {
  const typo = await run(['token', '--client-id', 'abc', '--scopes', 'chat:read,user:bott']);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toContain('unknown scope "user:bott"; did you mean user:bot?');
  const unknown = await run(['token', '--client-id', 'abc', '--scopes', 'everything']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('https://dev.twitch.tv/docs/authentication/scopes/');
});

test('token: without a client id it says where to put one', async () => {
  const { code, stderr } = await run(['token', '--scopes', 'chat:read']);
  expect(code).toBe(2);
  expect(stderr).toContain('set TWITCH_CLIENT_ID or pass --client-id');
});

test('token: a client secret given on the command line never comes back on stderr', async () => {
  const secret = 'cs-0123456789abcdefghij';
  for (const args of [['--client-secret', secret], [`--client-secret=${secret}`], ['--client-secret', secret, '--scopes', 'nope']]) {
    const { code, stderr } = await run(['token', '--client-id', 'abc', ...args]);
    expect(code).toBe(2);
    expect(stderr).not.toContain(secret);
  }
});
