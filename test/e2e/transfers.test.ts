// Transfers in the real UI through Kamailio, with WebRTC audio: Grace calls Hookswitch, and the
// call is transferred to Alan, blind (REFER) or attended (a consultation first, then REFER with
// Replaces). Hookswitch follows the NOTIFYs to the final answer before it calls the transfer done;
// afterwards Grace and Alan talk to each other (getStats on both phones). A transfer to a number
// nobody answers comes back to the user.
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
  await alan.call('setAutoAnswer', true);
  await stack.app.bringToFront();
});

afterAll(async () => {
  await grace?.close();
  await alan?.close();
  await stack?.stop();
});

function cardOf(app: Page, name: string): Locator {
  return app.getByTestId('call-card').filter({ has: app.getByTestId('call-remote-name').getByText(name, { exact: true }) });
}

/** Grace calls Hookswitch, which answers; resolves with her card. */
async function graceCalls(app: Page, g: BrowserPeer): Promise<Locator> {
  await g.call('call', '1001');
  const card = cardOf(app, 'Grace Hopper');
  await card.getByTestId('answer-button').click();
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
  await g.waitForAudio();
  return card;
}

/** Audio moves on this call card's media at Hookswitch, in the direction named. */
async function flowing(app: Page, card: Locator, direction: 'bytesSent' | 'bytesReceived'): Promise<void> {
  const callId = await card.getAttribute('data-call-id');
  const bytes = async (): Promise<number> => (await mediaStats(app)).find((s) => s.callId === callId)?.[direction] ?? 0;
  const before = await bytes();
  await expect.poll(bytes, { timeout: 8000 }).toBeGreaterThan(before);
}

/** Audio arrives at each of these phones (on each one's newest call). */
async function talking(...peers: BrowserPeer[]): Promise<void> {
  for (const p of peers) {
    const before = (await p.call('stats')).bytesReceived;
    await expect.poll(async () => (await p.call('stats')).bytesReceived, { timeout: 8000 }).toBeGreaterThan(before);
  }
}

describe('transfers', () => {
  it('blind: Grace goes to Alan; done only when Alan answered; Grace and Alan talk', async () => {
    const app = stack!.app;
    const g = grace!;
    const a = alan!;
    const card = await graceCalls(app, g);
    await card.getByTestId('transfer-button').click();
    await card.getByTestId('transfer-input').fill('1003');
    await card.getByTestId('transfer-blind').click();
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 8000 }).toBe('ended');
    expect(await card.getByTestId('call-end-reason').textContent()).toContain('Transferred');
    expect((await g.call('transferCounts')).transfers).toBe(1);
    await expect.poll(() => g.call('sessionState'), { timeout: 5000 }).toBe('Established');
    await expect.poll(() => a.call('sessionState'), { timeout: 5000 }).toBe('Established');
    await talking(g, a);
    await g.call('hangup');
    await expect.poll(() => a.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });

  it('attended: consult Alan while Grace waits on hold, then complete; Grace and Alan talk', async () => {
    const app = stack!.app;
    const g = grace!;
    const a = alan!;
    const card = await graceCalls(app, g);
    await card.getByTestId('transfer-button').click();
    await card.getByTestId('transfer-input').fill('1003');
    await card.getByTestId('transfer-consult').click();
    const consult = cardOf(app, '1003');
    await expect.poll(() => consult.getAttribute('data-state'), { timeout: 8000 }).toBe('established');
    await expect.poll(() => card.getAttribute('data-held'), { timeout: 5000 }).toBe('true');
    expect(await consult.getByTestId('call-consult-for').textContent()).toContain('Grace Hopper');
    // Hookswitch and Alan talk first: audio reaches Alan, and Hookswitch on the consultation.
    await talking(a);
    await flowing(app, consult, 'bytesReceived');
    await consult.getByTestId('complete-transfer-button').click();
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 8000 }).toBe('ended');
    await expect.poll(() => consult.getAttribute('data-state'), { timeout: 8000 }).toBe('ended');
    expect((await a.call('transferCounts')).replaced).toBe(1);
    await expect.poll(() => g.call('sessionState'), { timeout: 5000 }).toBe('Established');
    await expect.poll(() => a.call('sessionState'), { timeout: 5000 }).toBe('Established');
    await talking(g, a);
    await g.call('hangup');
    await expect.poll(() => a.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });

  it('a transfer to an extension nobody has comes back: the call stays, on hold, with the reason', async () => {
    const app = stack!.app;
    const g = grace!;
    const card = await graceCalls(app, g);
    await card.getByTestId('transfer-button').click();
    await card.getByTestId('transfer-input').fill('1999');
    await card.getByTestId('transfer-blind').click();
    await expect.poll(() => card.getByTestId('call-transfer').getAttribute('data-transfer-state'), { timeout: 8000 }).toBe('failed');
    expect(await card.getByTestId('call-transfer').textContent()).toContain('404');
    expect(await card.getAttribute('data-state')).toBe('established');
    // Back with the user, on hold as it waited: resume and talk.
    expect(await card.getAttribute('data-held')).toBe('true');
    await card.getByTestId('hold-button').click();
    await expect.poll(() => card.getAttribute('data-held'), { timeout: 5000 }).toBe('false');
    // Measured at Hookswitch: Grace's phone reports on its newest call, the failed one to 1999.
    await flowing(app, card, 'bytesSent');
    await flowing(app, card, 'bytesReceived');
    await card.getByTestId('hangup-button').click();
    await expect.poll(() => g.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });
});
