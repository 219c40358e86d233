// Several lines in the real UI, through Kamailio, with WebRTC audio: a second call during the
// first plays the call-waiting tone, answering it holds the first, Resume switches back (holding
// the other), the other side's hold shows as such, and either call hangs up on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import type { RingerState } from '../../renderer/src/media/ring-route.ts';
import { mediaStats, openPeer, registerWithPeer, startStack, type Stack } from './stack.ts';

let stack: Stack | undefined;
let grace: BrowserPeer | undefined;
let alan: BrowserPeer | undefined;

beforeAll(async () => {
  stack = await startStack();
  grace = await registerWithPeer(stack);
  alan = await openPeer(stack, '1003', 'Alan Turing');
  await stack.app.bringToFront();
});

afterAll(async () => {
  await grace?.close();
  await alan?.close();
  await stack?.stop();
});

function ringer(app: Page): Promise<RingerState> {
  return app.evaluate(() => (window as unknown as { __hookswitchMedia: { ringer(): RingerState } }).__hookswitchMedia.ringer());
}

function cardOf(app: Page, name: string): Locator {
  return app.getByTestId('call-card').filter({ has: app.getByTestId('call-remote-name').getByText(name, { exact: true }) });
}

/** Bytes Hookswitch received on the call shown by `card` so far. */
async function received(app: Page, card: Locator): Promise<number> {
  const callId = await card.getAttribute('data-call-id');
  return (await mediaStats(app)).filter((s) => s.callId === callId).reduce((n, s) => n + s.bytesReceived, 0);
}

/** Waits until the call on `card` receives audio (its byte count moves). */
async function audioFlows(app: Page, card: Locator): Promise<void> {
  const before = await received(app, card);
  await expect.poll(() => received(app, card), { timeout: 8000, interval: 100 }).toBeGreaterThan(before);
}

describe('two lines', () => {
  it('call waiting, answer the second (first held), switch back, remote hold, hang up either', async () => {
    const app = stack!.app;
    const g = grace!;
    const a = alan!;

    await g.call('call', '1001');
    const graceCard = cardOf(app, 'Grace Hopper');
    await graceCard.getByTestId('answer-button').click();
    await expect.poll(() => graceCard.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
    await audioFlows(app, graceCard);

    // A second call: the call-waiting tone on the call's output, not the ringtone.
    await a.call('call', '1001');
    const alanCard = cardOf(app, 'Alan Turing');
    await alanCard.getByTestId('answer-button').waitFor({ timeout: 5000 });
    await expect.poll(() => ringer(app), { timeout: 3000 }).toMatchObject({ mode: 'waiting', playing: true });
    expect(await graceCard.getAttribute('data-state')).toBe('established');

    // Answering it puts Grace on hold first; Alan and Hookswitch then hear each other.
    await alanCard.getByTestId('answer-button').click();
    await expect.poll(() => alanCard.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
    await expect.poll(() => graceCard.getAttribute('data-held'), { timeout: 5000 }).toBe('true');
    await expect.poll(async () => (await g.call('stats')).direction, { timeout: 5000 }).toMatch(/recvonly|inactive/);
    await expect.poll(() => ringer(app), { timeout: 3000 }).toMatchObject({ mode: 'off', playing: false });
    await audioFlows(app, alanCard);
    await a.waitForAudio();

    // Resume Grace: Alan goes on hold, Grace's audio flows again both ways.
    await graceCard.getByTestId('hold-button').click();
    await expect.poll(() => graceCard.getAttribute('data-held'), { timeout: 5000 }).toBe('false');
    await expect.poll(() => alanCard.getAttribute('data-held'), { timeout: 5000 }).toBe('true');
    await expect.poll(async () => (await a.call('stats')).direction, { timeout: 5000 }).toMatch(/recvonly|inactive/);
    await expect.poll(async () => (await g.call('stats')).direction, { timeout: 5000 }).toBe('sendrecv');
    await audioFlows(app, graceCard);
    const graceHeard = (await g.call('stats')).bytesReceived;
    await expect.poll(async () => (await g.call('stats')).bytesReceived, { timeout: 5000 }).toBeGreaterThan(graceHeard);

    // Grace puts Hookswitch on hold from her phone: the card says so, and clears when she resumes.
    await g.call('hold', true);
    await graceCard.getByTestId('call-remote-held').waitFor({ timeout: 5000 });
    expect(await graceCard.getAttribute('data-held')).toBe('false');
    await g.call('hold', false);
    await graceCard.getByTestId('call-remote-held').waitFor({ state: 'detached', timeout: 5000 });

    // Hang up the held call: Alan's phone ends, Grace stays connected.
    await alanCard.getByTestId('hangup-button').click();
    await expect.poll(() => a.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
    expect(await graceCard.getAttribute('data-state')).toBe('established');
    await audioFlows(app, graceCard);
    await graceCard.getByTestId('hangup-button').click();
    await expect.poll(() => g.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });
});
