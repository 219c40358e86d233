// Webhook delivery against a real HTTP receiver on 127.0.0.1: signed, in order per webhook,
// retried with backoff while the receiver fails, given up after the bound, never redirected.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookSettings } from '../../../preload/contract.ts';
import type { CtiEvent } from '../../../main/core/cti/api-schema.ts';
import { MemoryDeliveryQueue } from '../../../main/core/cti/memory-delivery-queue.ts';
import { eventValues, signature, Webhooks, type WebhookTiming } from '../../../main/core/cti/webhooks.ts';
import { silentLogger, systemClock, type Clock } from '../../../main/core/ports.ts';
import { freeTcpPort } from '../../support/kamailio.ts';
import { pollUntil } from '../../support/process.ts';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let receiver: Server;
let port: number;
let received: Received[];
/** What the receiver answers next: a status, or 'hang' (no answer at all). */
let answers: (number | 'hang')[];

beforeEach(async () => {
  received = [];
  answers = [];
  secretStore = (id) => Promise.resolve(id === 'crm' ? SECRET : null);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = answers.shift() ?? 200;
      if (answer === 'hang') return;
      // Only what the receiver accepted counts as received.
      if (answer >= 200 && answer < 300) received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer, answer === 302 ? { Location: 'http://127.0.0.1:1/elsewhere' } : answer === 429 ? { 'Retry-After': '0' } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;
});

afterEach(async () => {
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => { resolve(); }));
});

const SECRET = 'whsec_test_0123456789';

function hook(patch: Partial<WebhookSettings> = {}): WebhookSettings {
  return { id: 'crm', label: 'CRM', enabled: true, url: `http://127.0.0.1:${port}/hook?call={callId}&event={event}`, events: [], bodyTemplate: '', ...patch };
}

function event(seq: number, type: CtiEvent['type'] = 'Delivered', patch: Partial<CtiEvent> = {}): CtiEvent {
  return {
    type,
    eventId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    timestamp: new Date(1_760_000_000_000 + seq).toISOString(),
    callId: `call-${seq}`,
    accountId: 'main',
    direction: 'incoming',
    state: 'incoming',
    local: '1001',
    remote: { number: '+15551234567', e164: '+15551234567', displayName: 'Ada "Countess" <Lovelace>', uri: 'sip:+15551234567@pbx' },
    contact: { id: 1, name: 'Ada Lovelace', company: 'Analytical & Co', crmId: 'C-1' },
    cause: null,
    transferTarget: null,
    ...patch,
  };
}

/** The secret store as the webhooks see it; a test may make it fail. */
let secretStore: (id: string) => Promise<string | null>;

function webhooks(hooks: WebhookSettings[], timing: Partial<WebhookTiming> = {}, queue = new MemoryDeliveryQueue(), clock: Clock = systemClock): { w: Webhooks; queue: MemoryDeliveryQueue; changes: () => number } {
  let changes = 0;
  let n = 0;
  const w = new Webhooks({
    clock,
    logger: silentLogger,
    random: () => 0.5,
    settings: () => hooks,
    secret: (id) => secretStore(id),
    queue: () => queue,
    newId: () => `test-${++n}`,
    version: '9.9.9',
    onChange: () => {
      changes++;
    },
    timing: { firstRetryMs: 20, maxRetryMs: 80, timeoutMs: 500, ...timing },
  });
  w.start();
  return { w, queue, changes: () => changes };
}

/** Bounded waiting, polled every 10 ms. */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  await pollUntil(what, check, ms, 10);
}

describe('delivery', () => {
  it('POSTs the event as JSON, signed with HMAC-SHA256 over timestamp.body, with its id and type', async () => {
    const { w } = webhooks([hook()]);
    w.event(event(1));
    await until('delivered', () => received.length === 1);
    const got = received[0];
    if (!got) throw new Error('nothing received');
    expect(got.path).toBe('/hook?call=call-1&event=Delivered');
    expect(JSON.parse(got.body)).toEqual(event(1));
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['user-agent']).toBe('Hookswitch/9.9.9');
    expect(got.headers['x-hookswitch-event']).toBe('Delivered');
    expect(got.headers['x-hookswitch-delivery']).toBe(event(1).eventId);
    const timestamp = Number(got.headers['x-hookswitch-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
    // What a receiver does to check it:
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${got.body}`).digest('hex')}`;
    expect(got.headers['x-hookswitch-signature']).toBe(expected);
    expect(signature(SECRET, timestamp, got.body)).toBe(expected);
    await w.stop();
  });

  it('a webhook without a secret sends no signature; a body template is filled JSON-escaped', async () => {
    const { w } = webhooks([hook({ id: 'plain', bodyTemplate: '{"text": "{name} ({company}) on {e164}", "kind": "{event}"}' })]);
    w.event(event(1));
    await until('delivered', () => received.length === 1);
    expect(received[0]?.headers['x-hookswitch-signature']).toBeUndefined();
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({ text: 'Ada Lovelace (Analytical & Co) on +15551234567', kind: 'Delivered' });
    await w.stop();
  });

  it('only the events a webhook asked for, and none for a disabled one', async () => {
    const { w } = webhooks([hook({ events: ['ConnectionCleared'] }), hook({ id: 'off', enabled: false })]);
    w.event(event(1, 'Delivered'));
    w.event(event(2, 'ConnectionCleared'));
    await until('delivered', () => received.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(received.map((r) => r.headers['x-hookswitch-event'])).toEqual(['ConnectionCleared']);
    await w.stop();
  });
});

describe('a receiver that fails', () => {
  it('is retried with backoff until it recovers: nothing lost, order kept', async () => {
    answers = [500, 503, 'hang', 502];
    const { w, queue } = webhooks([hook()]);
    for (let i = 1; i <= 6; i++) w.event(event(i));
    await until('all delivered', () => received.length === 6, 10_000);
    expect(received.map((r) => JSON.parse(r.body) as CtiEvent).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // The receiver has the last body a moment before Hookswitch has its answer and writes it down.
    await until('the last delivery recorded', async () => Object.keys((await queue.deliveryLog('crm', 50)).pending).length === 0);
    const log = await queue.deliveryLog('crm', 50);
    expect(log.pending).toEqual({});
    expect(log.deliveries.map((d) => d.state)).toEqual(Array(6).fill('delivered'));
    const first = log.deliveries.at(-1);
    expect(first).toMatchObject({ state: 'delivered', attempts: 5, lastStatus: 200, lastError: null });
    await w.stop();
  });

  it('records why each attempt failed, and gives up after the bound; the next delivery then goes', async () => {
    answers = Array<number>(20).fill(500);
    const { w, queue } = webhooks([hook()], { maxAgeMs: 150 });
    w.event(event(1));
    await until('given up', async () => (await queue.deliveryLog('crm', 5)).deliveries[0]?.state === 'failed');
    const log = await queue.deliveryLog('crm', 5);
    expect(log.deliveries[0]).toMatchObject({ state: 'failed', lastStatus: 500, lastError: 'HTTP 500', nextAt: null });
    expect(log.deliveries[0]?.attempts).toBeGreaterThan(1);
    answers = [];
    w.event(event(2));
    await until('next delivered', () => received.length === 1);
    expect((JSON.parse(received[0]?.body ?? '') as CtiEvent).seq).toBe(2);
    await w.stop();
  });

  it('a refused connection and a redirect are failures too (a signed body never travels elsewhere)', async () => {
    const closedPort = await freeTcpPort();
    const { w, queue } = webhooks([hook({ url: `http://127.0.0.1:${closedPort}/closed` }), hook({ id: 'moved' })], { firstRetryMs: 5000 });
    answers = [302];
    w.event(event(1));
    await until('both tried', async () => {
      const { deliveries } = await queue.deliveryLog(null, 10);
      return deliveries.length === 2 && deliveries.every((d) => d.attempts > 0);
    });
    const log = await queue.deliveryLog(null, 10);
    const byHook = Object.fromEntries(log.deliveries.map((d) => [d.hookId, d]));
    expect(byHook.crm).toMatchObject({ state: 'pending', lastError: 'connection refused' });
    expect(byHook.moved).toMatchObject({ state: 'pending', lastStatus: 302, lastError: 'HTTP 302' });
    expect(received).toEqual([]);
    await w.stop();
  });
});

describe('the settings', () => {
  it('a removed webhook\'s waiting deliveries are dropped, and shown so', async () => {
    answers = Array<number>(100).fill(500);
    const hooks = [hook()];
    const { w, queue } = webhooks(hooks, { firstRetryMs: 5000 });
    w.event(event(1));
    w.event(event(2));
    await until('tried', () => answers.length < 100);
    hooks.length = 0;
    w.settingsChanged();
    await until('dropped', async () => Object.keys((await queue.deliveryLog('crm', 5)).pending).length === 0);
    const log = await queue.deliveryLog('crm', 5);
    expect(log.pending).toEqual({});
    expect(log.deliveries.map((d) => [d.state, d.lastError])).toEqual([
      ['dropped', 'webhook removed'],
      ['dropped', 'webhook removed'],
    ]);
    await w.stop();
  });

  it('a URL corrected while deliveries wait: they go to the new one, in order', async () => {
    const dead = 'http://127.0.0.1:1/moved-away?call={callId}';
    const hooks = [hook({ url: dead })];
    const { w, queue } = webhooks(hooks, { firstRetryMs: 30, maxRetryMs: 30 });
    w.event(event(1));
    w.event(event(2));
    await until('tried the old one', async () => ((await queue.pendingHeads())[0]?.attempts ?? 0) > 0);
    hooks[0] = hook();
    w.settingsChanged();
    await until('both delivered', () => received.length === 2);
    expect(received.map((r) => r.path)).toEqual(['/hook?call=call-1&event=Delivered', '/hook?call=call-2&event=Delivered']);
    await w.stop();
  });

  it('a template that gives no request (a settings file edited by hand) fails the attempt and keeps the event', async () => {
    const hooks = [hook({ url: 'https://{crmId}.evil.example/' }), hook({ id: 'body', bodyTemplate: '{"n": {name}}' })];
    const { w, queue } = webhooks(hooks, { firstRetryMs: 30, maxRetryMs: 30 });
    w.event(event(1));
    await until('both tried', async () => {
      const { deliveries } = await queue.deliveryLog(null, 5);
      return deliveries.length === 2 && deliveries.every((d) => d.attempts > 0);
    });
    const errors = Object.fromEntries((await queue.deliveryLog(null, 5)).deliveries.map((d) => [d.hookId, d.lastError]));
    expect(errors).toEqual({ crm: 'the URL template gives no http(s) address', body: 'the body template gives no JSON' });
    expect(received).toEqual([]);
    hooks[0] = hook();
    hooks[1] = hook({ id: 'body', bodyTemplate: '{"n": "{name}"}' });
    await until('delivered once corrected', () => received.length === 2);
    expect(received.map((r) => r.body).sort()).toEqual(['{"n": "Ada Lovelace"}', JSON.stringify(event(1))].sort());
    await w.stop();
  });

  it('a secret store that cannot be read holds the delivery back: it never goes out unsigned', async () => {
    let failing = true;
    secretStore = (id) => (failing ? Promise.reject(new Error('keychain locked')) : Promise.resolve(id === 'crm' ? SECRET : null));
    const { w, queue } = webhooks([hook()], { firstRetryMs: 30, maxRetryMs: 30 });
    w.event(event(1));
    await until('tried', async () => ((await queue.pendingHeads())[0]?.attempts ?? 0) > 0);
    expect((await queue.pendingHeads())[0]?.lastError).toBe('the signing secret could not be read (keychain locked)');
    expect(received).toEqual([]);
    failing = false;
    await until('delivered', () => received.length === 1);
    expect(received[0]?.headers['x-hookswitch-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    await w.stop();
  });

  it('a clock set back does not hold a retry for the size of the jump', async () => {
    let offset = 0;
    const clock: Clock = { ...systemClock, now: () => systemClock.now() + offset };
    answers = [500];
    const { w } = webhooks([hook()], { firstRetryMs: 60_000, maxRetryMs: 60_000 }, new MemoryDeliveryQueue(), clock);
    w.event(event(1));
    await until('first attempt failed', () => answers.length === 0);
    // Set back by two days: the retry (a minute later on the old clock) now reads as two days away.
    offset = -2 * 86_400_000;
    w.settingsChanged();
    await until('delivered', () => received.length === 1);
    await w.stop();
  });

  it('the template values of an event', () => {
    expect(eventValues(event(3, 'ConnectionCleared', { cause: { reason: 'busy', sipStatus: 486 } }))).toEqual({
      e164: '+15551234567',
      number: '+15551234567',
      digits: '15551234567',
      name: 'Ada Lovelace',
      company: 'Analytical & Co',
      crmId: 'C-1',
      direction: 'incoming',
      callId: 'call-3',
      event: 'ConnectionCleared',
      timestamp: event(3).timestamp,
      account: 'main',
      cause: 'busy',
    });
  });
});
