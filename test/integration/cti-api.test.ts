// The local CTI API with the real core: calls through Kamailio to and from a sip.js phone, driven
// over HTTP and WebSocket as a CRM would, with the events arriving in order, each carrying the
// numbers and the matched contact from a real SQLite file.
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SessionState } from 'sip.js';
import type { CtiEvent, WsFrame } from '../../main/core/cti/api-schema.ts';
import { createHistoryStore } from '../../main/host/history/create-history-store.ts';
import { silentLogger } from '../../main/core/ports.ts';
import { startKamailio, freeTcpPort, type Kamailio } from '../support/kamailio.ts';
import { startPeerUa, type PeerUa } from '../support/peer-ua.ts';
import { Cleanup, pollUntil } from '../support/process.ts';
import { accountSettings, startCore, type CoreFixture } from './core-fixture.ts';

const ME = '1401';
const BOB = '1402';

describe('the local CTI API', () => {
  let kam: Kamailio;
  let core: CoreFixture;
  let bob: PeerUa;
  let port: number;
  let token: string;
  let dir: string;
  const cleanup = new Cleanup();

  async function api(method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`http://127.0.0.1:${port}${route}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5000),
    });
    return { status: res.status, json: await res.json() };
  }

  /** A CRM on the WebSocket: every frame, in order. */
  async function listen(): Promise<{ ws: WebSocket; frames: WsFrame[]; events: () => CtiEvent[] }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/events`, { headers: { Authorization: `Bearer ${token}` } });
    const frames: WsFrame[] = [];
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as WsFrame));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        resolve();
      });
      ws.once('error', reject);
    });
    cleanup.add('ws', () => {
      ws.terminate();
      return Promise.resolve();
    });
    const events = (): CtiEvent[] => frames.flatMap((f) => (f.type === 'event' ? [f.event] : []));
    return { ws, frames, events };
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookswitch-cti-'));
    cleanup.add('dir', () => {
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    });
    kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
    const history = createHistoryStore({ file: path.join(dir, 'history.sqlite'), logger: silentLogger, mode: 'in-thread' });
    core = await startCore({ history });
    cleanup.add('core', () => core.stop());
    bob = await startPeerUa({ wsUrl: kam.wsUrl, user: BOB, displayName: 'Bob Peer', incoming: { mode: 'answer', delayMs: 300 } });
    cleanup.add('bob', () => bob.stop());
    await core.registerAs({ wsUrl: kam.wsUrl, user: ME });
    await core.run('contacts:save', { id: null, name: 'Bob Builder', company: 'Builders Ltd', email: '', crmId: 'CRM-42', notes: '', numbers: [{ label: 'work', number: BOB }] });
    port = await freeTcpPort();
    const settings = accountSettings({ wsUrl: kam.wsUrl, user: ME });
    await core.run('settings:save', { settings: { ...settings, api: { enabled: true, port, allowedOrigins: [] } } });
    await pollUntil('api listening', () => core.core.getState().api.state === 'listening', 5000);
    token = (await core.run('api:token', { regenerate: false })).token;
  });

  afterAll(() => cleanup.run());

  it('MakeCall over HTTP: a real call to Bob; the WebSocket hears Originated, Delivered, Established, ConnectionCleared', async () => {
    const crm = await listen();
    await pollUntil('welcome', () => crm.frames.length > 0, 2000);
    expect(crm.frames[0]).toMatchObject({ type: 'welcome', apiVersion: 1, calls: [] });
    const n = bob.calls.length;
    const made = await api('POST', '/v1/calls', { to: BOB });
    expect(made.status).toBe(201);
    const callId = (made.json as { callId: string }).callId;
    expect(made.json).toMatchObject({ direction: 'outgoing', local: ME, remote: { number: BOB } });
    const bobCall = await bob.waitForCall(n);
    await bob.waitForState(bobCall, SessionState.Established);
    await pollUntil('Established event', () => crm.events().some((e) => e.type === 'Established'), 5000);

    const calls = await api('GET', '/v1/calls');
    expect(calls.json).toMatchObject({ calls: [{ callId, state: 'established', contact: { name: 'Bob Builder', crmId: 'CRM-42' } }] });

    expect((await api('POST', `/v1/calls/${callId}/clear`)).status).toBe(200);
    await bob.waitForState(bobCall, SessionState.Terminated);
    await pollUntil('ConnectionCleared event', () => crm.events().some((e) => e.type === 'ConnectionCleared'), 5000);
    const events = crm.events().filter((e) => e.callId === callId);
    expect(events.map((e) => e.type)).toEqual(['Originated', 'Delivered', 'Established', 'ConnectionCleared']);
    for (const e of events) {
      expect(e).toMatchObject({ local: ME, direction: 'outgoing', remote: { number: BOB }, contact: { name: 'Bob Builder', company: 'Builders Ltd', crmId: 'CRM-42' } });
    }
    expect(events.at(-1)?.cause).toEqual({ reason: 'local-hangup', sipStatus: null });
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    crm.ws.close();
  });

  it('an incoming call: Delivered, answered by a WebSocket command, held and retrieved over HTTP, DTMF and mute, cleared by the caller', async () => {
    const crm = await listen();
    await bob.call(ME);
    await pollUntil('Delivered', () => crm.events().some((e) => e.type === 'Delivered' && e.direction === 'incoming'), 5000);
    const delivered = crm.events().find((e) => e.type === 'Delivered');
    const callId = delivered?.callId ?? '';
    expect(delivered).toMatchObject({ state: 'incoming', remote: { number: BOB, displayName: 'Bob Peer' }, contact: { name: 'Bob Builder' } });

    crm.ws.send(JSON.stringify({ id: 'a1', command: 'AnswerCall', callId }));
    await pollUntil('answer result', () => crm.frames.some((f) => f.type === 'result' && f.id === 'a1'), 5000);
    expect(crm.frames.find((f) => f.type === 'result' && f.id === 'a1')).toMatchObject({ ok: true });
    await pollUntil('Established', () => crm.events().some((e) => e.type === 'Established' && e.callId === callId), 5000);

    expect((await api('POST', `/v1/calls/${callId}/hold`)).json).toMatchObject({ held: true });
    expect((await api('POST', `/v1/calls/${callId}/retrieve`)).json).toMatchObject({ held: false });
    expect((await api('POST', `/v1/calls/${callId}/dtmf`, { digits: '12#' })).json).toEqual({ sent: true });
    expect((await api('POST', `/v1/calls/${callId}/mute`, { muted: true })).json).toMatchObject({ muted: true });
    const bobCall = bob.calls.at(-1);
    if (!bobCall) throw new Error('no call at Bob');
    await bobCall.hangup();
    await pollUntil('cleared', () => crm.events().some((e) => e.type === 'ConnectionCleared' && e.callId === callId), 5000);
    expect(crm.events().filter((e) => e.callId === callId).map((e) => e.type)).toEqual(['Delivered', 'Established', 'Held', 'Retrieved', 'ConnectionCleared']);
    expect(crm.events().at(-1)?.cause?.reason).toBe('remote-hangup');
    crm.ws.close();
  });

  it('refuses what cannot be dialled, and unknown calls, with the core\'s reasons; no INVITE leaves', async () => {
    const n = bob.calls.length;
    const attacks = await Promise.all([
      api('POST', '/v1/calls', { to: 'javascript:alert(1)' }),
      api('POST', '/v1/calls', { to: 'sip:1402@127.0.0.1?Route=%3Csip:evil.example%3E' }),
      api('POST', '/v1/calls', { to: '1402\r\nVia: evil' }),
      api('POST', '/v1/calls', { to: '1402', accountId: 'nope' }),
    ]);
    expect(attacks.map((a) => [a.status, (a.json as { error: { code: string } }).error.code])).toEqual([
      [422, 'invalid-number'],
      [422, 'invalid-number'],
      [422, 'invalid-number'],
      [404, 'no-such-account'],
    ]);
    expect((await api('POST', '/v1/calls/no-such-call/answer')).status).toBe(404);
    expect((await api('POST', '/v1/calls/no-such-call/transfer')).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(bob.calls.length).toBe(n);
  });

  it('follows the settings: a new token shuts the old one out (connected clients too); switched off, nothing listens; a taken port says so', async () => {
    const old = token;
    const connected = await listen();
    const closed = new Promise<number>((resolve) => connected.ws.once('close', (code) => {
      resolve(code);
    }));
    token = (await core.run('api:token', { regenerate: true })).token;
    expect(token).not.toBe(old);
    expect(await closed).toBe(4401);
    expect((await api('GET', '/v1/calls')).status).toBe(200);
    const refused = await fetch(`http://127.0.0.1:${port}/v1/calls`, { headers: { Authorization: `Bearer ${old}` } });
    expect(refused.status).toBe(401);

    const settings = accountSettings({ wsUrl: kam.wsUrl, user: ME });
    await core.run('settings:save', { settings: { ...settings, api: { enabled: false, port, allowedOrigins: [] } } });
    expect(core.core.getState().api).toEqual({ state: 'off', port: null, error: null });
    await expect(fetch(`http://127.0.0.1:${port}/v1/calls`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();

    const blocker = createServer();
    const taken = await freeTcpPort();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    cleanup.add('blocker', () => new Promise<void>((resolve) => blocker.close(() => { resolve(); })));
    await core.run('settings:save', { settings: { ...settings, api: { enabled: true, port: taken, allowedOrigins: [] } } });
    expect(core.core.getState().api).toEqual({ state: 'failed', port: taken, error: 'port-in-use' });
    await core.run('settings:save', { settings: { ...settings, api: { enabled: true, port, allowedOrigins: [] } } });
    expect(core.core.getState().api).toEqual({ state: 'listening', port, error: null });
    expect(core.events.filter((e) => e.event === 'api:changed').map((e) => (e.payload as { state: string }).state)).toEqual(['listening', 'off', 'failed', 'listening']);
  });
});
