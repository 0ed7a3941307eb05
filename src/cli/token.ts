/// <reference types="node" />
/**
 * `helixkit token`: a user access token for the scopes asked, by the device code flow (no
 * secret, nothing listening) or, with `--redirect`, by the authorization code flow through a
 * one-shot server on 127.0.0.1. Prompts go to stderr; the token pair is the command's only
 * output on stdout (or goes to a 0600 file with `--save`).
 */
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorizeUrl, createState, parseRedirect } from '../auth/authorize.js';
import { pollDeviceToken, startDeviceAuth } from '../auth/device.js';
import { AuthError, StateMismatchError } from '../auth/errors.js';
import type { Scope } from '../auth/scopes.js';
import { exchangeCode, validateToken, type TokenResponse } from '../auth/server.js';
import { baseUrl, CliError, duration, noMorePositionals, parse, scopeList, table, UsageError, wrap, type Io } from './args.js';

export const tokenUsage = `Usage: helixkit token [--scopes LIST] [options]

Gets a user access token and its refresh token for the scopes asked.

By default through the device code flow: open the link printed, check the code, approve. No
client secret is needed, but the app must allow it: register it as Client Type "Public" at
https://dev.twitch.tv/console/apps.
With --redirect, through the authorization code flow instead: open the link printed, approve,
and Twitch sends the browser back to a small server of this command on 127.0.0.1. This needs
the client secret, and the redirect URI listed exactly in the app's OAuth Redirect URLs.

Options:
  --scopes LIST          scopes to ask for, separated by commas or spaces (chat:read,user:bot)
  --client-id ID         the app's client id (default: env TWITCH_CLIENT_ID)
  --redirect             use the authorization code flow with a localhost redirect
  --redirect-uri URL     where Twitch sends the browser back (default http://localhost:3000)
  --client-secret SECRET the app's client secret, for --redirect (default: env
                         TWITCH_CLIENT_SECRET; prefer the variable: arguments show in ps)
  --json                 print one JSON line: access_token, refresh_token, expires_in,
                         scopes, user { id, login }
  --save FILE            write that JSON to FILE (mode 0600) instead of printing the tokens
  --auth-url URL         OAuth base URL, for testing against a fake Twitch
                         (default https://id.twitch.tv/oauth2/)
  -h, --help             show this help

Prompts go to stderr; stdout carries only the result.
`;

const options = {
  scopes: { type: 'string' },
  'client-id': { type: 'string' },
  redirect: { type: 'boolean' },
  'redirect-uri': { type: 'string' },
  'client-secret': { type: 'string' },
  json: { type: 'boolean' },
  save: { type: 'string' },
  'auth-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** How long the redirect server waits for the browser (Twitch's codes last about as long). */
const REDIRECT_WAIT_MS = 10 * 60_000;
const DEFAULT_REDIRECT_URI = 'http://localhost:3000';

export async function tokenCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('token', args, options);
  if (values.help) return io.out(tokenUsage), 0;
  noMorePositionals('token', positionals);
  const scopes = scopeList('token', values.scopes);
  const clientId = values['client-id'] ?? io.env.TWITCH_CLIENT_ID;
  if (!clientId) {
    throw new UsageError("set TWITCH_CLIENT_ID or pass --client-id (your app's client id, from https://dev.twitch.tv/console/apps)", 'token');
  }
  const authBaseUrl = baseUrl('token', 'auth-url', values['auth-url']);
  const transport = authBaseUrl ? { authBaseUrl } : {};
  if (!values.redirect && (values['redirect-uri'] !== undefined || values['client-secret'] !== undefined)) {
    throw new UsageError('--redirect-uri and --client-secret go with --redirect (the device flow needs neither)', 'token');
  }

  let token: TokenResponse;
  if (values.redirect) {
    const clientSecret = values['client-secret'] ?? io.env.TWITCH_CLIENT_SECRET;
    if (!clientSecret) {
      throw new UsageError('--redirect exchanges the code with the client secret: set TWITCH_CLIENT_SECRET or pass --client-secret (or leave out --redirect: the device flow needs no secret)', 'token');
    }
    io.secrets.push(clientSecret);
    const redirectUri = values['redirect-uri'] ?? DEFAULT_REDIRECT_URI;
    token = await redirectFlow(io, { clientId, clientSecret, scopes, redirectUri, ...transport });
  } else {
    token = await deviceFlow(io, { clientId, scopes, ...transport });
  }
  io.secrets.push(token.access_token, ...(token.refresh_token ? [token.refresh_token] : []));

  // Whose token it is: one validate call (Twitch asks apps to validate new tokens anyway).
  let user: { id: string; login: string } | null = null;
  try {
    const found = await validateToken(token.access_token, { ...transport, signal: io.signal });
    if (found.user_id) user = { id: found.user_id, login: found.login ?? '' };
  } catch (error) {
    // The pair is issued: losing it over a lookup would be worse than printing it without a user.
    io.err(`helixkit: could not look up whose token it is (${error instanceof Error ? error.message : String(error)})\n`);
  }
  const result = {
    access_token: token.access_token,
    refresh_token: token.refresh_token ?? null,
    expires_in: token.expires_in ?? null,
    scopes: token.scope,
    user,
  };
  const who = user ? `${user.login} (user id ${user.id})` : 'an unknown user';
  const about: Array<[string, string]> = [
    ['scopes', result.scopes.length > 0 ? wrap(result.scopes) : '(none)'],
    ['expires', result.expires_in === null ? 'unknown' : `in ${duration(result.expires_in)}`],
  ];

  if (values.save !== undefined) {
    await saveFile(values.save, `${JSON.stringify(result)}\n`);
    if (values.json) io.out(`${JSON.stringify({ saved: values.save, expires_in: result.expires_in, scopes: result.scopes, user })}\n`);
    else io.out(`Saved the token pair of ${who} to ${values.save} (readable by you only)\n${table(about)}`);
    return 0;
  }
  if (values.json) return io.out(`${JSON.stringify(result)}\n`), 0;
  io.out(
    `A user token of ${who}\n` +
      table([...about, ['access token', result.access_token], ['refresh token', result.refresh_token ?? '(none)']]),
  );
  return 0;
}

interface FlowOptions {
  clientId: string;
  scopes: Scope[];
  authBaseUrl?: string;
}

async function deviceFlow(io: Io, options: FlowOptions): Promise<TokenResponse> {
  const { scopes } = options;
  let device;
  try {
    device = await startDeviceAuth({ ...options, scopes, signal: io.signal });
  } catch (error) {
    if (error instanceof AuthError && error.status >= 400 && error.status < 500) {
      throw new CliError(
        `Twitch refused to start a device login (${error.message}). Check the client id; the device flow needs an app whose Client Type is "Public" (https://dev.twitch.tv/console/apps), or use --redirect with the client secret.`,
      );
    }
    throw error;
  }
  io.secrets.push(device.device_code);
  io.err(
    `To approve, open ${device.verification_uri}\n` +
      `and check that Twitch shows the code ${device.user_code}.\n` +
      `Waiting for approval (the code expires in ${duration(device.expires_in)}; Ctrl-C cancels)...\n`,
  );
  try {
    return await pollDeviceToken({
      ...options,
      scopes,
      deviceCode: device.device_code,
      interval: device.interval,
      expiresIn: device.expires_in,
      signal: io.signal,
    });
  } catch (error) {
    if (error instanceof AuthError && error.error === 'access_denied') throw new CliError('the login was declined at Twitch (access_denied)');
    if (error instanceof AuthError && error.error === 'expired_token') throw new CliError('the code expired before it was approved; run helixkit token again');
    throw error;
  }
}

async function redirectFlow(io: Io, options: FlowOptions & { clientSecret: string; redirectUri: string }): Promise<TokenResponse> {
  const target = URL.canParse(options.redirectUri) ? new URL(options.redirectUri) : undefined;
  if (!target || target.protocol !== 'http:' || !['localhost', '127.0.0.1'].includes(target.hostname) || target.search || target.hash) {
    throw new UsageError('--redirect-uri must be an http://localhost or http://127.0.0.1 address without query or fragment, e.g. http://localhost:3000', 'token');
  }
  const state = createState();
  const wait = AbortSignal.any([io.signal, AbortSignal.timeout(REDIRECT_WAIT_MS)]);
  let finish!: (outcome: { token?: TokenResponse; error?: unknown }) => void;
  const done = new Promise<{ token?: TokenResponse; error?: unknown }>((resolve) => (finish = resolve));
  let redirectUri = options.redirectUri;
  let busy = false;

  const page = (response: ServerResponse, status: number, text: string) =>
    void response
      .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' })
      .end(`<!doctype html><meta charset="utf-8"><title>helixkit</title><p>${text}</p>\n`);

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', redirectUri);
    if (request.method !== 'GET' || url.pathname !== target.pathname || busy) return page(response, 404, 'Not the login callback.');
    let code: string | undefined;
    try {
      // Twitch sends the state back with a code and with an error; an answer without one is not Twitch's.
      if (!url.searchParams.has('state')) throw new StateMismatchError();
      code = parseRedirect(url, { state }).code;
      if (!code) throw new AuthError({ error: 'invalid_response', description: 'the redirect holds no code', source: 'authorize' });
    } catch (error) {
      // A request with another state (or none) may be forged: answered, ignored, and the wait goes on.
      if (error instanceof StateMismatchError) {
        io.err('helixkit: ignored a request to the callback whose state is not this login\'s\n');
        return page(response, 400, 'This is not the login this command started; it was ignored.');
      }
      page(response, 400, 'The login failed; the terminal says why.');
      return finish({ error: new CliError(`the login failed at Twitch: ${error instanceof Error ? error.message : String(error)}`) });
    }
    io.secrets.push(code);
    busy = true;
    try {
      const { clientId, clientSecret, authBaseUrl } = options;
      const token = await exchangeCode({ clientId, clientSecret, code, redirectUri, ...(authBaseUrl ? { authBaseUrl } : {}) });
      page(response, 200, 'Logged in. You can close this tab and go back to the terminal.');
      finish({ token });
    } catch (error) {
      page(response, 502, 'Logged in at Twitch, but the code exchange failed; the terminal says why.');
      finish({ error });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new CliError(`cannot listen on 127.0.0.1:${target.port || 80} (${error.code ?? error.message}); free the port or pass --redirect-uri with another port listed for the app`)),
    );
    server.listen(Number(target.port || 80), '127.0.0.1', resolve);
  });
  // Port 0 (for tests) means any free port: the redirect URI names the one taken.
  if (target.port === '0') {
    target.port = String((server.address() as AddressInfo).port);
    redirectUri = target.href;
  }
  const url = authorizeUrl({ clientId: options.clientId, redirectUri, scopes: options.scopes, responseType: 'code', state, ...(options.authBaseUrl ? { authBaseUrl: options.authBaseUrl } : {}) });
  io.err(
    `Open this link in a browser and approve:\n${url}\n` +
      `Twitch then sends the browser to ${redirectUri}, which must be listed exactly in the app's OAuth Redirect URLs.\n` +
      `Waiting (up to ${duration(REDIRECT_WAIT_MS / 1000)}; Ctrl-C cancels)...\n`,
  );
  const onAbort = () => finish({ error: wait.reason });
  wait.addEventListener('abort', onAbort, { once: true });
  const outcome = await done;
  wait.removeEventListener('abort', onAbort);
  server.closeAllConnections();
  server.close();
  if (outcome.token) return outcome.token;
  const error = outcome.error;
  if (error instanceof DOMException && error.name === 'TimeoutError') throw new CliError(`no login came back within ${duration(REDIRECT_WAIT_MS / 1000)}`);
  throw error;
}

/** Writes `text` to `path` readable by its owner only, even when the file was there before. */
async function saveFile(path: string, text: string): Promise<void> {
  let file;
  try {
    file = await open(path, 'w', 0o600);
    // An existing file keeps its mode on open: narrow it before a token is in it.
    await file.chmod(0o600);
    await file.writeFile(text);
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    await file?.close();
  }
}
