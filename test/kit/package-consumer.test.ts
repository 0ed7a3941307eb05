// The package as `npm pack` ships it, in a project that installed only helixkit (ky and valibot
// beside it, no msw, no ws): its declarations type-check with `skipLibCheck: false` under both
// module resolutions, only the testing kit needs msw, and the testing server names a missing peer.
// `helixkit/testing` itself exports only what a test holds.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { repo, runCommand } from './commands.ts';

let project: string;

/** Runs a program to its end (bounded), giving its exit code and everything it printed. */
function run(file: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'helixkit-consumer-'));
  // `--ignore-scripts`: `prepare` would rebuild dist/ under the other tests; npm test built it.
  const pack = runCommand(`npm pack --ignore-scripts --silent --pack-destination '${project}'`);
  expect(await pack.exited, pack.output()).toBe(0);
  const tarball = pack.output().trim().split('\n').at(-1)!;
  const unpack = await run('tar', ['-xzf', join(project, tarball), '-C', project], project);
  expect(unpack.code, unpack.output).toBe(0);
  await mkdir(join(project, 'node_modules'));
  await rename(join(project, 'package'), join(project, 'node_modules/helixkit'));
  // Its two dependencies, as npm would install them; nothing else.
  for (const dependency of ['ky', 'valibot']) await symlink(join(repo, 'node_modules', dependency), join(project, 'node_modules', dependency), 'dir');
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await writeFile(
    join(project, 'main.ts'),
    `import { createClient, getUsers, type Client, type HelixError } from 'helixkit';
import { authorizeUrl, createTokenManager, type Scope } from 'helixkit/auth';
import { EventSubSocket, type EventSubTypes } from 'helixkit/eventsub';
import { channelFollowV2 } from 'helixkit/eventsub/schemas';
import { createWebhookHandler } from 'helixkit/webhooks';
import { ChatClient, parseIrcMessage } from 'helixkit/chat';

const client: Client = createClient({ clientId: 'id', auth: createTokenManager({ clientId: 'id' }) });
const scopes: Scope[] = ['user:read:chat'];
export const used = [getUsers(client, { login: 'twitchdev' }), authorizeUrl, scopes, new EventSubSocket({ client }), channelFollowV2];
export const handler = createWebhookHandler({ secret: 'a-secret-of-ten', on: { 'channel.follow': (event) => event.user_login } });
export const chat = [new ChatClient({}), parseIrcMessage('PING :tmi.twitch.tv')];
export type Follow = EventSubTypes['channel.follow']['event'];
export type Failure = HelixError['status'];
`,
  );
  // Also the testing kit, whose declarations are the only ones allowed to need msw.
  await writeFile(join(project, 'testing.ts'), `import { createMockTwitch } from 'helixkit/testing';\nexport const twitch = createMockTwitch();\n`);
  // A Node project has Node's types and no DOM library: helixkit's declarations must not need it.
  await mkdir(join(project, 'node_modules/@types'), { recursive: true });
  await symlink(join(repo, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'), 'dir');
  const dom = { lib: ['es2023', 'dom', 'dom.iterable'], types: [] };
  for (const [name, module, resolution, libs] of [
    ['bundler', 'esnext', 'bundler', dom],
    ['nodenext', 'nodenext', 'nodenext', dom],
    ['node', 'nodenext', 'nodenext', { lib: ['es2023'], types: ['node'] }],
  ] as const) {
    const compilerOptions = { target: 'es2022', module, moduleResolution: resolution, ...libs, strict: true, skipLibCheck: false, noEmit: true };
    await writeFile(join(project, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files: ['main.ts', 'testing.ts'] }));
  }
}, 60_000);
afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

const tsc = (config: string) => run(join(repo, 'node_modules/.bin/tsc'), ['-p', config], project);

test.each(['bundler', 'nodenext', 'node'])('helixkit, /auth, /eventsub, /webhooks, /chat type-check without msw (skipLibCheck: false, config %s)', async (resolution) => {
  const { code, output } = await tsc(`tsconfig.${resolution}.json`);
  const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
  // Only the testing kit's declarations may reach for msw, which this project does not have.
  const outsideTesting = errors.filter((line) => !/^node_modules\/helixkit\/dist\/testing\/[\w-]+\.d\.ts\(\d+,\d+\): error TS2307: Cannot find module 'msw'/.test(line));
  expect(outsideTesting, output).toEqual([]);
  expect(errors.length, 'the testing kit type-checked without msw: is msw reachable from the project?').toBeGreaterThan(0);
  expect(code).not.toBe(0);
});

test('helixkit/testing/server names the missing optional peer, msw first, then ws; serveFiles needs neither', async () => {
  const script = `
    const { serveFiles, startMockTwitch } = await import('helixkit/testing/server');
    const files = await serveFiles({ '/': '.' });
    await files.close();
    try { await startMockTwitch(); console.log('started'); process.exit(0); } catch (error) { console.log(error.message); }
  `;
  const withoutBoth = await run(process.execPath, ['--input-type=module', '-e', script], project);
  expect(withoutBoth.output.trim()).toBe(
    'helixkit/testing/server needs the package "msw", an optional peer dependency of helixkit: install both with `npm install --save-dev msw ws`',
  );
  await symlink(join(repo, 'node_modules/msw'), join(project, 'node_modules/msw'), 'dir');
  try {
    const withoutWs = await run(process.execPath, ['--input-type=module', '-e', script], project);
    expect(withoutWs.output.trim()).toBe(
      'helixkit/testing/server needs the package "ws", an optional peer dependency of helixkit: install both with `npm install --save-dev msw ws`',
    );
  } finally {
    await rm(join(project, 'node_modules/msw'));
  }
});

test('the package declares msw and ws as optional peers', async () => {
  const manifest = JSON.parse(await readFile(join(project, 'node_modules/helixkit/package.json'), 'utf8'));
  expect(Object.keys(manifest.dependencies).sort()).toEqual(['ky', 'valibot']);
  expect(manifest.peerDependenciesMeta).toEqual({ msw: { optional: true }, ws: { optional: true } });
});

test('helixkit/testing exports what a test holds, not the fake\'s internals', async () => {
  const testing = await import('helixkit/testing');
  expect(Object.keys(testing).sort()).toEqual(['createMockTwitch', 'webhookRequest']);
});

// Node (and Deno, Bun) load the `node` build of every entry: a few shared files with ky loaded at
// the first request, since ky's evaluation reads `globalThis.Request`, which starts Node's fetch.
const entries = async () => {
  const manifest = JSON.parse(await readFile(join(project, 'node_modules/helixkit/package.json'), 'utf8')) as { exports: Record<string, unknown> };
  // The testing kit needs msw, which this project does not have.
  return Object.keys(manifest.exports)
    .filter((subpath) => subpath !== './package.json' && !subpath.startsWith('./testing'))
    .map((subpath) => (subpath === '.' ? 'helixkit' : `helixkit/${subpath.slice(2)}`));
};

test("importing every entry in Node reads none of fetch's globals (the first read starts Node's fetch)", async () => {
  const script = `
    const read = [];
    for (const name of ['fetch', 'Request', 'Response', 'Headers', 'FormData', 'ReadableStream', 'WebSocket']) {
      Object.defineProperty(globalThis, name, { configurable: true, get: () => void read.push(name) });
    }
    for (const entry of ${JSON.stringify(await entries())}) await import(entry);
    console.log(JSON.stringify(read));
  `;
  const { code, output } = await run(process.execPath, ['--input-type=module', '-e', script], project);
  expect(code, output).toBe(0);
  expect(JSON.parse(output)).toEqual([]);
});

// The same script in each runtime that reads the `node` condition.
const sharing = `
    import { createServer } from 'node:http';
    const core = await import('helixkit');
    const user = { id: '1', login: 'alice', display_name: 'Alice', type: '', broadcaster_type: '', description: '', profile_image_url: '', offline_image_url: '', created_at: '2020-01-01T00:00:00Z' };
    const server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url.includes('alice')) response.end(JSON.stringify({ data: [user] }));
      else response.writeHead(404).end(JSON.stringify({ error: 'Not Found', status: 404, message: 'no such user' }));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = core.createClient({ clientId: 'id', auth: 'token', baseUrl: 'http://127.0.0.1:' + server.address().port + '/helix/', retry: { limit: 0 } });
    const login = (await core.getUsers(client, { login: 'alice' })).data[0].login;
    const failed = (error) => error.constructor.name + ' ' + (error instanceof core.TwitchError);
    const missing = await core.getUsers(client, { login: 'bob' }).catch(failed);
    await new Promise((resolve) => server.close(resolve));
    const refused = await core.getUsers(client, { login: 'alice' }).catch(failed);
    // Errors thrown by other entries are instances of the classes 'helixkit' exports.
    const errors = [];
    for (const fail of [
      async () => (await import('helixkit/chat')).parseIrcMessage(''),
      async () => (await import('helixkit/eventsub')).parseEventSubMessage('not json'),
      async () => (await import('helixkit/auth')).parseRedirect('https://app.example/#state=a', { state: 'b' }),
      async () => (await import('helixkit/extensions')).verifyExtensionJwt('a.b.c', 'c2VjcmV0'),
    ]) {
      try { await fail(); errors.push('no error'); } catch (error) { errors.push(error instanceof core.TwitchError); }
    }
    console.log(JSON.stringify({ login, missing, refused, errors }));
`;

test.each([
  ['Node', process.execPath, []],
  ['Deno', join(repo, 'node_modules/.bin/deno'), ['run', '--quiet', '--allow-net=127.0.0.1', '--allow-read']],
  ['Bun', join(repo, 'node_modules/.bin/bun'), []],
] as const)("in %s, the entries share one copy of each module, and calls load ky at the first one and map ky's errors", async (runtime, bin, args) => {
  await writeFile(join(project, 'sharing.mjs'), sharing);
  const { code, output } = await run(bin, [...args, 'sharing.mjs'], project);
  expect(code, output).toBe(0);
  const result = JSON.parse(output);
  expect(result).toEqual({ login: 'alice', missing: 'NotFoundError true', refused: 'NetworkError true', errors: [true, true, true, true] });
});
