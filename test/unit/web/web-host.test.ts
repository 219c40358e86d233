// The web host for real: HTTP and WebSocket on 127.0.0.1, in this process, with a fake core.
// What a browser (or another web page, or a DNS-rebinding attacker) would meet.
import { chmod, mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { commandNames } from '../../../preload/contract.ts';
import type { Handlers } from '../../../preload/contract.ts';
import { MAX_FRAME_BYTES, ServerFrame, WEB_API_PATH } from '../../../preload/web-wire.ts';
import { silentLogger } from '../../../main/core/ports.ts';
import type { Logger } from '../../../main/core/ports.ts';
import type { CoreOptions } from '../../../main/core/core.ts';
import { createFakeCore } from '../app/fake-core.ts';
import type { FakeCore } from '../app/fake-core.ts';
import { expectOneHandlerEach } from '../app/one-handler-each.ts';
import { errorOf } from '../app/test-options.ts';

vi.mock('../../../main/core/create-core.ts', () => ({
  createCore: () => {
    throw new Error('the tests pass createCore');
  },
}));
const { ensurePrivateDir, startWebHost } = await import('../../../main/web/web-host.ts');
type WebHost = Awaited<ReturnType<typeof startWebHost>>;

let dir: string;
let host: WebHost;
let core: FakeCore;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookswitch-web-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Hookswitch</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'export {};');
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{}');
  await writeFile(join(dir, 'package.json'), '{"secret":"outside the renderer"}');
  host = await startWebHost({
    port: 0,
    dataDir: join(dir, 'data'),
    rendererDir,
    logger: silentLogger,
    stopTimeoutMs: 200,
    createCore: (options: CoreOptions) => {
      core = createFakeCore(options);
      return core;
    },
  });
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await host.stop();
  await rm(dir, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP request with a raw path (not normalised) and any Host header. */
function get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The status a WebSocket upgrade request gets: 101 when accepted, else the refusal. */
function upgradeStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: host.port,
      path,
      headers: {
        host: `127.0.0.1:${host.port}`,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const apiPath = (token: string | null) => (token === null ? WEB_API_PATH : `${WEB_API_PATH}?token=${encodeURIComponent(token)}`);

/** A connected client that collects every frame the host sends. */
async function connect(origin = `http://127.0.0.1:${host.port}`) {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${apiPath(host.token)}`, { origin });
  sockets.push(ws);
  const frames: ServerFrame[] = [];
  ws.on('message', (data: Buffer) => frames.push(ServerFrame.parse(JSON.parse(data.toString('utf8')))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      resolve();
    });
    ws.once('error', reject);
  });
  const result = async (id: number) =>
    vi.waitFor(() => {
      const frame = frames.find((f) => f.type === 'result' && f.id === id);
      if (!frame || frame.type !== 'result') throw new Error(`no result ${id}`);
      return frame.result;
    }, { interval: 5 });
  const invoke = async (id: number, command: string, args?: unknown) => {
    ws.send(JSON.stringify({ type: 'invoke', id, command, args }));
    return result(id);
  };
  return { ws, frames, invoke, result };
}

describe('WebSocket admission', () => {
  it('accepts the right token on the right Host and Origin', async () => {
    expect(await upgradeStatus(apiPath(host.token), { origin: `http://127.0.0.1:${host.port}` })).toBe(101);
    expect(await upgradeStatus(apiPath(host.token), { host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` })).toBe(101);
    // No Origin: not a browser page, but it still needs the token.
    expect(await upgradeStatus(apiPath(host.token))).toBe(101);
  });

  it('refuses a missing or wrong token with 403', async () => {
    expect(await upgradeStatus(apiPath(null))).toBe(403);
    expect(await upgradeStatus(apiPath(''))).toBe(403);
    expect(await upgradeStatus(apiPath(`${host.token}x`))).toBe(403);
    expect(await upgradeStatus(apiPath(host.token.slice(1)))).toBe(403);
  });

  it('refuses a foreign Origin with 403', async () => {
    for (const origin of ['https://evil.example', `http://evil.example:${host.port}`, `http://127.0.0.1:${host.port + 1}`, 'null']) {
      expect(await upgradeStatus(apiPath(host.token), { origin }), origin).toBe(403);
    }
  });

  it('refuses a rebinding Host with 403', async () => {
    for (const h of [`evil.example:${host.port}`, '127.0.0.1', `127.0.0.1:${host.port + 1}`, `[::1]:${host.port}`]) {
      expect(await upgradeStatus(apiPath(host.token), { host: h }), h).toBe(403);
    }
  });

  it('refuses other paths', async () => {
    expect(await upgradeStatus(`/other?token=${host.token}`)).toBe(403);
  });

  it('serves the address with the token in the fragment, on 127.0.0.1 only', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('commands over the socket', () => {
  it('invokes app:getState', async () => {
    const client = await connect();
    const result = await client.invoke(1, 'app:getState');
    const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(result).toMatchObject({ ok: true, value: { host: 'web', version } });
    expect(core.calls[0]?.sender.id).toMatch(/^web-\d+$/);
  });

  it('every contract command is registered exactly once', async () => {
    expect(host.commands).toEqual(commandNames);
    expectOneHandlerEach(host.commands);
    const client = await connect();
    for (const [i, name] of commandNames.entries()) {
      const result = await client.invoke(100 + i, name, undefined);
      // Anything but unknown-command: the name reached its handler (or its schema).
      if (!result.ok) expect(result.error.code, name).not.toBe('unknown-command');
    }
  });

  it('does not start when the core lacks a handler for a contract command', async () => {
    const started = startWebHost({
      port: 0,
      dataDir: join(dir, 'data-2'),
      rendererDir: join(dir, 'renderer'),
      logger: silentLogger,
      createCore: (options: CoreOptions) => {
        const partial: Partial<Handlers> = { ...createFakeCore(options).handlers };
        delete partial['calls:dtmf'];
        return { ...createFakeCore(options), handlers: partial as Handlers };
      },
    });
    await expect(started).rejects.toThrow(/No handler for command: calls:dtmf/);
  });

  it('answers an unknown command, bad arguments and a failing handler clearly', async () => {
    const client = await connect();
    expect(await client.invoke(1, 'calls:explode')).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(errorOf(await client.invoke(2, 'calls:dial', { target: 7 }))).toEqual({
      code: 'invalid-argument',
      message: 'calls:dial: target: Invalid input: expected string, received number',
    });
    expect(await client.invoke(3, 'calls:answer', { callId: 'x' })).toMatchObject({ ok: false, error: { code: 'no-such-call' } });
    expect(await client.invoke(4, 'calls:dial', { target: 'explode' })).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });

  it('survives malformed frames: no id is ignored, a bad frame with an id gets invalid-argument', async () => {
    const client = await connect();
    client.ws.send('{not json');
    client.ws.send('[1,2,3]');
    client.ws.send(JSON.stringify({ type: 'invoke', command: 'app:getState' }));
    client.ws.send(Buffer.from([0xff, 0x00]), { binary: true });
    client.ws.send(JSON.stringify({ type: 'invoke', id: 5 }));
    expect(errorOf(await client.result(5))).toEqual({ code: 'invalid-argument', message: 'frame: command: Invalid input: expected string, received undefined' });
    expect(await client.invoke(6, 'app:getState')).toMatchObject({ ok: true });
    expect(client.frames.flatMap((f) => (f.type === 'result' ? [f.id] : []))).toEqual([5, 6]);
  });

  it('closes a socket that sends an oversize frame with 1009, and keeps serving others', async () => {
    const client = await connect();
    const closed = new Promise<number>((resolve) => {
      client.ws.once('close', (code: number) => {
        resolve(code);
      });
    });
    client.ws.send(JSON.stringify({ type: 'invoke', id: 1, command: 'calls:dial', args: { target: 'x'.repeat(MAX_FRAME_BYTES) } }));
    expect(await closed).toBe(1009);
    const next = await connect();
    expect(await next.invoke(2, 'app:getState')).toMatchObject({ ok: true });
  });

  it('pushes events to every socket, emitTo to one, and reports closed sockets as gone', async () => {
    const a = await connect();
    const b = await connect();
    await a.invoke(1, 'media:ready', { devices: true });
    const aId = core.calls.at(-1)!.sender.id;
    core.options.events.emit('calls:changed', []);
    core.options.events.emitTo(aId, 'accounts:changed', [core.account]);
    await vi.waitFor(() => {
      expect(a.frames.flatMap((f) => (f.type === 'event' ? [f.event] : []))).toEqual(['calls:changed', 'accounts:changed']);
    });
    await vi.waitFor(() => {
      expect(b.frames.flatMap((f) => (f.type === 'event' ? [f.event] : []))).toEqual(['calls:changed']);
    });
    a.ws.close();
    await vi.waitFor(() => {
      expect(core.gone).toEqual([aId]);
    });
  });
});

describe('static files', () => {
  it('serves the renderer with the CSP, which also allows its own WebSocket', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Hookswitch</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob: data:; " +
        `font-src 'self'; connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}; ` +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/index.html?x=1')).status).toBe(200);
  });

  it('refuses paths outside the renderer folder', async () => {
    for (const path of ['/../package.json', '/assets/../../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/..%5cpackage.json', '/assets/%00', '/missing.js', '/assets']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('secret');
    }
  });

  it('refuses a rebinding Host and other methods', async () => {
    expect((await get('/', { host: 'evil.example' })).status).toBe(403);
    const post = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(post).toBe(405);
  });
});

describe('a page opened from the launcher page', () => {
  it('is let in: the navigation from file:// has no Origin, and the page then connects as its own origin', async () => {
    // Chromium sends a top-level navigation GET without Origin (and a file:// page sends no Referer).
    const page = await get('/', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' });
    expect(page.status).toBe(200);
    // The renderer's own WebSocket, from http://127.0.0.1:<port>, with the token from the fragment.
    expect(await upgradeStatus(apiPath(host.token), { origin: `http://127.0.0.1:${host.port}` })).toBe(101);
    // The launcher page itself could not use the API: a file:// page's Origin is 'null'.
    expect(await upgradeStatus(apiPath(host.token), { origin: 'null' })).toBe(403);
  });
});

describe('data folder', () => {
  it('is created owner-only, with any folder above it that is missing', async () => {
    expect((await stat(host.dataDir)).mode & 0o777).toBe(0o700);
    const nested = join(dir, 'a', 'b', 'data');
    await ensurePrivateDir(nested, silentLogger);
    expect((await stat(nested)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o700);
  });

  it('says so when an existing folder is open to other users, and leaves it alone', async () => {
    const shared = join(dir, 'shared');
    await mkdir(shared, { mode: 0o755 });
    await chmod(shared, 0o755);
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (msg: string) => warnings.push(msg) };
    await ensurePrivateDir(shared, logger);
    expect(warnings).toEqual([`web host: data folder ${shared} is open to other users; its files stay owner-only`]);
    expect((await stat(shared)).mode & 0o777).toBe(0o755);
    await ensurePrivateDir(host.dataDir, logger);
    expect(warnings).toHaveLength(1);
  });


  it('keeps secrets in an owner-only file and settings atomically', async () => {
    await core.options.secrets.set('sip-password', 'pw');
    const secrets = join(host.dataDir, 'secrets.json');
    expect((await stat(secrets)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(secrets, 'utf8'))).toEqual({ 'sip-password': 'pw' });
    await expect(core.options.secrets.get('sip-password')).resolves.toBe('pw');

    await core.options.settingsFile.write('{"a":1}');
    await expect(core.options.settingsFile.read()).resolves.toBe('{"a":1}');
    const aside = await core.options.settingsFile.moveAside();
    expect(aside).toMatch(/settings\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    await expect(core.options.settingsFile.read()).resolves.toBeNull();
    expect(await readFile(aside, 'utf8')).toBe('{"a":1}');
  });

  it('starts the core, and stops it within its bound', async () => {
    expect(core.started).toBe(1);
    core.stopHangs = true;
    const begun = Date.now();
    await host.stop();
    expect(core.stopped).toBe(1);
    expect(Date.now() - begun).toBeLessThan(2000);
  });
});
