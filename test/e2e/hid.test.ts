// A call taken and ended on a USB headset, end to end: replay devices built from real Jabra, Poly
// and EPOS descriptors stand in for the hardware, the web host's core drives them, Kamailio is the
// PBX and a browser softphone calls in. The LEDs are read back from the reports the core wrote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { systemClock } from '../../main/core/ports.ts';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { ReplayTransport, type ReplayDevice, type ReplayDeviceOptions } from '../support/hid-replay.ts';
import { mediaStats, registerWithPeer, startStack, waitForAppAudio, type Stack } from './stack.ts';

const transport = new ReplayTransport(systemClock);
let stack: Stack | undefined;
let peer: BrowserPeer | undefined;

function ready(): { stack: Stack; peer: BrowserPeer } {
  if (!stack || !peer) throw new Error('the stack did not start');
  return { stack, peer };
}

/** Time between two gestures, outside the controller's echo (500 ms) and duplicate windows. */
function pause(ms = 600): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

beforeAll(async () => {
  stack = await startStack({ hidTransport: transport });
  peer = await registerWithPeer(stack);
});

afterAll(async () => {
  await peer?.close();
  await stack?.stop();
});

interface HeadsetCase {
  file: string;
  options: ReplayDeviceOptions;
  /** Toggle-switch hooks report the level; the EPOS D1's momentary hook is one press per change. */
  hook: 'level' | 'press';
}

const HEADSETS: [string, HeadsetCase][] = [
  ['Jabra EVOLVE LINK MS', { file: 'jabra-evolve-link-ms.hex', options: { acknowledgeOffHook: true }, hook: 'level' }],
  ['Poly Blackwire C5220', { file: 'plantronics-blackwire-c5220.hex', options: {}, hook: 'level' }],
  ['EPOS IMPACT D1', { file: 'epos-impact-d1.hex', options: {}, hook: 'press' }],
];

function hook(device: ReplayDevice, how: HeadsetCase['hook'], offHook: boolean): void {
  if (how === 'level') device.set('hookSwitch', offHook ? 1 : 0);
  else device.click('hookSwitch');
}

function led(device: ReplayDevice, name: 'ringLed' | 'offHookLed' | 'muteLed'): number {
  return device.leds()[name] ?? 0;
}

async function muteShown(card: Locator): Promise<string | null> {
  return card.getByTestId('mute-button').getAttribute('aria-pressed');
}

describe.each(HEADSETS)('a call on a %s', (_name, headset) => {
  it('rings, answers on hook-off with audio both ways, mutes both ways, hangs up on hook-on', async () => {
    const { stack, peer } = ready();
    const { app } = stack;
    const device = transport.plug(headset.file, headset.options);
    try {
      await expect.poll(() => device.isOpen, { timeout: 3000 }).toBe(true);
      await expect.poll(() => device.written.length, { timeout: 3000 }).toBeGreaterThan(0);
      expect(led(device, 'ringLed')).toBe(0);
      await pause();

      // Incoming call: the Ring LED comes on.
      await peer.call('call', '1001');
      const card = app.getByTestId('call-card').filter({ has: app.getByTestId('answer-button') });
      await card.waitFor({ timeout: 5000 });
      await expect.poll(() => led(device, 'ringLed'), { timeout: 3000 }).toBe(1);

      // Hook-off answers: established in the UI, audio both ways, Off-Hook on and Ring off.
      hook(device, headset.hook, true);
      const live = app.locator('[data-testid="call-card"][data-state="established"]');
      await live.waitFor({ timeout: 5000 });
      await waitForAppAudio(app);
      await peer.waitForAudio();
      expect(await peer.call('sessionState')).toBe('Established');
      await expect.poll(() => led(device, 'offHookLed'), { timeout: 3000 }).toBe(1);
      expect(led(device, 'ringLed')).toBe(0);
      await pause();

      // The mute button mutes: the UI shows it, the microphone track stops, the Mute LED echoes it.
      device.click('phoneMute');
      await expect.poll(() => muteShown(live), { timeout: 3000 }).toBe('true');
      await expect.poll(async () => (await mediaStats(app))[0]?.micEnabled, { timeout: 3000 }).toBe(false);
      await expect.poll(() => led(device, 'muteLed'), { timeout: 3000 }).toBe(1);
      await pause();

      // Unmuting and muting in the UI moves the device's Mute LED.
      await live.getByTestId('mute-button').click();
      await expect.poll(() => muteShown(live), { timeout: 3000 }).toBe('false');
      await expect.poll(() => led(device, 'muteLed'), { timeout: 3000 }).toBe(0);
      await expect.poll(async () => (await mediaStats(app))[0]?.micEnabled, { timeout: 3000 }).toBe(true);
      await live.getByTestId('mute-button').click();
      await expect.poll(() => muteShown(live), { timeout: 3000 }).toBe('true');
      await expect.poll(() => led(device, 'muteLed'), { timeout: 3000 }).toBe(1);
      await pause();

      // Hook-on ends the call: the far end gets BYE, the UI says ended, the LEDs go out.
      hook(device, headset.hook, false);
      await expect.poll(() => peer.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
      await expect.poll(() => app.locator('[data-testid="call-card"][data-state="established"]').count(), { timeout: 5000 }).toBe(0);
      await expect.poll(() => led(device, 'offHookLed'), { timeout: 3000 }).toBe(0);
      expect(led(device, 'muteLed')).toBe(0);
      expect(led(device, 'ringLed')).toBe(0);
    } finally {
      transport.unplug(device);
    }
    // The ended call leaves the list before the next device's call comes in.
    await expect.poll(() => app.getByTestId('call-card').count(), { timeout: 10_000 }).toBe(0);
  });
});
