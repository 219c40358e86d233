// A CRM drives Hookswitch through the local API, end to end: the user switches the API on in the
// settings and copies the token; an HTTP MakeCall becomes a real call through Kamailio to Grace's
// browser phone, with audio both ways (getStats), shown in Hookswitch's window; the CRM's
// WebSocket hears Originated, Delivered, Established and ConnectionCleared, in that order.
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
});
