// The local CTI API with the real core (its history in a worker thread, as the hosts run it),
// Kamailio and a sip.js phone on loopback, driven as a CRM would drive it. The phone and the HTTP
// and WebSocket clients share the core's process and event loop, so the figures are upper bounds:
//  - api_makecall_to_invite_ms: from the moment the HTTP POST /v1/calls is sent until the called
//    phone has the INVITE (through Kamailio);
//  - event_fanout_50_clients_ms: 50 WebSocket clients listening; from the moment the core makes a
//    call event (its timestamp) until the last of the 50 has it, for every event of 20 calls.
// Prints `BENCH <name> <value> <unit>` lines; asserts nothing about speed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, it } from 'vitest';
import WebSocket from 'ws';
import type { CtiEvent, WsFrame } from '../../main/core/cti/api-schema.ts';
import { silentLogger } from '../../main/core/ports.ts';
import { createHistoryStore } from '../../main/host/history/create-history-store.ts';
import { accountSettings, startCore, type CoreFixture } from '../integration/core-fixture.ts';
import { disposeHistoryWorker, historyWorker } from '../integration/history/history-fixture.ts';
import { freeTcpPort, startKamailio } from '../support/kamailio.ts';
import { startPeerUa } from '../support/peer-ua.ts';
import { Cleanup, pollUntil } from '../support/process.ts';
import { bench, p95Report } from './report.ts';

const ME = '1501';
const CALLEE = '1502';
const MAKE_CALLS = 30;
const CLIENTS = 50;
const FANOUT_CALLS = 20;

const now = (): number => performance.timeOrigin + performance.now();


describe('the local CTI API', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('measures MakeCall to INVITE and the fan-out of events to 50 WebSocket clients', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookswitch-cti-bench-'));
    cleanup.add('dir', () => {
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    });
    const kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
    // The history in its worker thread, as the hosts run it.
    const { url: workerUrl } = await historyWorker();
    cleanup.add('worker bundle', () => disposeHistoryWorker());
    const history = createHistoryStore({ file: path.join(dir, 'history.sqlite'), logger: silentLogger, mode: 'worker', workerUrl });
    const fixture: CoreFixture = await startCore({ history });
    cleanup.add('core', () => fixture.stop());
    const callee = await startPeerUa({ wsUrl: kam.wsUrl, user: CALLEE, displayName: 'Bench Callee', incoming: { mode: 'ring' } });
    cleanup.add('callee', () => callee.stop());
    await fixture.registerAs({ wsUrl: kam.wsUrl, user: ME });
    const port = await freeTcpPort();
    await fixture.run('settings:save', { settings: { ...accountSettings({ wsUrl: kam.wsUrl, user: ME }), api: { enabled: true, port, allowedOrigins: [] } } });
    await pollUntil('api listening', () => fixture.core.getState().api.state === 'listening', 5000);
    const { token } = await fixture.run('api:token', { regenerate: false });
    const headers = { Authorization: `Bearer ${token}` };

    const post = async (route: string, body?: unknown): Promise<unknown> => {
      const res = await fetch(`http://127.0.0.1:${port}${route}`, {
        method: 'POST',
        headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(5000),
      });
      const json: unknown = await res.json();
      if (!res.ok) throw new Error(`${route}: ${String(res.status)} ${JSON.stringify(json)}`);
      return json;
    };
    const idle = (): Promise<true> => pollUntil('no live call', () => fixture.core.getState().calls.every((c) => c.endedAt !== null) || undefined, 5000, 5);

    /** One call: MakeCall, the callee rings, ClearConnection. Returns when the INVITE arrived. */
    const oneCall = async (): Promise<{ sentAt: number; arrivedAt: number }> => {
      const seen = callee.calls.length;
      const sentAt = now();
      const made = (await post('/v1/calls', { to: CALLEE })) as { callId: string };
      const call = await callee.waitForCall(seen, 5000);
      await pollUntil('ringing', () => fixture.core.getState().calls.find((c) => c.id === made.callId && c.state === 'ringing'), 5000, 5);
      await post(`/v1/calls/${made.callId}/clear`);
      await idle();
      return { sentAt, arrivedAt: call.startedAt };
    };

    await oneCall(); // warm-up: connections, JIT
    const inviteMs: number[] = [];
    for (let round = 0; round < MAKE_CALLS; round++) {
      const { sentAt, arrivedAt } = await oneCall();
      inviteMs.push(arrivedAt - sentAt);
    }
    p95Report('api_makecall_to_invite_ms', inviteMs);

    // 50 listeners; each notes when every event arrived.
    const receipts = new Map<string, number[]>();
    const emitted = new Map<string, number>();
    for (let i = 0; i < CLIENTS; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/events`, { headers });
      cleanup.add(`ws ${String(i)}`, () => {
        ws.terminate();
        return Promise.resolve();
      });
      ws.on('message', (data: Buffer) => {
        const at = now();
        const frame = JSON.parse(data.toString('utf8')) as WsFrame;
        if (frame.type !== 'event') return;
        const event: CtiEvent = frame.event;
        emitted.set(event.eventId, Date.parse(event.timestamp));
        const list = receipts.get(event.eventId) ?? [];
        list.push(at);
        receipts.set(event.eventId, list);
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => {
          resolve();
        });
        ws.once('error', reject);
      });
    }
    for (let round = 0; round < FANOUT_CALLS; round++) await oneCall();
    // Each call makes at least Originated and ConnectionCleared.
    await pollUntil('every client has every event', () => receipts.size >= 2 * FANOUT_CALLS && [...receipts.values()].every((r) => r.length === CLIENTS), 5000);
    const fanoutMs = [...receipts.entries()].map(([id, times]) => Math.max(...times) - (emitted.get(id) ?? Number.NaN));
    bench('event_fanout_events', fanoutMs.length, 'events');
    p95Report('event_fanout_50_clients_ms', fanoutMs);
  });
});
