// A user makes and takes real calls in the real UI: the web host serves Hookswitch to Debian's
// Chromium, Kamailio is the PBX, and a plain sip.js softphone page is the far end. Audio is proven
// by getStats on both sides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { mediaStats, openPeer, registerWithPeer, startStack, waitForAppAudio, type Stack } from './stack.ts';
import type { RingerState } from '../../renderer/src/media/ring-route.ts';

let stack: Stack | undefined;
let peer: BrowserPeer | undefined;

/** Whether Hookswitch holds a microphone open now (the system's microphone indicator would be on). */
function micOpen(app: Page): Promise<boolean> {
  return app.evaluate(() => (window as unknown as { __hookswitchMedia: { micOpen(): boolean } }).__hookswitchMedia.micOpen());
}

/** Whether the first call's sender carries the real microphone (not the silent stand-in). */
async function micLive(app: Page): Promise<boolean | undefined> {
  const stats = await app.evaluate(() =>
    (window as unknown as { __hookswitchMedia: { stats(): Promise<{ micLive: boolean }[]> } }).__hookswitchMedia.stats(),
  );
  return stats[0]?.micLive;
}

/** The ringtone as the media engine plays it. */
function ringer(app: Page): Promise<RingerState> {
  return app.evaluate(() => (window as unknown as { __hookswitchMedia: { ringer(): RingerState } }).__hookswitchMedia.ringer());
}

function ready(): { stack: Stack; peer: BrowserPeer } {
  if (!stack || !peer) throw new Error('the stack did not start');
  return { stack, peer };
}

beforeAll(async () => {
  stack = await startStack();
  peer = await registerWithPeer(stack);
});

afterAll(async () => {
  await peer?.close();
  await stack?.stop();
});

describe('an outgoing call through the UI', () => {
  it('dials from the number field, talks both ways, holds, mutes, sends DTMF and hangs up', async () => {
    const { stack, peer } = ready();
    const { app } = stack;
    // Registered and idle: no microphone is open.
    expect(await micOpen(app)).toBe(false);
    await app.getByTestId('dial-input').fill('1002');
    await app.getByTestId('dial-button').click();

    await expect.poll(async () => (await peer.call('invites')).length, { timeout: 5000 }).toBe(1);
    const card = app.getByTestId('call-card');
    await expect.poll(() => card.getAttribute('data-state')).toMatch(/dialing|ringing/);
    await peer.call('answer');

    await expect.poll(() => card.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
    const appAudio = await waitForAppAudio(app);
    const peerAudio = await peer.waitForAudio();
    expect(appAudio.bytesReceived).toBeGreaterThan(0);
    expect(peerAudio.bytesReceived).toBeGreaterThan(0);
    await expect.poll(() => card.getByTestId('call-timer').textContent(), { timeout: 3000 }).toMatch(/^0?0:0[1-9]$/);
    // In the call the microphone is open and on the sender.
    await expect.poll(() => micLive(app), { timeout: 3000 }).toBe(true);
    expect(await micOpen(app)).toBe(true);

    // Hold: the far end gets a re-INVITE that stops our audio; the UI says held.
    await card.getByTestId('hold-button').click();
    await expect.poll(() => card.getByTestId('hold-button').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('true');
    await expect.poll(async () => (await peer.call('stats')).direction, { timeout: 5000 }).toMatch(/recvonly|inactive/);
    expect(await micLive(app)).toBe(false);
    const heldAt = (await peer.call('stats')).bytesReceived;
    await new Promise((r) => setTimeout(r, 600));
    expect((await peer.call('stats')).bytesReceived - heldAt).toBeLessThan(200);

    await card.getByTestId('hold-button').click();
    await expect.poll(() => card.getByTestId('hold-button').getAttribute('aria-pressed'), { timeout: 5000 }).toBe('false');
    await expect.poll(async () => (await peer.call('stats')).direction, { timeout: 5000 }).toBe('sendrecv');
    const resumedAt = (await peer.call('stats')).bytesReceived;
    await expect.poll(async () => (await peer.call('stats')).bytesReceived, { timeout: 5000 }).toBeGreaterThan(resumedAt);
    expect(await micLive(app)).toBe(true);

    // Mute: the button shows it and the microphone track stops.
    await card.getByTestId('mute-button').click();
    await expect.poll(() => card.getByTestId('mute-button').getAttribute('aria-pressed'), { timeout: 3000 }).toBe('true');
    await expect.poll(async () => (await mediaStats(app))[0]?.micEnabled, { timeout: 3000 }).toBe(false);
    await card.getByTestId('mute-button').click();
    await expect.poll(async () => (await mediaStats(app))[0]?.micEnabled, { timeout: 3000 }).toBe(true);

    // DTMF from the in-call keypad, RFC 4733 through the media engine's RTCDTMFSender.
    await card.getByTestId('keypad-button').click();
    for (const key of ['1', '2', 'hash']) await app.getByTestId(`dtmf-${key}`).click();
    await expect.poll(async () => (await mediaStats(app))[0]?.dtmfSent, { timeout: 5000 }).toBe('12#');

    await card.getByTestId('hangup-button').click();
    await expect.poll(() => peer.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 3000 }).toBe('ended');
    // The call is over: the microphone is closed again.
    await expect.poll(() => micOpen(app), { timeout: 3000 }).toBe(false);
  });
});

describe('the dial pad', () => {
  it('builds the number from dial-pad clicks and calls it', async () => {
    const { stack, peer } = ready();
    const { app } = stack;
    const before = (await peer.call('invites')).length;
    await app.getByTestId('dial-input').fill('');
    for (const key of ['1', '0', '0', '2']) await app.getByTestId(`dialpad-${key}`).click();
    expect(await app.getByTestId('dial-input').inputValue()).toBe('1002');
    await app.getByTestId('dial-button').click();
    await expect.poll(async () => (await peer.call('invites')).length, { timeout: 5000 }).toBe(before + 1);
    await app.getByTestId('call-card').getByTestId('hangup-button').click();
    await expect.poll(() => peer.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
    await app.getByTestId('call-card').first().waitFor({ state: 'detached', timeout: 15_000 });
  });
});

describe('an incoming call through the UI', () => {
  it('shows the caller as text, rings, and is answered with audio both ways', async () => {
    const { stack, peer } = ready();
    const { app } = stack;
    await peer.call('call', '1001');
    const card = app.getByTestId('call-card').filter({ has: app.getByTestId('answer-button') });
    await card.waitFor({ timeout: 5000 });
    await expect(card.getByTestId('call-remote-name').textContent()).resolves.toBe('Grace Hopper');
    await expect(card.getByTestId('call-remote-number').textContent()).resolves.toContain('1002');
    // It rings (on the ringtone output, here the system default). Ringing is not talking: the
    // microphone opens only when the user answers.
    await expect.poll(() => ringer(app), { timeout: 3000 }).toMatchObject({ mode: 'ring', ringing: true, playing: true, sinkIds: [''], tone: 'classic' });
    expect(await micOpen(app)).toBe(false);
    await card.getByTestId('answer-button').click();
    await expect.poll(async () => (await ringer(app)).playing, { timeout: 3000 }).toBe(false);

    const answered = app.locator('[data-testid="call-card"][data-state="established"]');
    await answered.waitFor({ timeout: 5000 });
    await waitForAppAudio(app);
    await peer.waitForAudio();
    await expect.poll(() => micLive(app), { timeout: 3000 }).toBe(true);
    await peer.call('hangup');
    await expect.poll(() => app.locator('[data-testid="call-card"][data-state="established"]').count(), { timeout: 5000 }).toBe(0);
    await expect.poll(() => micOpen(app), { timeout: 3000 }).toBe(false);
  });

  it('renders a hostile display name as text, never as HTML', async () => {
    const { stack } = ready();
    const { app } = stack;
    const evil = await openPeer(stack, '1003', '<img src=x onerror=window.__pwned=1>Mallory');
    try {
      await evil.call('call', '1001');
      const card = app.getByTestId('call-card').filter({ has: app.getByTestId('answer-button') });
      await card.waitFor({ timeout: 5000 });
      await expect(card.getByTestId('call-remote-name').textContent()).resolves.toBe('<img src=x onerror=window.__pwned=1>Mallory');
      expect(await card.locator('img').count()).toBe(0);
      expect(await app.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      await card.getByTestId('reject-button').click();
      await expect.poll(() => evil.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
    } finally {
      await evil.close();
    }
  });
});
