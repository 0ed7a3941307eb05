// Importing the Helix endpoints must not build their response schemas: a program (or a script-tag
// page) that loads all 149 endpoints and calls two should build two endpoints' schemas, once each.
import { describe, expect, it, vi } from 'vitest';
import type { EndpointSpec } from '../../src/endpoint.js';
import { fetchStub, json } from '../fetch-stub.js';

/** Object schemas valibot has built since the count was last read. */
const built = vi.hoisted(() => ({ objects: 0 }));

vi.mock('valibot', async (importOriginal) => {
  const valibot = await importOriginal<typeof import('valibot')>();
  return {
    ...valibot,
    object: (...args: Parameters<typeof valibot.object>) => {
      built.objects++;
      return valibot.object(...args);
    },
  };
});

const body = {
  data: [
    {
      id: '1',
      login: 'a',
      display_name: 'A',
      type: '',
      broadcaster_type: '',
      description: '',
      profile_image_url: '',
      offline_image_url: '',
      created_at: '2020-01-01T00:00:00Z',
    },
  ],
};

describe('cold start', () => {
  it('builds no response schema at import, the ones a response needs at its first check, and none after', async () => {
    const helix = await import('../../src/helix/index.js');
    const { createClient } = await import('../../src/client.js');
    const { withParameters } = await import('../../src/endpoint.js');
    expect(Object.keys(helix).length).toBe(149);
    withParameters(helix.getStreams, { query: ['new_filter'] });
    expect(built.objects).toBe(0);

    const stub = fetchStub(() => json(body));
    const client = createClient({ clientId: 'cid', auth: 'token', fetch: stub.fetch, validate: 'strict' });
    expect((await helix.getUsers(client, { id: '1' })).data[0]!.login).toBe('a');
    const afterFirst = built.objects;
    expect(afterFirst).toBeGreaterThan(0); // the body and the user
    await helix.getUsers(client, { id: '1' });
    expect(built.objects).toBe(afterFirst);
  });

  it('keeps `fn.endpoint.response` a schema that validates, the same one on every read', async () => {
    const { getUsers, getChannelIcalendar } = await import('../../src/helix/index.js');
    // Generated endpoints carry their whole spec (EndpointSpec), the response schema included.
    const spec = getUsers.endpoint as EndpointSpec;
    const schema = spec.response!;
    expect(spec.response).toBe(schema);
    const check = (value: unknown) => schema['~standard'].validate(value) as { issues?: readonly unknown[] };
    expect(check(body).issues).toBeUndefined();
    expect(check({ data: [{ id: 1 }] }).issues?.length).toBeGreaterThan(0);
    expect((getChannelIcalendar.endpoint as EndpointSpec).response).toBeUndefined();
  });
});
