// A desk's call handling in the real UI through a Kamailio that follows redirects, with WebRTC
// audio: calls forwarded (302) reach the colleague and are recorded as forwarded; do not disturb
// refuses calls (recorded as missed, never ringing here); the ringtone plays on two outputs at
// once and stops everywhere on answer; a call that asks for it (Call-Info answer-after) is
// answered by itself with a beep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import type { RingerState } from '../../renderer/src/media/ring-route.ts';
import { openPeer, registerWithPeer, startStack, waitForRegistered, type Stack } from './stack.ts';

let stack: Stack | undefined;
let grace: BrowserPeer | undefined;
let alan: BrowserPeer | undefined;

beforeAll(async () => {
  stack = await startStack({ kamailio: { redirects: true } });
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

function ringer(app: Page): Promise<RingerState> {
  return app.evaluate(() => (window as unknown as { __hookswitchMedia: { ringer(): RingerState } }).__hookswitchMedia.ringer());
}

/** Opens the settings, lets `edit` change them, saves and closes. */
async function inSettings(app: Page, edit: () => Promise<void>): Promise<void> {
  await app.getByTestId('settings-button').click();
  await edit();
  await app.getByTestId('settings-save').click();
  await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
  await app.getByTestId('settings-close').click();
  await waitForRegistered(app);
}

async function talking(a: BrowserPeer, b: BrowserPeer): Promise<void> {
  for (const p of [a, b]) {
    const before = (await p.call('stats')).bytesReceived;
    await expect.poll(async () => (await p.call('stats')).bytesReceived, { timeout: 8000 }).toBeGreaterThan(before);
  }
}

describe('a desk', () => {
  it('forwards every call to a colleague: Grace reaches Alan and they talk; recorded as forwarded', async () => {
    const app = stack!.app;
    await inSettings(app, async () => {
      await app.getByTestId('settings-forward-mode').selectOption('always');
      await app.getByTestId('settings-forward-target').fill('1003');
    });
    await grace!.call('call', '1001');
    await expect.poll(() => alan!.call('sessionState'), { timeout: 8000 }).toBe('Established');
    await expect.poll(() => grace!.call('sessionState'), { timeout: 5000 }).toBe('Established');
    await talking(grace!, alan!);
    expect(await app.getByTestId('answer-button').count()).toBe(0);
    await grace!.call('hangup');
    await app.getByTestId('tab-history').click();
    await expect.poll(() => app.getByTestId('history-row').first().getAttribute('data-outcome'), { timeout: 5000 }).toBe('forwarded');
    await app.getByTestId('tab-phone').click();
    await inSettings(app, async () => {
      await app.getByTestId('settings-forward-mode').selectOption('off');
    });
  });

  it('do not disturb: the caller hears busy, nothing rings here, the call is a missed call', async () => {
    const app = stack!.app;
    await app.getByTestId('dnd-button').click();
    await expect.poll(() => app.getByTestId('dnd-button').getAttribute('aria-pressed'), { timeout: 3000 }).toBe('true');
    await grace!.call('call', '1001');
    await expect.poll(() => grace!.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
    expect(await app.getByTestId('call-card').count()).toBe(0);
    expect((await ringer(app)).beeps).toBe(0);
    await expect.poll(() => app.getByTestId('tab-history').getAttribute('data-badge'), { timeout: 5000 }).toBe('1');
    await app.getByTestId('dnd-button').click();
    await expect.poll(() => app.getByTestId('dnd-button').getAttribute('aria-pressed'), { timeout: 3000 }).toBe('false');
  });

  it('rings on two outputs at once and stops on both when answered', async () => {
    const app = stack!.app;
    let speaker = '';
    await inSettings(app, async () => {
      await expect.poll(() => app.getByTestId('settings-ring-output').count(), { timeout: 5000 }).toBeGreaterThan(2);
      speaker = (await app.getByTestId('settings-ring-output').nth(2).getAttribute('data-device-id')) ?? '';
      await app.getByTestId('settings-ring-output').nth(2).check();
    });
    await grace!.call('call', '1001');
    const card = app.getByTestId('call-card').filter({ has: app.getByTestId('answer-button') });
    await card.waitFor({ timeout: 5000 });
    await expect.poll(() => ringer(app), { timeout: 3000 }).toMatchObject({ mode: 'ring', playing: true, sinkIds: ['', speaker] });
    await card.getByTestId('answer-button').click();
    await expect.poll(() => ringer(app), { timeout: 3000 }).toMatchObject({ mode: 'off', playing: false });
    await grace!.call('hangup');
  });

  it('answers by itself with a beep when the call asks for it (intercom) and the account allows it', async () => {
    const app = stack!.app;
    await inSettings(app, async () => {
      await app.getByTestId('settings-auto-answer').selectOption('when-asked');
    });
    const beeps = (await ringer(app)).beeps;
    await grace!.call('call', '1001', ['Call-Info: <sip:127.0.0.1>;answer-after=0']);
    const card = app.getByTestId('call-card').first();
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
    await expect.poll(async () => (await ringer(app)).beeps, { timeout: 3000 }).toBe(beeps + 1);
    await grace!.waitForAudio();
    await grace!.call('hangup');
  });
});
