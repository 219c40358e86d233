// A CRM drives Hookswitch through the local API, end to end: the user switches the API on in the
// settings and copies the token; an HTTP MakeCall becomes a real call through Kamailio to Grace's
// browser phone, with audio both ways (getStats), shown in Hookswitch's window; the CRM's
// WebSocket hears Originated, Delivered, Established and ConnectionCleared, in that order. A
// webhook set up in the settings receives the same events, signed, and its log says so.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CtiEvent, WsFrame } from '../../main/core/cti/api-schema.ts';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { freeTcpPort } from '../support/kamailio.ts';
import { registerWithPeer, startStack, waitForAppAudio, type Stack } from './stack.ts';

let stack: Stack | undefined;
let grace: BrowserPeer | undefined;
let crm: WebSocket | undefined;

beforeAll(async () => {
  stack = await startStack();
  grace = await registerWithPeer(stack);
});

afterAll(async () => {
  crm?.terminate();
  await grace?.close();
  await stack?.stop();
});

describe('the local CTI API', () => {
  it('MakeCall over HTTP places a real call; the WebSocket hears its events in order', async () => {
    if (!stack || !grace) throw new Error('the stack did not start');
    const { app, host } = stack;
    const port = await freeTcpPort();

    // The user switches the API on and copies the token, as IT's guide says.
    await app.getByTestId('settings-button').click();
    await app.getByTestId('settings-api-enabled').check();
    await app.getByTestId('settings-api-port').fill(String(port));
    await app.getByTestId('settings-save').click();
    await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
    await expect.poll(() => app.getByTestId('settings-api-status').getAttribute('data-state'), { timeout: 5000 }).toBe('listening');
    await app.getByTestId('settings-api-token-show').click();
    const token = (await app.getByTestId('settings-api-token').textContent()) ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await app.getByTestId('settings-api-docs').textContent()).toBe(`http://127.0.0.1:${port}/v1/openapi.json`);
    await app.getByTestId('settings-close').click();

    // The CRM listens.
    const frames: WsFrame[] = [];
    const socket = new WebSocket(`ws://127.0.0.1:${port}/v1/events`, { headers: { Authorization: `Bearer ${token}` } });
    crm = socket;
    socket.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as WsFrame));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => {
        resolve();
      });
      socket.once('error', reject);
    });
    const events = (): CtiEvent[] => frames.flatMap((f) => (f.type === 'event' ? [f.event] : []));

    // And asks for a call.
    const response = await fetch(`http://127.0.0.1:${port}/v1/calls`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: '1002' }),
      signal: AbortSignal.timeout(5000),
    });
    expect(response.status).toBe(201);
    const made = (await response.json()) as { callId: string };

    // Grace's phone rings (Delivered), she answers (Established), and they talk.
    await expect.poll(async () => (await grace?.call('invites'))?.length ?? 0, { timeout: 5000 }).toBe(1);
    await expect.poll(() => events().map((e) => e.type), { timeout: 5000 }).toContain('Delivered');
    await grace.call('answer');
    const card = app.getByTestId('call-card');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 8000 }).toBe('established');
    await grace.waitForAudio();
    await waitForAppAudio(app);
    await expect.poll(() => events().map((e) => e.type), { timeout: 5000 }).toContain('Established');

    await grace.call('hangup');
    await expect.poll(() => events().map((e) => e.type), { timeout: 5000 }).toContain('ConnectionCleared');
    const ours = events().filter((e) => e.callId === made.callId);
    expect(ours.map((e) => e.type)).toEqual(['Originated', 'Delivered', 'Established', 'ConnectionCleared']);
    expect(ours.every((e) => e.local === '1001' && e.remote.number === '1002')).toBe(true);
    expect(ours.at(-1)?.cause?.reason).toBe('remote-hangup');
    expect(host.core.getState().api.state).toBe('listening');
  });

  it('a webhook set up in the settings receives a call\'s events, signed, and its log shows them delivered', async () => {
    if (!stack || !grace) throw new Error('the stack did not start');
    const { app } = stack;
    const callee = grace;
    const received: { type: string; signature: string; expected: string }[] = [];
    let secret = '';
    const receiver: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(req.headers['x-hookswitch-timestamp'] ?? '');
        received.push({
          type: (JSON.parse(body) as { type: string }).type,
          signature: String(req.headers['x-hookswitch-signature'] ?? ''),
          expected: `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
        });
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const address = receiver.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      await app.getByTestId('settings-button').click();
      await app.getByTestId('webhook-add').click();
      const hook = app.getByTestId('webhook').last();
      await hook.getByTestId('webhook-label').fill('Ticket system');
      await hook.getByTestId('webhook-url').fill(`http://127.0.0.1:${port}/calls?id={callId}`);
      await hook.getByTestId('webhook-secret-generate').click();
      secret = await hook.getByTestId('webhook-secret').inputValue();
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      await app.getByTestId('settings-save').click();
      await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
      await app.getByTestId('settings-close').click();

      await app.getByTestId('dial-input').fill('1002');
      await app.getByTestId('dial-button').click();
      await expect.poll(async () => (await callee.call('invites')).length, { timeout: 5000 }).toBe(2);
      await callee.call('answer');
      const card = app.locator('[data-testid="call-card"]:not([data-state="ended"])');
      await expect.poll(() => card.getAttribute('data-state'), { timeout: 8000 }).toBe('established');
      await card.getByTestId('hangup-button').click();
      await expect.poll(() => received.map((r) => r.type), { timeout: 8000 }).toEqual(['Originated', 'Delivered', 'Established', 'ConnectionCleared']);
      expect(received.every((r) => r.signature === r.expected)).toBe(true);

      await app.getByTestId('settings-button').click();
      const log = app.getByTestId('webhook').last().getByTestId('webhook-delivery');
      await expect.poll(() => log.count(), { timeout: 5000 }).toBe(4);
      expect(await log.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))).toEqual(Array(4).fill('delivered'));
      await app.getByTestId('settings-close').click();
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => { resolve(); }));
    }
  });
});
