// What a user (or a broken server) can get wrong: invalid server URLs are refused at save, a
// closed port is 'unreachable', a server that answers garbage is 'bad-response' without a crash
// or a hot loop, and a malformed dial target is 'invalid-number'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { startKamailio, freeTcpPort, type Kamailio } from '../support/kamailio.ts';
import { Cleanup } from '../support/process.ts';
import { accountSettings, startCore, type CoreFixture } from './core-fixture.ts';
import { TEST_ACCOUNT_ID } from '../unit/core/support/fakes.ts';

/** A WebSocket server that speaks the 'sip' subprotocol but answers every message with junk. */
async function startJunkServer(): Promise<{ url: string; connections: () => number; messages: () => number; close: () => Promise<void> }> {
  let connections = 0;
  let messages = 0;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });
  await new Promise<void>((resolve) => {
    wss.once('listening', () => {
      resolve();
    });
  });
  wss.on('connection', (ws) => {
    connections += 1;
    ws.on('message', () => {
      messages += 1;
      ws.send('HELLO THIS IS NOT SIP \u0000\u00ff{"junk":true}\r\n\r\n');
      ws.send('SIP/9.9 abc Nope\r\n\r\n');
    });
  });
  const addr = wss.address();
  if (addr === null || typeof addr === 'string') throw new Error('unexpected address');
  return {
    url: `ws://127.0.0.1:${addr.port}`,
    connections: () => connections,
    messages: () => messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => {
          resolve();
        });
      }),
  };
}

describe('bad input', () => {
  let kam: Kamailio;
  const cleanup = new Cleanup();
  let firstCore: CoreFixture | undefined;
  const newCore = async (): Promise<CoreFixture> => {
    const c = await startCore();
    cleanup.add('core', () => c.stop());
    return c;
  };

  beforeAll(async () => {
    kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
  });

  afterAll(() => cleanup.run());

  it.each(['http://x', 'ws://', 'not a url'])('settings:save refuses the server URL %j (field accounts.0.wsUrl)', async (wsUrl) => {
    firstCore ??= await newCore();
    const core = firstCore;
    const res = await core.invoke('settings:save', { settings: accountSettings({ wsUrl, user: '1501' }) });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('invalid-settings');
    expect(res.error.fields?.['accounts.0.wsUrl']).toBeTruthy();
    expect(core.core.getState().accounts).toEqual([]);
  });

  it('a closed port on 127.0.0.1: waiting-to-retry with unreachable', async () => {
    const core = await newCore();
    const closedPort = await freeTcpPort();
    await core.configure({ wsUrl: `ws://127.0.0.1:${closedPort}`, user: '1502' });
    await core.run('accounts:register', { accountId: TEST_ACCOUNT_ID });
    const status = await core.waitForAccount('waiting-to-retry', (s) => s.state === 'waiting-to-retry', 6000);
    expect(status.error?.code).toBe('unreachable');
    expect(status.retryAt).not.toBeNull();
    const dial = await core.invoke('calls:dial', { target: '1001' });
    expect(dial.ok ? null : dial.error.code).toBe('not-registered');
    await core.run('accounts:unregister', { accountId: TEST_ACCOUNT_ID });
    const stopped = await core.waitForAccount('unregistered', (s) => s.state === 'unregistered', 3000);
    expect(stopped.retryAt).toBeNull();
  });

  it('a server that answers garbage: bad-response, the core keeps working, no hot loop', async () => {
    const junk = await startJunkServer();
    try {
      const core = await newCore();
      await core.configure({ wsUrl: junk.url, user: '1503' });
      const t0 = Date.now();
      await core.run('accounts:register', { accountId: TEST_ACCOUNT_ID });
      const status = await core.waitForAccount('bad-response', (s) => s.error?.code === 'bad-response', 8000);
      expect(['waiting-to-retry', 'failed']).toContain(status.state);
      const seenAt = Date.now();
      // Give a hot loop the chance to show itself, then count what reached the server.
      await new Promise((r) => setTimeout(r, 3000));
      const elapsedS = (Date.now() - t0) / 1000;
      expect(junk.connections()).toBeLessThanOrEqual(Math.ceil(elapsedS) + 2);
      expect(junk.messages()).toBeLessThanOrEqual(2 * Math.ceil(elapsedS) + 4);
      // Still alive and answering commands.
      const state = await core.run('app:getState', undefined);
      expect(state.accounts[0]?.error?.code).toBe('bad-response');
      expect(Date.now() - seenAt).toBeLessThan(10_000);
      await core.run('accounts:unregister', { accountId: TEST_ACCOUNT_ID });
      expect(core.violations).toEqual([]);
    } finally {
      await junk.close();
    }
  });

  it('malformed dial targets are refused with invalid-number and create no call', async () => {
    const core = await newCore();
    await core.registerAs({ wsUrl: kam.wsUrl, user: '1504' });
    for (const target of ['', '   ', 'sip:', 'sip:@127.0.0.1', '<>', 'abc', '12\n34', 'sip:1002@127.0.0.1?Route=%3Csip:evil%3E']) {
      const res = await core.invoke('calls:dial', { target });
      expect(res.ok, `target ${JSON.stringify(target)}`).toBe(false);
      if (!res.ok) expect(res.error.code, `target ${JSON.stringify(target)}`).toBe('invalid-number');
    }
    expect(core.calls()).toEqual([]);
    expect(kam.requests().filter((r) => r.method === 'INVITE')).toEqual([]);
  });
});
