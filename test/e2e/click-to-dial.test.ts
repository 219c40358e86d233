// Numbers from outside in the real UI: a link (as the Electron host hands it over from the system),
// the dial shortcut's text and a link that is an attack reach the core of the running web host;
// the user confirms with Enter and a real call goes through Kamailio to Grace's phone, or reads why
// nothing was dialled. The settings page says what the browser version can and cannot do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { registerWithPeer, startStack, type Stack } from './stack.ts';

let stack: Stack | undefined;
let grace: BrowserPeer | undefined;

function ready(): { stack: Stack; grace: BrowserPeer } {
  if (!stack || !grace) throw new Error('the stack did not start');
  return { stack, grace };
}

beforeAll(async () => {
  stack = await startStack();
  grace = await registerWithPeer(stack);
});

afterAll(async () => {
  await grace?.close();
  await stack?.stop();
});

async function confirmPolicy(s: Stack, policy: 'always' | 'never' | 'international'): Promise<void> {
  const { app } = s;
  await app.getByTestId('settings-button').click();
  await app.getByTestId('settings-click-confirm').selectOption(policy);
  await app.getByTestId('settings-save').click();
  await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
  await app.getByTestId('settings-close').click();
}

describe('click to dial', () => {
  it('the settings say links and the shortcut belong to the browser here', async () => {
    const { stack } = ready();
    const { app } = stack;
    await app.getByTestId('settings-button').click();
    await app.getByTestId('settings-links-unsupported').waitFor({ timeout: 5000 });
    await expect.poll(() => app.getByTestId('settings-dial-shortcut-state').textContent()).toContain('browser');
    await app.getByTestId('settings-close').click();
  });

  it('a link waits for the user, Enter calls, and the call reaches Grace through Kamailio', async () => {
    const { stack, grace } = ready();
    const { app, host } = stack;
    await confirmPolicy(stack, 'always');
    const invitesBefore = (await grace.call('invites')).length;
    const request = await host.core.dialFromOutside('tel:1002', 'link', 'link');
    expect(request).toMatchObject({ state: 'confirm', target: '1002', kind: 'extension' });
    const card = app.getByTestId('dial-request');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 5000 }).toBe('confirm');
    expect(await card.getByTestId('dial-request-name').textContent()).toBe('1002');
    // Nothing was dialled before the user said so.
    expect((await grace.call('invites')).length).toBe(invitesBefore);
    // The Call button has the focus: Enter is the confirmation.
    await expect.poll(() => app.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('dial-request-call');
    await app.keyboard.press('Enter');
    await expect.poll(async () => (await grace.call('invites')).length, { timeout: 5000 }).toBe(invitesBefore + 1);
    await expect.poll(() => card.count()).toBe(0);
    await grace.call('answer');
    const call = app.getByTestId('call-card').first();
    await expect.poll(() => call.getAttribute('data-state'), { timeout: 8000 }).toBe('established');
    await call.getByTestId('hangup-button').click();
    await expect.poll(() => call.getAttribute('data-state'), { timeout: 5000 }).toBe('ended');
  });

  it('Escape cancels a number waiting for the user', async () => {
    const { stack, grace } = ready();
    const { app, host } = stack;
    const invitesBefore = (await grace.call('invites')).length;
    await host.core.dialFromOutside('callto:+442071234567', 'link', 'link');
    const card = app.getByTestId('dial-request');
    await expect.poll(() => card.getAttribute('data-kind'), { timeout: 5000 }).toBe('international');
    expect(await card.getByTestId('dial-request-warning').textContent()).toContain('another country');
    await expect.poll(() => app.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('dial-request-call');
    await app.keyboard.press('Escape');
    await expect.poll(() => card.count()).toBe(0);
    expect((await grace.call('invites')).length).toBe(invitesBefore);
    expect(host.core.getState().dialRequests).toEqual([]);
  });

  it('an attack is refused with the reason shown; no call is placed', async () => {
    const { stack, grace } = ready();
    const { app, host } = stack;
    const invitesBefore = (await grace.call('invites')).length;
    for (const link of ['javascript:alert(document.domain)', 'tel:1002;phone-context=evil.example', 'sip:1002@127.0.0.1?Route=%3Csip:evil.example%3E', `tel:${'9'.repeat(65_536)}`]) {
      const request = await host.core.dialFromOutside(link, 'link', 'link');
      expect(request, link).toMatchObject({ state: 'refused', error: { code: 'invalid-number' } });
    }
    const refused = app.locator('[data-testid="dial-request"][data-state="refused"]');
    await expect.poll(() => refused.count(), { timeout: 5000 }).toBe(4);
    expect(await refused.first().getByTestId('dial-request-text').textContent()).toBe('javascript:alert(document.domain)');
    // Text from outside is text: no script ran, no element was made from it.
    expect(await app.evaluate(() => document.querySelectorAll('script:not([src])').length)).toBe(0);
    for (let i = 0; i < 4; i++) await refused.first().getByTestId('dial-request-dismiss').click();
    await expect.poll(() => refused.count()).toBe(0);
    expect((await grace.call('invites')).length).toBe(invitesBefore);
    expect(await app.locator('[data-testid="call-card"]:not([data-state="ended"])').count()).toBe(0);
  });

  it('the dial shortcut\'s text: an extension under "only international" is called at once', async () => {
    const { stack, grace } = ready();
    const { app, host } = stack;
    await confirmPolicy(stack, 'international');
    const invitesBefore = (await grace.call('invites')).length;
    expect(await host.core.dialFromOutside('Grace is on 1002 today (room 4.12)', 'text', 'shortcut')).toBeNull();
    await expect.poll(async () => (await grace.call('invites')).length, { timeout: 5000 }).toBe(invitesBefore + 1);
    const call = app.locator('[data-testid="call-card"]:not([data-state="ended"])');
    await expect.poll(() => call.getAttribute('data-state'), { timeout: 5000 }).toMatch(/dialing|ringing/);
    await call.getByTestId('hangup-button').click();
    await expect.poll(() => grace.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
  });
});
