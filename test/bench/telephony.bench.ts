// Telephony figures on the real stack (Kamailio, the web host, the renderer in Debian's Chromium,
// two softphone pages), all on loopback:
//  - attended_transfer_ms: from "complete transfer" on a connected consultation until the caller
//    and the transfer target are connected to each other and both of Hookswitch's calls ended;
//  - reregister_after_restart_ms: Kamailio killed, started again; from the moment it listens
//    again until Hookswitch is registered (target: within 3 s);
//  - call_audio_recovery_ms: the same with a call in progress; from the server's return until the
//    call was renegotiated (re-INVITE with ICE restart, through the restarted proxy) and new audio
//    bytes arrived on it (target: within 5 s). On loopback the media path itself survives the
//    proxy's restart; what is measured is the signalling recovery and the renegotiated media.
// Prints `BENCH <name> <value> <unit>` lines; asserts nothing about speed.
import { afterAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { mediaStats, openPeer, registerWithPeer, startStack, type Stack } from '../e2e/stack.ts';
import { p95Report } from './report.ts';

const ROUNDS = 5;

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, everyMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The wall-clock time the peer's current call reached Established (its own event log). */
async function establishedAt(peer: BrowserPeer, after: number): Promise<number | undefined> {
  const events = await peer.call('events');
  return events.find((e) => e.name === 'state:Established' && e.t >= after)?.t;
}


describe('telephony', () => {
  let stack: Stack | undefined;
  let grace: BrowserPeer | undefined;
  let alan: BrowserPeer | undefined;
  afterAll(async () => {
    await grace?.close();
    await alan?.close();
    await stack?.stop();
  });

  it('measures an attended transfer, re-registration after a server restart, and a call recovered through it', async () => {
    stack = await startStack();
    grace = await registerWithPeer(stack);
    alan = await openPeer(stack, '1003', 'Alan Turing');
    await alan.call('setAutoAnswer', true);
    const { app, host, kamailio } = stack;
    await app.bringToFront();
    const core = host.core;
    const sender = { id: 'bench' };
    const calls = (): ReturnType<typeof core.getState>['calls'] => core.getState().calls;

    // Attended transfer.
    const transferMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await grace.call('call', '1001');
      const incoming = await until('Grace ringing', () => calls().find((c) => c.state === 'incoming'));
      await core.handlers['calls:answer']({ callId: incoming.id }, sender);
      await until('Grace connected', () => calls().find((c) => c.id === incoming.id && c.state === 'established'));
      const consult = await core.handlers['calls:consult']({ callId: incoming.id, target: '1003' }, sender);
      await until('consultation connected', () => calls().find((c) => c.id === consult.id && c.state === 'established'));
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      await core.handlers['calls:completeTransfer']({ callId: consult.id }, sender);
      const ended = await until('both ended', () => {
        const a = calls().find((c) => c.id === incoming.id);
        const b = calls().find((c) => c.id === consult.id);
        return a?.endedAt != null && b?.endedAt != null ? Math.max(a.endedAt, b.endedAt) : undefined;
      });
      const connected = await until('Grace and Alan connected', () => establishedAt(grace!, t0), 10_000, 20);
      transferMs.push(Math.max(ended, connected) - t0);
      await grace.call('hangup');
      await until('Alan idle', async () => ((await alan!.call('sessionState')) === 'Terminated' ? true : undefined), 10_000, 20);
      await until('calls gone', () => (calls().every((c) => c.state === 'ended') ? true : undefined));
    }
    p95Report('attended_transfer_ms', transferMs);

    // Re-registration after a restart, idle.
    const registered = (): true | undefined => (core.getState().accounts[0]?.state === 'registered' ? true : undefined);
    const reregisterMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await kamailio.kill();
      await until('connection lost', () => (core.getState().accounts[0]?.state !== 'registered' ? true : undefined));
      await new Promise((r) => setTimeout(r, 1500));
      await kamailio.restart();
      const back = Date.now();
      await until('registered again', registered, 15_000);
      reregisterMs.push(Date.now() - back);
      await grace.call('reconnect');
    }
    p95Report('reregister_after_restart_ms', reregisterMs);

    // A call through the restart.
    const recoveryMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const dialled = await core.handlers['calls:dial']({ target: '1002' }, sender);
      await until('Grace rings', async () => ((await grace!.call('sessionState')) === 'Initial' || (await grace!.call('sessionState')) === 'Establishing' ? true : undefined), 10_000, 20);
      await grace.call('answer');
      await until('connected', () => calls().find((c) => c.id === dialled.id && c.state === 'established'));
      await grace.waitForAudio();
      const restartsBefore = await iceRestarts(app);
      await kamailio.kill();
      await until('reconnecting', () => calls().find((c) => c.id === dialled.id && c.reconnecting));
      await new Promise((r) => setTimeout(r, 1500));
      await kamailio.restart();
      const back = Date.now();
      await grace.call('reconnect');
      await until('renegotiated', async () => ((await iceRestarts(app)) > restartsBefore && !calls().find((c) => c.id === dialled.id)?.reconnecting ? true : undefined), 15_000, 10);
      const bytes = await received(app);
      await until('new audio', async () => ((await received(app)) > bytes ? true : undefined), 10_000, 5);
      recoveryMs.push(Date.now() - back);
      await core.handlers['calls:hangup']({ callId: dialled.id }, sender);
      await until('Grace idle', async () => ((await grace!.call('sessionState')) === 'Terminated' ? true : undefined), 10_000, 20);
    }
    p95Report('call_audio_recovery_ms', recoveryMs);
  });
});

async function iceRestarts(app: Page): Promise<number> {
  return (await mediaStats(app)).reduce((n, s) => n + s.iceRestarts, 0);
}

async function received(app: Page): Promise<number> {
  return (await mediaStats(app)).reduce((n, s) => n + s.bytesReceived, 0);
}
