// Two SIP accounts in the real UI on one Kamailio: both registered at once and shown in the status
// bar, an incoming call says which account it came to, the dial view calls out on the account the
// user picks, and removing an account unregisters it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { registerWithPeer, startStack, type Stack } from './stack.ts';

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

function statesShown(app: Page): Promise<(string | null)[]> {
  return app.getByTestId('registration-state').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
}

describe('two accounts', () => {
  it('adds a second account in settings; both register and the status bar shows both', async () => {
    const app = stack!.app;
    await app.getByTestId('settings-button').click();
    await app.getByTestId('settings-add-account').click();
    await app.getByTestId('settings-account-label').fill('Sales line');
    await app.getByTestId('settings-ws-url').fill(stack!.kamailio.wsUrl);
    await app.getByTestId('settings-sip-uri').fill('sip:1004@127.0.0.1');
    await app.getByTestId('settings-auth-user').fill('1004');
    await app.getByTestId('settings-display-name').fill('Sales');
    await app.getByTestId('settings-ringtone').selectOption('chime');
    await app.getByTestId('settings-save').click();
    await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
    await app.getByTestId('settings-close').click();
    await expect.poll(() => statesShown(app), { timeout: 10_000 }).toEqual(['registered', 'registered']);
    await expect(app.getByTestId('registration-label').last().textContent()).resolves.toBe('Sales line');
  });

  it('an incoming call to the second account says so, and rings with its tone', async () => {
    const app = stack!.app;
    await peer!.call('call', '1004');
    const card = app.getByTestId('call-card').filter({ has: app.getByTestId('answer-button') });
    await card.waitFor({ timeout: 5000 });
    await expect(card.getByTestId('call-account').textContent()).resolves.toContain('Sales line');
    await expect
      .poll(() => app.evaluate(() => (window as unknown as { __hookswitchMedia: { ringer(): { tone: string; mode: string } } }).__hookswitchMedia.ringer()), { timeout: 3000 })
      .toMatchObject({ mode: 'ring', tone: 'chime' });
    await card.getByTestId('reject-button').click();
    await expect.poll(() => peer!.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });

  it('dials out on the account picked in the dial view', async () => {
    const app = stack!.app;
    const before = (await peer!.call('invites')).length;
    await app.getByTestId('dial-account').selectOption({ label: 'Sales line' });
    await app.getByTestId('dial-input').fill('1002');
    await app.getByTestId('dial-button').click();
    await expect.poll(async () => (await peer!.call('invites')).length, { timeout: 5000 }).toBe(before + 1);
    expect((await peer!.call('invites')).at(-1)).toMatchObject({ from: '1004', displayName: 'Sales' });
    const card = app.getByTestId('call-card').first();
    await expect(card.getByTestId('call-account').textContent()).resolves.toContain('Sales line');
    await card.getByTestId('hangup-button').click();
    await expect.poll(() => peer!.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });

  it('removing the account unregisters it: the server no longer reaches it', async () => {
    const app = stack!.app;
    await app.getByTestId('settings-button').click();
    await app.getByTestId('settings-account-tab').getByText('Sales line').click();
    await app.getByTestId('settings-remove-account').click();
    await app.getByTestId('settings-save').click();
    await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
    await app.getByTestId('settings-close').click();
    await expect.poll(() => statesShown(app), { timeout: 5000 }).toEqual(['registered']);
    await expect.poll(() => stack!.kamailio.requests().some((r) => r.method === 'REGISTER' && r.fromUser === '1004'), { timeout: 5000 }).toBe(true);
    // Kamailio answers a call to the removed account with 404: nothing rings here.
    await peer!.call('call', '1004').catch(() => undefined);
    await expect.poll(() => peer!.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
    expect(await app.locator('[data-testid="call-card"]:not([data-state="ended"])').count()).toBe(0);
  });
});
