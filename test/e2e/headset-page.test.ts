// The headset page in settings, end to end: replay devices built from real Jabra, Poly and
// Logitech G535 descriptors are plugged into the web host's core, and the page in Chromium shows
// them with their status, lights their buttons' chips, drives their LEDs, switches one off for
// calls and exports a support bundle that carries the device's own descriptor.
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/core/ports.ts';
import { TMP_ROOT } from '../support/chromium.ts';
import { loadHidFixture, ReplayTransport, type HidFixture, type ReplayDevice } from '../support/hid-replay.ts';
import { configureAccount, startStack, type Stack } from './stack.ts';

// Product names as the OS reports them (the fixture headers describe the capture as well).
const JABRA: HidFixture = { ...loadHidFixture('jabra-evolve-link-ms.hex'), product: 'Jabra EVOLVE LINK MS' };
const POLY: HidFixture = { ...loadHidFixture('plantronics-blackwire-c5220.hex'), product: 'Poly Blackwire C5220' };
const G535: HidFixture = { ...loadHidFixture('logitech-g535.hex'), product: 'Logitech G535 Wireless Gaming Headset' };
const KEYS = { jabra: '0b0e:0307', poly: '047f:c053', g535: '046d:0ac4' } as const;

const transport = new ReplayTransport(systemClock);
let stack: Stack | undefined;
const plugged: { jabra?: ReplayDevice; poly?: ReplayDevice; g535?: ReplayDevice } = {};

function ready(): { app: Page; jabra: ReplayDevice; poly: ReplayDevice; g535: ReplayDevice } {
  const { jabra, poly, g535 } = plugged;
  if (!stack || !jabra || !poly || !g535) throw new Error('the stack or the devices did not start');
  return { app: stack.app, jabra, poly, g535 };
}

function row(app: Page, key: string): Locator {
  return app.locator(`[data-testid="headset-row"][data-key="${key}"]`);
}

async function openSettings(app: Page): Promise<void> {
  if ((await app.locator('[data-view="settings"]').count()) === 0) await app.getByTestId('settings-button').click();
  await app.getByTestId('headsets-enabled').waitFor({ timeout: 5000 });
}

async function closeSettings(app: Page): Promise<void> {
  await app.getByTestId('settings-close').click();
  await app.locator('[data-view="settings"]').waitFor({ state: 'detached', timeout: 5000 });
}

beforeAll(async () => {
  stack = await startStack({ hidTransport: transport });
  await stack.app.bringToFront();
  // Saving settings needs a valid account; the page itself needs no registration.
  await configureAccount(stack.app, { wsUrl: stack.kamailio.wsUrl, user: '1001' });
});

afterAll(async () => {
  await stack?.stop();
});

describe('the headset page', () => {
  it('lists the devices as they are plugged in, each with what Hookswitch does with it', async () => {
    if (!stack) throw new Error('the stack did not start');
    const { app } = stack;
    await openSettings(app);
    await expect.poll(() => app.getByTestId('headsets-none').isVisible(), { timeout: 5000 }).toBe(true);
    expect(await app.getByTestId('headsets-enabled').isChecked()).toBe(true);

    plugged.jabra = transport.plug(JABRA);
    plugged.poly = transport.plug(POLY);
    plugged.g535 = transport.plug(G535);
    const { jabra, poly, g535 } = ready();

    await expect.poll(() => row(app, KEYS.jabra).getAttribute('data-status'), { timeout: 5000 }).toBe('in-use');
    await expect.poll(() => row(app, KEYS.poly).getAttribute('data-status'), { timeout: 5000 }).toBe('in-use');
    await expect.poll(() => row(app, KEYS.g535).getAttribute('data-status'), { timeout: 5000 }).toBe('no-call-controls');
    expect(await app.getByTestId('headsets-none').count()).toBe(0);
    expect(await app.getByTestId('headset-row').count()).toBe(3);
    expect(jabra.isOpen && poly.isOpen).toBe(true);
    expect(g535.isOpen).toBe(false);

    // What a user reads: the name, vid:pid and a status in words.
    const jabraRow = row(app, KEYS.jabra);
    expect(await jabraRow.textContent()).toContain('Jabra EVOLVE LINK MS');
    expect(await jabraRow.getByTestId('headset-ids').textContent()).toBe(KEYS.jabra);
    expect(await jabraRow.getByTestId('headset-status').textContent()).toBe('In use');
    expect(await jabraRow.getByTestId('headset-use').isChecked()).toBe(true);

    // The gaming headset says why it is not used and offers no choice.
    const g535Row = row(app, KEYS.g535);
    expect(await g535Row.getByTestId('headset-status').textContent()).toBe('No call buttons');
    expect(await g535Row.getByTestId('headset-why').textContent()).toMatch(/no call buttons/i);
    expect(await g535Row.getByTestId('headset-use').count()).toBe(0);
    expect(await g535Row.locator('[data-testid^="headset-led-"]').count()).toBe(0);

    // Only the inputs and outputs each device has: the Poly has On-Line but no Ringer, the Jabra the reverse.
    expect(await row(app, KEYS.poly).getByTestId('headset-led-onLineLed').count()).toBe(1);
    expect(await row(app, KEYS.poly).getByTestId('headset-led-ringer').count()).toBe(0);
    expect(await jabraRow.getByTestId('headset-led-ringer').count()).toBe(1);
    expect(await jabraRow.getByTestId('headset-input-keypad').count()).toBe(1);
  });

  it('lights a chip while its button is down and shows the last value', async () => {
    const { app, jabra, poly } = ready();
    const polyHook = row(app, KEYS.poly).getByTestId('headset-input-hookSwitch');
    expect(await polyHook.getAttribute('data-active')).toBe('false');

    poly.set('hookSwitch', 1);
    await expect.poll(() => polyHook.getAttribute('data-active'), { timeout: 3000 }).toBe('true');
    expect(await polyHook.textContent()).toContain('Off-hook');
    poly.set('hookSwitch', 0);
    await expect.poll(() => polyHook.getAttribute('data-active'), { timeout: 3000 }).toBe('false');
    expect(await polyHook.textContent()).toContain('On-hook');

    const jabraMute = row(app, KEYS.jabra).getByTestId('headset-input-phoneMute');
    jabra.press('phoneMute');
    await expect.poll(() => jabraMute.getAttribute('data-active'), { timeout: 3000 }).toBe('true');
    // The other device's chip did not move.
    expect(await row(app, KEYS.poly).getByTestId('headset-input-phoneMute').getAttribute('data-active')).toBe('false');
    jabra.release('phoneMute');
    await expect.poll(() => jabraMute.getAttribute('data-active'), { timeout: 3000 }).toBe('false');

    // The keypad shows the key: Phone Key 5 is usage 0xB5.
    const keypad = row(app, KEYS.jabra).getByTestId('headset-input-keypad');
    jabra.set('keypad', 0xb5);
    await expect.poll(() => keypad.getAttribute('data-active'), { timeout: 3000 }).toBe('true');
    expect(await keypad.getByTestId('headset-input-value').textContent()).toBe('5');
    // Released: the chip goes dark and keeps the last key.
    jabra.set('keypad', 0);
    await expect.poll(() => keypad.getAttribute('data-active'), { timeout: 3000 }).toBe('false');
    expect(await keypad.getByTestId('headset-input-value').textContent()).toBe('5');
  });

  it('drives the LEDs from the switches, and gives them back to the calls when the page closes', async () => {
    const { app, poly, jabra } = ready();
    const polyRow = row(app, KEYS.poly);
    poly.clearWrites();

    // Keyboard first: the switch is a real checkbox with role="switch" and its name.
    const ring = polyRow.getByRole('switch', { name: 'Ring' });
    await ring.focus();
    await app.keyboard.press('Space');
    await expect.poll(() => poly.leds().ringLed, { timeout: 3000 }).toBe(1);
    expect(await ring.isChecked()).toBe(true);

    await polyRow.getByTestId('headset-led-muteLed').click();
    await expect.poll(() => poly.leds().muteLed, { timeout: 3000 }).toBe(1);
    expect(poly.leds().ringLed).toBe(1);
    // The Jabra was not touched.
    expect(jabra.leds().ringLed ?? 0).toBe(0);

    // Switching one off leaves the other lit; switching all off gives the LEDs back to the calls.
    await polyRow.getByTestId('headset-led-ringLed').click();
    await expect.poll(() => poly.leds().ringLed, { timeout: 3000 }).toBe(0);
    expect(poly.leds().muteLed).toBe(1);
    await polyRow.getByTestId('headset-led-muteLed').click();
    await expect.poll(() => poly.leds().muteLed, { timeout: 3000 }).toBe(0);

    // Lit again, then the page closes: no call is up, so every LED goes out.
    await polyRow.getByTestId('headset-led-holdLed').click();
    await jabraRowLed(app, 'offHookLed').click();
    await expect.poll(() => poly.leds().holdLed, { timeout: 3000 }).toBe(1);
    await expect.poll(() => jabra.leds().offHookLed, { timeout: 3000 }).toBe(1);
    await closeSettings(app);
    await expect.poll(() => poly.leds().holdLed, { timeout: 3000 }).toBe(0);
    await expect.poll(() => jabra.leds().offHookLed, { timeout: 3000 }).toBe(0);

    // Back on the page, the switches show main's truth: all off.
    await openSettings(app);
    expect(await row(app, KEYS.poly).getByTestId('headset-led-holdLed').isChecked()).toBe(false);
    expect(await jabraRowLed(app, 'offHookLed').isChecked()).toBe(false);
  });

  it('switches a device off for calls when "use for calls" is unchecked and saved, and back on', async () => {
    const { app, jabra } = ready();
    await openSettings(app);
    const jabraRow = row(app, KEYS.jabra);
    await jabraRow.getByTestId('headset-use').uncheck();
    // Not applied before saving.
    expect(jabra.isOpen).toBe(true);
    await app.getByTestId('settings-save').click();
    await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
    await expect.poll(() => jabraRow.getAttribute('data-status'), { timeout: 5000 }).toBe('switched-off');
    await expect.poll(() => jabra.isOpen, { timeout: 3000 }).toBe(false);
    expect(jabra.openCount).toBe(0);
    expect(await jabraRow.getByTestId('headset-status').textContent()).toBe('Not used');
    expect(await jabraRow.locator('[data-testid^="headset-led-"]').count()).toBe(0);
    // The others are untouched.
    expect(await row(app, KEYS.poly).getAttribute('data-status')).toBe('in-use');

    // Saved means saved: a reloaded page shows the box unchecked.
    await app.reload();
    await app.getByTestId('loading').waitFor({ state: 'detached', timeout: 10_000 });
    await openSettings(app);
    expect(await jabraRow.getByTestId('headset-use').isChecked()).toBe(false);
    expect(await jabraRow.getAttribute('data-status')).toBe('switched-off');

    // The master switch off: every telephony device says so, and is closed.
    await app.getByTestId('headsets-enabled').uncheck();
    await app.getByTestId('settings-save').click();
    await expect.poll(() => row(app, KEYS.poly).getAttribute('data-status'), { timeout: 5000 }).toBe('disabled');
    await expect.poll(() => ready().poly.isOpen, { timeout: 3000 }).toBe(false);
    expect(await jabraRow.getByTestId('headset-use').isDisabled()).toBe(true);

    // Both back on.
    await app.getByTestId('headsets-enabled').check();
    await jabraRow.getByTestId('headset-use').check();
    await app.getByTestId('settings-save').click();
    await expect.poll(() => jabraRow.getAttribute('data-status'), { timeout: 5000 }).toBe('in-use');
    await expect.poll(() => row(app, KEYS.poly).getAttribute('data-status'), { timeout: 5000 }).toBe('in-use');
    await expect.poll(() => jabra.isOpen && ready().poly.isOpen, { timeout: 3000 }).toBe(true);
  });

  it('exports a support bundle with the device descriptor as a JSON download', async () => {
    const { app } = ready();
    await openSettings(app);
    for (const [key, fixture] of [
      [KEYS.jabra, JABRA],
      [KEYS.g535, G535],
    ] as const) {
      const [download] = await Promise.all([app.waitForEvent('download', { timeout: 5000 }), row(app, key).getByTestId('headset-export').click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^hookswitch-headset-${key.replace(':', '-')}-.*\\.json$`));
      const file = await download.path();
      const bundle = JSON.parse(fs.readFileSync(file, 'utf8')) as { descriptor: { hex: string; length: number }; device: { product: string } };
      expect(bundle.descriptor.length).toBe(fixture.descriptor.length);
      expect(bundle.descriptor.hex.replace(/\s+/g, '')).toBe(Buffer.from(fixture.descriptor).toString('hex'));
      expect(bundle.device.product).toBe(fixture.product);
      expect(await row(app, key).getByTestId('headset-error').count()).toBe(0);
    }
  });

  it('follows unplug and replug live', async () => {
    const { app, poly } = ready();
    await openSettings(app);
    transport.unplug(poly);
    await expect.poll(() => row(app, KEYS.poly).count(), { timeout: 5000 }).toBe(0);
    plugged.poly = transport.plug(POLY);
    await expect.poll(() => row(app, KEYS.poly).getAttribute('data-status'), { timeout: 5000 }).toBe('in-use');
    // A replugged device has a new id: its chips start fresh and work.
    const hook = row(app, KEYS.poly).getByTestId('headset-input-hookSwitch');
    expect(await hook.getAttribute('data-active')).toBe('false');
    ready().poly.set('hookSwitch', 1);
    await expect.poll(() => hook.getAttribute('data-active'), { timeout: 3000 }).toBe('true');
    ready().poly.set('hookSwitch', 0);
    await expect.poll(() => hook.getAttribute('data-active'), { timeout: 3000 }).toBe('false');
  });

  it('reads in Chinese too, and looks right next to the other sections (screenshot)', async () => {
    const { app, poly } = ready();
    await openSettings(app);
    // A work headset, a desk headset and a gaming headset, as a user sees them: the Jabra plugged
    // in again so that its chips start fresh, the Poly off-hook, one LED being tried.
    transport.unplug(ready().jabra);
    await expect.poll(() => row(app, KEYS.jabra).count(), { timeout: 5000 }).toBe(0);
    plugged.jabra = transport.plug(JABRA);
    await expect.poll(() => row(app, KEYS.jabra).getAttribute('data-status'), { timeout: 5000 }).toBe('in-use');
    poly.set('hookSwitch', 1);
    await expect.poll(() => row(app, KEYS.poly).getByTestId('headset-input-hookSwitch').getAttribute('data-active'), { timeout: 3000 }).toBe('true');
    await jabraRowLed(app, 'muteLed').click();
    await expect.poll(() => ready().jabra.leds().muteLed, { timeout: 3000 }).toBe(1);
    await app.setViewportSize({ width: 460, height: 1840 });
    await app.locator('[data-view="settings"]').evaluate((el) => { el.closest('main')?.scrollTo(0, 0); });
    const dir = path.join(TMP_ROOT, 'screens');
    fs.mkdirSync(dir, { recursive: true });
    await app.screenshot({ path: path.join(dir, 'headsets-page.png') });

    await app.getByTestId('settings-locale').selectOption('zh-CN');
    await expect.poll(() => row(app, KEYS.g535).getByTestId('headset-status').textContent(), { timeout: 3000 }).toBe('无通话按键');
    expect(await row(app, KEYS.jabra).getByTestId('headset-export').textContent()).toContain('导出');
    await app.screenshot({ path: path.join(dir, 'headsets-page-zh-CN.png') });
    await app.getByTestId('settings-locale').selectOption('auto');
  });
});

function jabraRowLed(app: Page, name: string): Locator {
  return row(app, KEYS.jabra).getByTestId(`headset-led-${name}`);
}
