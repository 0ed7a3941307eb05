/// <reference types="node" />
/**
 * `helixkit validate <token>`: asks Twitch whose a token is, what it may do and how long it
 * lives. The token itself is never printed.
 */
import { text } from 'node:stream/consumers';
import { InvalidTokenError } from '../auth/errors.js';
import { validateToken } from '../auth/server.js';
import { baseUrl, CliError, duration, noMorePositionals, parse, table, UsageError, wrap, type Io } from './args.js';

export const validateUsage = `Usage: helixkit validate <token> [--json]

Asks Twitch whether an access token is valid and prints its login, user id, client id, scopes
and expiry (never the token). Exit code 1 when Twitch calls the token invalid.
Pass - as the token to read it from stdin (arguments show in process lists).

Options:
  --json            print one JSON line: valid, client_id, login, user_id, scopes, expires_in
  --auth-url URL    OAuth base URL, for testing against a fake Twitch
                    (default https://id.twitch.tv/oauth2/)
  -h, --help        show this help
`;

const options = {
  json: { type: 'boolean' },
  'auth-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function validateCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse('validate', args, options);
  if (values.help) return io.out(validateUsage), 0;
  noMorePositionals('validate', positionals, 1);
  const authBaseUrl = baseUrl('validate', 'auth-url', values['auth-url']);
  let token = positionals[0];
  if (token === undefined) throw new UsageError('validate needs a token (or - to read it from stdin)', 'validate');
  if (token === '-') token = (await text(process.stdin)).trim();
  if (!token) throw new UsageError('no token given', 'validate');
  io.secrets.push(token);

  let found;
  try {
    found = await validateToken(token, { ...(authBaseUrl ? { authBaseUrl } : {}), signal: io.signal });
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new CliError('the token is invalid: Twitch answered 401 (it expired, was revoked, or was never a token)');
    throw error;
  }
  const { client_id, login, user_id, scopes, expires_in } = found;
  if (values.json) {
    io.out(`${JSON.stringify({ valid: true, client_id, login: login ?? null, user_id: user_id ?? null, scopes, expires_in })}\n`);
    return 0;
  }
  io.out(user_id ? `A valid user token of ${login || '(no login)'}\n` : 'A valid app token\n');
  io.out(
    table([
      ...(user_id ? ([['user id', user_id]] as Array<[string, string]>) : []),
      ['client id', client_id],
      ['scopes', scopes.length > 0 ? wrap(scopes) : '(none)'],
      ['expires', expires_in === 0 ? 'never' : `in ${duration(expires_in)} (${expires_in} s)`],
    ]),
  );
  return 0;
}
