// Webhooks with the real core, real calls through Kamailio and the queue in a real SQLite file: the
// receiver fails while calls happen, Hookswitch is stopped and started again on the same file and
// places another call, then the receiver recovers. Every event arrives, once, in the order it
// happened, each signed.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import type { Settings } from '../../preload/contract.ts';
import type { CtiEvent } from '../../main/core/cti/api-schema.ts';
import { createHistoryStore } from '../../main/host/history/create-history-store.ts';
import { silentLogger } from '../../main/core/ports.ts';
import { startKamailio, type Kamailio } from '../support/kamailio.ts';
import { startPeerUa, type PeerUa } from '../support/peer-ua.ts';
import { Cleanup, pollUntil } from '../support/process.ts';
import { accountSettings, MemorySecretStore, MemorySettingsFile, startCore, type CoreFixture } from './core-fixture.ts';

const ME = '1501';
const BOB = '1502';
const SECRET = 'whsec_integration_5f2c';

describe('webhooks', () => {
  let kam: Kamailio;
  let bob: PeerUa;
  let receiver: Server;
  let receiverUrl: string;
  let dir: string;
  let failing = true;
  /** What the receiver accepted, in the order it accepted it. */
  const accepted: { event: CtiEvent; signatureOk: boolean }[] = [];
  let refusals = 0;
  const cleanup = new Cleanup();
  const settingsFile = new MemorySettingsFile();
  const secrets = new MemorySecretStore();

  async function start(): Promise<CoreFixture> {
    const history = createHistoryStore({ file: path.join(dir, 'history.sqlite'), logger: silentLogger, mode: 'in-thread' });
    return startCore({ history, settingsFile, secrets, webhookTiming: { firstRetryMs: 50, maxRetryMs: 200 } });
  }

  async function callBob(core: CoreFixture): Promise<void> {
    const n = bob.calls.length;
    const call = await core.run('calls:dial', { target: BOB });
    const bobCall = await bob.waitForCall(n);
    await bob.waitForState(bobCall, SessionState.Established);
    await core.waitForCall('established', (c) => c.id === call.id && c.state === 'established');
    await core.run('calls:hangup', { callId: call.id });
    await core.waitForCall('ended', (c) => c.id === call.id && c.state === 'ended');
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookswitch-webhooks-'));
    cleanup.add('dir', () => {
      fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (failing) {
          refusals += 1;
          res.writeHead(503);
          res.end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(req.headers['x-hookswitch-timestamp'] ?? '');
        const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
        accepted.push({ event: JSON.parse(body) as CtiEvent, signatureOk: req.headers['x-hookswitch-signature'] === expected });
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/events`;
    cleanup.add('receiver', () => new Promise<void>((resolve) => {
      receiver.closeAllConnections();
      receiver.close(() => { resolve(); });
    }));
    kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
    bob = await startPeerUa({ wsUrl: kam.wsUrl, user: BOB, incoming: { mode: 'answer', delayMs: 100 } });
    cleanup.add('bob', () => bob.stop());
  });

  afterAll(() => cleanup.run());

  it('a failing receiver, a restart, a recovery: every event arrives once, in order, signed', async () => {
    const first = await start();
    await first.registerAs({ wsUrl: kam.wsUrl, user: ME });
    const settings: Settings = {
      ...accountSettings({ wsUrl: kam.wsUrl, user: ME }),
      webhooks: [{ id: 'crm', label: 'CRM', enabled: true, url: receiverUrl, events: [], bodyTemplate: '' }],
    };
    const view = await first.run('settings:save', { settings, webhookSecrets: { crm: SECRET } });
    expect(view.webhookSecretsStored).toEqual(['crm']);
    expect(JSON.stringify(settingsFile.text)).not.toContain(SECRET);

    await callBob(first);
    await callBob(first);
    await pollUntil('retries under way', () => refusals >= 3, 5000);
    const waiting = await first.run('webhooks:log', { hookId: 'crm', limit: 50 });
    expect(waiting.pending.crm).toBe(8);
    expect(waiting.deliveries.every((d) => d.state === 'pending')).toBe(true);
    expect(waiting.deliveries.at(-1)).toMatchObject({ eventType: 'Originated', lastStatus: 503, lastError: 'HTTP 503' });
    await first.stop();

    // Hookswitch starts again on the same file: what waited is still there, and more comes.
    const second = await start();
    cleanup.add('second core', () => second.stop());
    await second.run('accounts:register', { accountId: 'main' });
    await second.waitForAccount('registered', (s) => s.state === 'registered', 5000);
    expect((await second.run('webhooks:log', { hookId: 'crm', limit: 50 })).pending.crm).toBeGreaterThanOrEqual(8);
    await callBob(second);

    failing = false;
    await pollUntil('all delivered', () => accepted.length >= 12, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(accepted).toHaveLength(12);
    expect(accepted.every((a) => a.signatureOk)).toBe(true);
    const events = accepted.map((a) => a.event);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(12);
    // Three calls, each Originated, Delivered, Established, ConnectionCleared, one after another.
    expect(events.map((e) => e.type)).toEqual(Array(3).fill(['Originated', 'Delivered', 'Established', 'ConnectionCleared']).flat());
    const times = events.map((e) => Date.parse(e.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.callId)).size).toBe(3);
    // The receiver has the last body a moment before Hookswitch has its answer and writes it down.
    await pollUntil('the last delivery recorded', async () => Object.keys((await second.run('webhooks:log', { hookId: 'crm', limit: 50 })).pending).length === 0, 5000);
    const log = await second.run('webhooks:log', { hookId: 'crm', limit: 50 });
    expect(log.pending).toEqual({});
    expect(log.deliveries.filter((d) => d.state === 'delivered')).toHaveLength(12);
    expect(log.deliveries.at(-1)?.attempts).toBeGreaterThan(1);
  });

  it('a test delivery goes through the same queue; refusals name the webhook', async () => {
    const core = await start();
    cleanup.add('third core', () => core.stop());
    const before = accepted.length;
    await core.run('webhooks:test', { hookId: 'crm' });
    await pollUntil('test delivered', () => accepted.length > before, 5000);
    expect(accepted.at(-1)?.event).toMatchObject({ type: 'Test' });
    const unknown = await core.invoke('webhooks:test', { hookId: 'nope' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const bad = await core.invoke('settings:save', {
      settings: { ...accountSettings({ wsUrl: kam.wsUrl, user: ME }), webhooks: [{ id: 'x', label: '', enabled: true, url: 'ftp://x/{phone}', events: [], bodyTemplate: '{"n": {number}}' }] },
      webhookSecrets: { ghost: 's' },
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid-settings', fields: { 'webhooks.0.url': 'invalid-webhook-url', 'webhooks.0.bodyTemplate': 'invalid-webhook-body', 'webhookSecrets.ghost': 'no-such-webhook' } },
    });
  });
});
