// A live call survives the server going away: Kamailio is killed mid-call and started again. The
// UI says "Reconnecting…", Hookswitch registers again and renegotiates the call (re-INVITE with
// an ICE restart, through the restarted proxy by GRUU), the badge goes, and audio flows both ways
// on the renegotiated session (getStats). Also: the machine resuming from sleep (networkChanged)
// restarts ICE on the live call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { mediaStats, registerWithPeer, startStack, waitForRegistered, type Stack } from './stack.ts';

let stack: Stack | undefined;
let peer: BrowserPeer | undefined;

beforeAll(async () => {
  stack = await startStack();
  peer = await registerWithPeer(stack);
});

afterAll(async () => {
  await peer?.close();
  await stack?.stop();
});

async function received(): Promise<number> {
  return (await mediaStats(stack!.app)).reduce((n, s) => n + s.bytesReceived, 0);
}

describe('recovery of a live call', () => {
  it('server restarted mid-call: reconnecting, then the call renegotiated and audio both ways again', async () => {
    const { app, kamailio } = stack!;
    const p = peer!;
    await app.getByTestId('dial-input').fill('1002');
    await app.getByTestId('dial-button').click();
    await expect.poll(async () => (await p.call('invites')).length, { timeout: 5000 }).toBe(1);
    await p.call('answer');
    const card = app.getByTestId('call-card');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
    await p.waitForAudio();

    await kamailio.kill();
    await card.getByTestId('call-reconnecting').waitFor({ timeout: 5000 });
    await kamailio.restart();
    const restartedAt = Date.now();
    await p.call('reconnect');
    await waitForRegistered(app, 5000);
    await card.getByTestId('call-reconnecting').waitFor({ state: 'detached', timeout: 8000 });
    const recoveredMs = Date.now() - restartedAt;
    expect(await card.getAttribute('data-state')).toBe('established');
    expect((await mediaStats(app))[0]?.iceRestarts).toBeGreaterThanOrEqual(1);
    // Audio on the renegotiated session, both ways.
    const atApp = await received();
    const atPeer = (await p.call('stats')).bytesReceived;
    await expect.poll(received, { timeout: 5000 }).toBeGreaterThan(atApp);
    await expect.poll(async () => (await p.call('stats')).bytesReceived, { timeout: 5000 }).toBeGreaterThan(atPeer);
    console.log(`call recovered ${recoveredMs} ms after Kamailio came back`);

    // The machine resumes from sleep: the call renegotiates its media path again.
    const before = (await mediaStats(app))[0]?.iceRestarts ?? 0;
    stack!.host.core.networkChanged('resume');
    await expect.poll(async () => (await mediaStats(app))[0]?.iceRestarts ?? 0, { timeout: 5000 }).toBeGreaterThan(before);
    const afterResume = await received();
    await expect.poll(received, { timeout: 5000 }).toBeGreaterThan(afterResume);

    await card.getByTestId('hangup-button').click();
    await expect.poll(() => p.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });
});
