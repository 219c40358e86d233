// A 3-way conference in the real UI through Kamailio with WebRTC audio: Hookswitch calls two
// phones and merges them; each party hears the other two. Proven by what Grace's phone hears
// (the inbound audio energy of getStats): with Hookswitch muted she still hears Alan through the
// mix, and hears nothing once Alan mutes too. Split gives two separate calls again; hanging up one
// leg of the conference leaves an ordinary call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
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

function cardOf(app: Page, number: string): Locator {
  return app.getByTestId('call-card').filter({ has: app.getByTestId('call-remote-name').getByText(number, { exact: true }) });
}

/** Dials `number` from the dial view and waits until the far end answered. */
async function call(app: Page, peer: BrowserPeer, number: string): Promise<Locator> {
  const before = (await peer.call('invites')).length;
  await app.getByTestId('dial-input').fill(number);
  await app.getByTestId('dial-button').click();
  await expect.poll(async () => (await peer.call('invites')).length, { timeout: 5000 }).toBe(before + 1);
  await peer.call('answer');
  const card = cardOf(app, number);
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
  return card;
}

/** How much audio energy `peer` hears over `ms`. */
async function heard(peer: BrowserPeer, ms = 1500): Promise<number> {
  const before = (await peer.call('stats')).audioEnergy;
  await new Promise((r) => setTimeout(r, ms));
  return (await peer.call('stats')).audioEnergy - before;
}

// After a change (a mute, a merge, a split) audio takes a moment to start or to drain (jitter
// buffer, packets in flight; longer on a loaded machine): listen in 1.5 s windows until the
// expected one comes, for at most 9 s.
const HEARD = 0.001;
const SILENT = 0.0005;

async function hears(peer: BrowserPeer): Promise<void> {
  await expect.poll(() => heard(peer), { timeout: 9000, interval: 0 }).toBeGreaterThan(HEARD);
}

async function hearsNothing(peer: BrowserPeer): Promise<void> {
  await expect.poll(() => heard(peer), { timeout: 9000, interval: 0 }).toBeLessThan(SILENT);
}

describe('three-way conference', () => {
  it('merges two calls; each party hears the other two; split and hang up one leg', async () => {
    const app = stack!.app;
    const g = grace!;
    const a = alan!;
    const graceCard = await call(app, g, '1002');
    const alanCard = await call(app, a, '1003');
    await expect.poll(() => graceCard.getAttribute('data-held'), { timeout: 5000 }).toBe('true');

    // Before merging, with Hookswitch muted Grace hears nothing: she is on hold.
    await alanCard.getByTestId('merge-button').click();
    await graceCard.getByTestId('call-conference').waitFor({ timeout: 5000 });
    await alanCard.getByTestId('call-conference').waitFor({ timeout: 5000 });
    expect(await graceCard.getAttribute('data-held')).toBe('false');
    await expect.poll(async () => (await mediaStats(app)).filter((s) => s.mixing).length, { timeout: 5000 }).toBe(2);
    // Both phones hear audio (Hookswitch's microphone and the other party).
    await hears(g);
    await hears(a);

    // Hookswitch mutes (the whole conference): Grace still hears Alan, and Alan hears Grace.
    await graceCard.getByTestId('mute-button').click();
    await expect.poll(() => alanCard.getByTestId('mute-button').getAttribute('aria-pressed'), { timeout: 3000 }).toBe('true');
    await hears(g);
    await hears(a);

    // Alan mutes too: Grace hears (next to) nothing; so what she heard came from Alan.
    await a.call('mute', true);
    await hearsNothing(g);
    await a.call('mute', false);
    await hears(g);

    // Split from Grace's card: Grace stays with Hookswitch, Alan goes on hold and out of the mix.
    await graceCard.getByTestId('split-button').click();
    await expect.poll(() => alanCard.getAttribute('data-held'), { timeout: 5000 }).toBe('true');
    await expect.poll(async () => (await mediaStats(app)).filter((s) => s.mixing).length, { timeout: 5000 }).toBe(0);
    expect(await graceCard.getByTestId('call-conference').count()).toBe(0);
    // Hookswitch is still muted and Alan is on hold: Grace hears nothing.
    await hearsNothing(g);

    // Merge again, then Alan hangs up: Grace's call goes on as an ordinary call.
    await graceCard.getByTestId('merge-button').click();
    await alanCard.getByTestId('call-conference').waitFor({ timeout: 5000 });
    await a.call('hangup');
    await expect.poll(() => graceCard.getByTestId('call-conference').count(), { timeout: 5000 }).toBe(0);
    expect(await graceCard.getAttribute('data-state')).toBe('established');
    await graceCard.getByTestId('mute-button').click();
    await expect.poll(() => graceCard.getByTestId('mute-button').getAttribute('aria-pressed'), { timeout: 3000 }).toBe('false');
    // The call left the mix and the microphone is back on it.
    await hears(g);
    await graceCard.getByTestId('hangup-button').click();
    await expect.poll(() => g.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });
});
