// The same webhook handler, bundled once per runtime, answering a signed notification (204,
// dispatched) and refusing a forged one (403) inside workerd (miniflare), Deno.serve and Bun.serve.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRET, followNotification, signedRequest } from './sign.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'runtimes', entry)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** What each runtime test needs: a way to send a request into the runtime. */
type Send = (request: Request) => Promise<Response>;

/** Signed → 204 and dispatched; forged (wrong secret, then no signature) → 403 and not dispatched. */
function behaves(name: string, sendFn: () => Send) {
  test(`${name}: answers a signed notification and refuses a forged one`, async () => {
    const send = sendFn();
    const signed = await send(await signedRequest(followNotification('alice')));
    expect(signed.status).toBe(204);

    const forged = await send(await signedRequest(followNotification('mallory'), { secret: 'not-the-secret-123' }));
    expect(forged.status).toBe(403);
    const unsigned = await send(await signedRequest(followNotification('mallory'), { signature: null }));
    expect(unsigned.status).toBe(403);

    const follows = await send(new Request('http://127.0.0.1/follows'));
    expect(await follows.json()).toEqual(['alice']);
  });
}

/** Starts a child that prints `listening <port>`; resolves the port, or rejects after `ms`. */
function listen(child: ChildProcess, ms = 8000): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no "listening" line within ${ms} ms: ${output}`)), ms);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening: ${output}`));
    });
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

/** Forwards a Request to a loopback server, keeping the path. */
const toPort = (port: number): Send => async (request) => {
  const url = new URL(request.url);
  return fetch(`http://127.0.0.1:${port}${url.pathname}`, {
    method: request.method,
    headers: request.headers,
    body: request.method === 'GET' ? undefined : await request.text(),
  });
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helixkit-webhooks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('workerd (miniflare)', () => {
  let mf: Miniflare | undefined;
  beforeAll(async () => {
    mf = new Miniflare({
      modules: true,
      script: await bundle('worker.ts'),
      compatibilityDate: '2025-01-01',
      bindings: { SECRET },
    });
    await mf.ready;
  }, 15_000);
  afterAll(async () => {
    await mf?.dispose();
  });

  behaves('workerd', () => async (request) => {
    const response = await mf!.dispatchFetch(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: request.method === 'GET' ? undefined : await request.text(),
    });
    const body = response.status === 204 ? null : await response.arrayBuffer();
    return new Response(body, { status: response.status, headers: Object.fromEntries(response.headers) });
  });
});

describe('Deno.serve', () => {
  let child: ChildProcess | undefined;
  let port = 0;
  beforeAll(async () => {
    const file = join(dir, 'deno-server.mjs');
    await writeFile(file, await bundle('deno-server.ts'));
    child = spawn(bin('deno'), ['run', '--allow-net=127.0.0.1', file, '0', SECRET], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', DENO_DIR: join(dir, 'deno-cache') },
    });
    port = await listen(child);
  }, 15_000);
  afterAll(() => stop(child));

  behaves('Deno', () => toPort(port));
});

describe('Bun.serve', () => {
  let child: ChildProcess | undefined;
  let port = 0;
  beforeAll(async () => {
    const file = join(dir, 'bun-server.mjs');
    await writeFile(file, await bundle('bun-server.ts'));
    child = spawn(bin('bun'), [file, '0', SECRET], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', BUN_INSTALL_CACHE_DIR: join(dir, 'bun-cache') },
    });
    port = await listen(child);
  }, 15_000);
  afterAll(() => stop(child));

  behaves('Bun', () => toPort(port));
});
