import { expect, test } from 'vitest';
import { createClient, type ValidationError } from '../../src/index.ts';
import { getUsers } from '../../src/helix/users.ts';

// Twitch answers some calls with 204 and no body where its reference documents a JSON body.
// In 'report' mode (and with validate: false) that is a mismatch to report, not a failed call:
// the request succeeded and Twitch may already have acted on it.
test("report mode: a 2xx without a body resolves and is reported, it does not throw", async () => {
  const reports: ValidationError[] = [];
  const client = createClient({
    clientId: 'c',
    auth: 'token',
    fetch: (async () => new Response(null, { status: 204 })) as typeof fetch,
    onInvalid: (error) => void reports.push(error),
  });
  await expect(getUsers(client, { id: '1' })).resolves.toBeUndefined();
  expect(reports).toHaveLength(1);
});
