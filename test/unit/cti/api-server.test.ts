// The local API as an attacker meets it: a real HTTP and WebSocket server on 127.0.0.1, requests
// without the token, with a wrong one, from web pages, through DNS rebinding, too big, too fast,
// malformed. The commands behind it are stubbed here: what they do is tested with the real core.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AppError } from '../../../main/core/errors.ts';
import { systemClock, silentLogger } from '../../../main/core/ports.ts';
import type { CtiEvent } from '../../../main/core/cti/api-schema.ts';
import { startApiServer, type ApiLimits, type ApiServer } from '../../../main/core/cti/api-server.ts';

const TOKEN = 'test-token-0123456789abcdefABCDEF_-';
const ORIGIN = 'https://crm.example.com';

let server: ApiServer;
let ran: { command: string; params: unknown; callId: string }[];
/** What the settings say now; tests change them while the server runs. */
let current: { token: string; origins: string[] };

async function start(limits: Partial<ApiLimits> = {}): Promise<void> {
  ran = [];
  current = { token: TOKEN, origins: [ORIGIN] };
  server = await startApiServer({
    port: 0,
    token: () => current.token,
    allowedOrigins: () => current.origins,
    run: (command, params, callId) => {
      ran.push({ command, params, callId });
      if (callId === 'gone') return Promise.reject(new AppError('no-such-call', 'no call gone'));
      if (command === 'MakeCall') return Promise.resolve({ callId: 'c1' });
      return Promise.resolve({ ok: command });
    },
    calls: () => [],
    openapi: () => ({ openapi: '3.1.0' }),
    clock: systemClock,
    logger: silentLogger,
    limits,
  });
}

beforeEach(async () => {
  await start();
});
afterEach(async () => {
  await server.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const auth = { Authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'Content-Type': 'application/json' };

function errorCode(answer: Answer): string {
  return (JSON.parse(answer.body) as { error: { code: string } }).error.code;
}

describe('who may ask', () => {
  it('no token, a wrong token, a malformed header: 401 with a Bearer challenge; nothing runs', async () => {
    for (const headers of [{} as Record<string, string>, { Authorization: 'Bearer wrong' }, { Authorization: `Basic ${TOKEN}` }, { Authorization: `Bearer ${TOKEN} x` }, { Authorization: `bearer ${TOKEN.slice(0, -1)}` }]) {
      const answer = await http('GET', '/v1/calls', headers);
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="hookswitch"');
      expect(errorCode(answer)).toBe('unauthorized');
    }
    expect(ran).toEqual([]);
    expect((await http('GET', '/v1/calls', auth)).status).toBe(200);
    expect(ran).toHaveLength(1);
  });

  it('a Host that is not this machine (DNS rebinding) is refused, token or not', async () => {
    for (const host of ['attacker.example', `attacker.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `127.0.0.1.nip.io:${server.port}`, '']) {
      const answer = await http('GET', '/v1/calls', { ...auth, Host: host, Origin: `http://${host}` });
      expect(answer.status, host).toBe(403);
      expect(errorCode(answer)).toBe('forbidden');
    }
    expect((await http('GET', '/v1/calls', { ...auth, Host: `LOCALHOST:${server.port}` })).status).toBe(200);
    expect(ran).toHaveLength(1);
  });

  it('a web page that is not allowed is refused, even with the token; an allowed one gets CORS headers', async () => {
    for (const origin of ['https://evil.example', 'null', 'https://crm.example.com.evil.example', 'http://crm.example.com', 'file://']) {
      const answer = await http('POST', '/v1/calls', { ...json, Origin: origin }, '{"to":"1002"}');
      expect(answer.status, origin).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(ran).toEqual([]);
    const allowed = await http('POST', '/v1/calls', { ...json, Origin: ORIGIN }, '{"to":"1002"}');
    expect(allowed.status).toBe(201);
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(allowed.headers.vary).toBe('Origin');
  });

  it('preflight: only for allowed pages, with Private Network Access', async () => {
    const ok = await http('OPTIONS', '/v1/calls', {
      Origin: ORIGIN,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type',
      'Access-Control-Request-Private-Network': 'true',
    });
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(ok.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
    expect(ok.headers['access-control-allow-private-network']).toBe('true');
    expect((await http('OPTIONS', '/v1/calls', { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' })).status).toBe(403);
  });

  it('after a burst of wrong tokens, wrong tokens wait; the right token still works', async () => {
    for (let i = 0; i < 10; i++) expect((await http('GET', '/v1/calls', { Authorization: `Bearer guess${i}` })).status).toBe(401);
    const locked = await http('GET', '/v1/calls', { Authorization: 'Bearer guess-again' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await http('GET', '/v1/calls', auth)).status).toBe(200);
  });

  it('the OpenAPI document needs no token, but the Host and Origin checks still apply', async () => {
    const doc = await http('GET', '/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(JSON.parse(doc.body)).toEqual({ openapi: '3.1.0' });
    expect((await http('GET', '/v1/openapi.json', { Host: 'attacker.example' })).status).toBe(403);
    expect((await http('GET', '/v1/openapi.json', { Origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('what may be asked', () => {
  it('routes to the commands, with the call id from the path and the checked parameters', async () => {
    expect((await http('POST', '/v1/calls/abc-1/answer', auth)).status).toBe(200);
    expect((await http('POST', '/v1/calls/abc-1/mute', json, '{"muted":true}')).status).toBe(200);
    expect((await http('POST', '/v1/calls/abc-1/dtmf', json, '{"digits":"12#"}')).status).toBe(200);
    expect((await http('POST', '/v1/calls/abc-1/single-step-transfer', json, '{"to":"1003"}')).status).toBe(200);
    expect(ran).toEqual([
      { command: 'AnswerCall', params: {}, callId: 'abc-1' },
      { command: 'SetMute', params: { muted: true }, callId: 'abc-1' },
      { command: 'SendDtmf', params: { digits: '12#' }, callId: 'abc-1' },
      { command: 'SingleStepTransfer', params: { to: '1003' }, callId: 'abc-1' },
    ]);
  });

  it('refuses what is malformed, too big, of another type, or not there, each with its code', async () => {
    const cases: [string, string, Record<string, string>, string | Buffer | undefined, number, string][] = [
      ['POST', '/v1/calls', json, '{"to":', 400, 'invalid-argument'],
      ['POST', '/v1/calls', json, '{"to":"1002","admin":true}', 400, 'invalid-argument'],
      ['POST', '/v1/calls', json, '{"to":""}', 400, 'invalid-argument'],
      ['POST', '/v1/calls', json, '[]', 400, 'invalid-argument'],
      ['POST', '/v1/calls/abc/dtmf', json, '{"digits":"1;drop table"}', 400, 'invalid-argument'],
      ['POST', '/v1/calls', { ...auth, 'Content-Type': 'text/plain' }, '{"to":"1002"}', 415, 'unsupported-media-type'],
      ['POST', '/v1/calls', json, `{"to":"${'1'.repeat(20_000)}"}`, 413, 'too-large'],
      ['POST', '/v1/calls/abc/explode', auth, undefined, 404, 'not-found'],
      ['POST', '/v1/calls/../../etc/passwd/answer', auth, undefined, 404, 'not-found'],
      ['GET', '/v2/calls', auth, undefined, 404, 'not-found'],
      ['DELETE', '/v1/calls', auth, undefined, 405, 'method-not-allowed'],
      ['GET', '/v1/calls/abc/answer', auth, undefined, 405, 'method-not-allowed'],
      ['GET', `/v1/calls?${'x'.repeat(3000)}`, auth, undefined, 414, 'uri-too-long'],
      ['POST', '/v1/calls/gone/answer', auth, undefined, 404, 'no-such-call'],
    ];
    for (const [method, path, headers, body, status, code] of cases) {
      const answer = await http(method, path, headers, body);
      expect(answer.status, `${method} ${path.slice(0, 40)}`).toBe(status);
      expect(errorCode(answer), `${method} ${path.slice(0, 40)}`).toBe(code);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    expect(ran.map((r) => r.callId)).toEqual(['gone']);
  });

  it('headers beyond the limit are refused by the server itself', async () => {
    const answer = await http('GET', '/v1/calls', { ...auth, 'X-Padding': 'p'.repeat(10_000) });
    expect(answer.status).toBe(431);
  });

  it('a request without a Host header is refused', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(`GET /v1/calls HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => {
        resolve(text);
      });
    });
    expect(reply).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(ran).toEqual([]);
  });

  it('beyond the rate, 429 with Retry-After', async () => {
    await server.close();
    await start({ perSecond: 1, burst: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await http('GET', '/v1/calls', auth)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('fuzzed bodies: always a JSON 4xx, never a crash; the server answers after', async () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = ['{', '}', '"to"', ':', '"1002"', ',', '[', ']', 'null', 'true', '"\\u0000"', '1e999', '"__proto__"', '{"constructor":{"prototype":{}}}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '\uFFFF', '\\', '"'];
    await server.close();
    await start({ perSecond: 10_000, burst: 10_000 });
    for (let i = 0; i < 300; i++) {
      let body = '';
      const n = 1 + Math.floor(next() * 12);
      for (let j = 0; j < n; j++) body += pieces[Math.floor(next() * pieces.length)] ?? '';
      const answer = await http('POST', '/v1/calls', json, body);
      expect([201, 400], body).toContain(answer.status);
      JSON.parse(answer.body);
    }
    expect((await http('GET', '/v1/calls', auth)).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('the WebSocket', () => {
  function open(headers: Record<string, string>, protocols?: string[]): Promise<{ ws: WebSocket; frames: unknown[] } | { status: number; body: string }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/v1/events`, protocols, { headers });
      const frames: unknown[] = [];
      ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8'))));
      ws.on('open', () => {
        resolve({ ws, frames });
      });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      ws.on('error', () => undefined);
    });
  }

  it('refuses no token, a wrong one, a foreign page and a rebinding Host', async () => {
    const refusals = [
      await open({}),
      await open({ Authorization: 'Bearer nope' }),
      await open({ ...auth, Origin: 'https://evil.example' }),
      await open({ ...auth, Host: `attacker.example:${server.port}` }),
      await open({}, ['hookswitch.v1', 'bearer.nope']),
    ];
    expect(refusals.map((r) => ('status' in r ? r.status : 101))).toEqual([401, 401, 403, 403, 401]);
    expect(server.clients()).toBe(0);
  });

  it('a browser offers the token as a subprotocol; the server never echoes it', async () => {
    const opened = await open({ Origin: ORIGIN }, ['hookswitch.v1', `bearer.${TOKEN}`]);
    if (!('ws' in opened)) throw new Error(`refused: ${opened.status}`);
    expect(opened.ws.protocol).toBe('hookswitch.v1');
    opened.ws.close();
  });

  it('welcome, then every event in order; commands answer with their id; bad frames answer with an error', async () => {
    const opened = await open(auth);
    if (!('ws' in opened)) throw new Error(`refused: ${opened.status}`);
    const { ws, frames } = opened;
    await expect.poll(() => frames.length).toBe(1);
    expect(frames[0]).toEqual({ type: 'welcome', apiVersion: 1, calls: [] });
    const event = (seq: number): CtiEvent =>
      ({ type: 'Delivered', seq, callId: 'c1' }) as unknown as CtiEvent;
    for (let i = 1; i <= 3; i++) server.broadcast(event(i));
    ws.send(JSON.stringify({ id: 7, command: 'MakeCall', params: { to: '1002' } }));
    ws.send(JSON.stringify({ id: 8, command: 'AnswerCall' }));
    ws.send('not json');
    ws.send(JSON.stringify({ id: 9, command: 'Reboot' }));
    ws.send(JSON.stringify({ id: 10, command: 'SetMute', callId: 'c1', params: { muted: 'yes' } }));
    await expect.poll(() => frames.length).toBe(9);
    expect(frames.slice(1, 4)).toEqual([1, 2, 3].map((seq) => ({ type: 'event', event: event(seq) })));
    // Results come as their commands finish, not necessarily in the order sent.
    expect(frames.slice(4)).toHaveLength(5);
    expect(frames.slice(4)).toEqual(expect.arrayContaining([
      { type: 'result', id: 7, ok: true, result: { callId: 'c1' } },
      { type: 'result', id: 8, ok: false, error: { code: 'invalid-argument', message: 'AnswerCall needs a callId' } },
      { type: 'result', id: null, ok: false, error: { code: 'invalid-argument', message: 'the frame is not JSON' } },
      expect.objectContaining({ type: 'result', id: 9, ok: false, error: expect.objectContaining({ code: 'invalid-argument' }) as unknown }),
      expect.objectContaining({ type: 'result', id: 10, ok: false, error: expect.objectContaining({ code: 'invalid-argument' }) as unknown }),
    ]) as unknown);
    ws.close();
  });

  it('a new token closes the clients that connected with the old one; a page taken off the list is closed too', async () => {
    const program = await open(auth);
    const page = await open({ Origin: ORIGIN }, ['hookswitch.v1', `bearer.${TOKEN}`]);
    if (!('ws' in program) || !('ws' in page)) throw new Error('refused');
    const closeCode = (ws: WebSocket): Promise<number> => new Promise((resolve) => ws.on('close', (code) => {
      resolve(code);
    }));
    const pageClosed = closeCode(page.ws);
    current.origins = [];
    expect(server.recheck()).toBe(1);
    expect(await pageClosed).toBe(4403);
    expect(program.ws.readyState).toBe(WebSocket.OPEN);
    expect(server.recheck()).toBe(0);

    const programClosed = closeCode(program.ws);
    current.token = 'a-new-token-that-replaced-the-old-one';
    expect(server.recheck()).toBe(1);
    expect(await programClosed).toBe(4401);
    expect(server.clients()).toBe(0);
  });

  it('refuses clients beyond the limit, and messages beyond the size', async () => {
    await server.close();
    await start({ maxClients: 2, maxBodyBytes: 1024 });
    const a = await open(auth);
    const b = await open(auth);
    const c = await open(auth);
    expect('status' in c ? c.status : 101).toBe(503);
    if (!('ws' in a) || !('ws' in b)) throw new Error('refused');
    const closed = new Promise<number>((resolve) => a.ws.on('close', (code) => {
      resolve(code);
    }));
    a.ws.send('x'.repeat(2048));
    expect(await closed).toBe(1009);
    b.ws.close();
  });
});
