// The whole call on the headset, for real Jabra, Poly, EPOS, Sennheiser, Yealink and Dell layouts:
// it rings, the hook switch answers, mute mutes and lights, hold keeps the line, hook-on hangs up;
// and what the app does (mute, hang up) shows on the device too.
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, settle, type Rig } from './call-desk.ts';
import { ALL_OFF, expectLeds, hasInput, hasOutput } from './expect-leds.ts';

const TOGGLE_SWITCH_HOOK = [
  'jabra-evolve-link-ms.hex',
  'jabra-biz-2400-ii.hex',
  'jabra-speak-810.hex',
  'yealink-wh66.hex',
  'plantronics-bt700.hex',
  'plantronics-voyager-base-cd.hex',
  'plantronics-blackwire-c5220.hex',
  'epos-impact-dw-d.hex',
  'sennheiser-sc660-anc-usb.hex',
  'dell-sp325.hex',
];

let rig: Rig;

afterEach(async () => {
  await rig.controller.stop();
});

/** A second of user time between gestures, well outside the echo and duplicate windows. */
function later(): void {
  rig.clock.advance(1000);
}

describe.each(TOGGLE_SWITCH_HOOK)('a call on %s', (file) => {
  it('rings, answers on hook-off, mutes, holds, hangs up on hook-on', async () => {
    rig = makeRig();
    const device = rig.transport.plug(file);
    await rig.controller.start();
    expect(device.isOpen).toBe(true);
    expectLeds(device, ALL_OFF);

    rig.desk.incoming('c1');
    expectLeds(device, { ringLed: 1, ringer: 1, offHookLed: 0 });
    later();

    device.press('hookSwitch');
    expect(rig.desk.requests).toEqual(['answer c1']);
    // Acknowledged at once, before the call side has confirmed anything.
    expectLeds(device, { offHookLed: 1, onLineLed: 1, ringLed: 0, ringer: 0, muteLed: 0 });
    await settle();
    expect(rig.desk.calls[0]?.state).toBe('established');
    expectLeds(device, { offHookLed: 1, ringLed: 0, ringer: 0 });
    later();

    device.click('phoneMute');
    expect(rig.desk.requests.at(-1)).toBe('setMuted c1 true');
    expectLeds(device, { muteLed: 1, microphoneLed: 1, offHookLed: 1 });
    await settle();
    expect(rig.desk.calls[0]?.muted).toBe(true);
    later();

    device.click('phoneMute');
    expect(rig.desk.requests.at(-1)).toBe('setMuted c1 false');
    await settle();
    expectLeds(device, { muteLed: 0, microphoneLed: 0, offHookLed: 1 });
    later();

    // Hold from the app: Hold on, Off-Hook stays on (clearing it ends the call on Jabra).
    rig.desk.update('c1', { held: true });
    expectLeds(device, { holdLed: 1, offHookLed: 1 });
    later();
    if (hasInput(device, 'flash')) {
      device.click('flash');
      expect(rig.desk.requests.at(-1)).toBe('hold c1 false');
      await settle();
      expectLeds(device, { holdLed: 0, offHookLed: 1 });
      later();
    } else {
      rig.desk.update('c1', { held: false });
    }

    device.release('hookSwitch');
    expect(rig.desk.requests.at(-1)).toBe('hangup c1');
    expectLeds(device, ALL_OFF);
    await settle();
    expect(rig.desk.calls[0]?.state).toBe('ended');
    expectLeds(device, ALL_OFF);
    expect(rig.logger.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('rejects a ringing call with the reject or drop button', async () => {
    rig = makeRig();
    const device = rig.transport.plug(file);
    await rig.controller.start();
    rig.desk.incoming('c2');
    later();
    const button = hasInput(device, 'reject') ? 'reject' : 'drop';
    device.click(button);
    expect(rig.desk.requests).toEqual(['reject c2']);
    expectLeds(device, ALL_OFF);
    await settle();
    expect(rig.desk.calls[0]?.state).toBe('ended');
  });

  it('ignores mute while on-hook and tells the device again that nothing is muted', async () => {
    rig = makeRig();
    const device = rig.transport.plug(file);
    await rig.controller.start();
    const before = device.written.length;
    device.click('phoneMute');
    expect(rig.desk.requests).toEqual([]);
    if (hasOutput(device, 'muteLed')) expect(device.written.length).toBeGreaterThan(before);
    expectLeds(device, ALL_OFF);

    // Ringing is not off-hook either.
    rig.desk.incoming('c3');
    later();
    device.click('phoneMute');
    expect(rig.desk.requests).toEqual([]);
    expectLeds(device, { muteLed: 0, ringLed: 1 });
  });

  it('follows the app: answer, mute and hang-up in the app move the LEDs', async () => {
    rig = makeRig();
    const device = rig.transport.plug(file);
    await rig.controller.start();
    rig.desk.incoming('c4');
    rig.desk.update('c4', { state: 'established' });
    expectLeds(device, { offHookLed: 1, ringLed: 0 });
    rig.desk.update('c4', { muted: true });
    expectLeds(device, { offHookLed: 1, muteLed: 1 });
    rig.desk.update('c4', { state: 'ended' });
    expectLeds(device, ALL_OFF);
    expect(rig.desk.requests).toEqual([]);
  });

  it('goes off-hook for an outgoing call and hook-on cancels it', async () => {
    rig = makeRig();
    const device = rig.transport.plug(file);
    await rig.controller.start();
    rig.desk.outgoing('o1');
    expectLeds(device, { offHookLed: 1, ringLed: 0 });
    later();
    // The device follows our Off-Hook; the user then puts it back on-hook.
    device.press('hookSwitch');
    expect(rig.desk.requests).toEqual([]);
    later();
    device.release('hookSwitch');
    expect(rig.desk.requests).toEqual(['hangup o1']);
    expectLeds(device, ALL_OFF);
  });

  it('redials from idle', async () => {
    rig = makeRig();
    const device = rig.transport.plug(file);
    if (!hasInput(device, 'redial')) return;
    await rig.controller.start();
    device.click('redial');
    expect(rig.desk.requests).toEqual(['redial']);
    await settle();
    expectLeds(device, { offHookLed: 1 });
  });
});
