// Several devices at once, hot-plug, resume, and what is not a telephony device: a headset and a
// desk phone show the same call, a device plugged in mid-call lights up at once, a removed one is
// forgotten, and after resume every LED is sent again.
import { afterEach, describe, expect, it } from 'vitest';
import { loadHidFixture } from '../../../support/hid-replay.ts';
import { makeRig, settle, type Rig } from './call-desk.ts';
import { ALL_OFF, expectLeds } from './expect-leds.ts';

let rig: Rig;

afterEach(async () => {
  await rig.controller.stop();
});

function later(ms = 1000): void {
  rig.clock.advance(ms);
}

describe('a headset and a desk phone together', () => {
  it('an action on one shows on both', async () => {
    rig = makeRig();
    const headset = rig.transport.plug('jabra-evolve-link-ms.hex');
    const phone = rig.transport.plug('plantronics-blackwire-c5220.hex');
    const base = rig.transport.plug('epos-impact-d1.hex');
    await rig.controller.start();
    expect(rig.controller.devices()).toHaveLength(3);

    rig.desk.incoming('c1');
    for (const d of [headset, phone, base]) expectLeds(d, { ringLed: 1, offHookLed: 0 });
    later();

    headset.press('hookSwitch');
    expect(rig.desk.requests).toEqual(['answer c1']);
    for (const d of [headset, phone, base]) expectLeds(d, { ringLed: 0, offHookLed: 1 });
    await settle();
    later();

    phone.press('hookSwitch'); // the desk phone follows our Off-Hook: nothing to do
    phone.click('phoneMute');
    expect(rig.desk.requests).toEqual(['answer c1', 'setMuted c1 true']);
    for (const d of [headset, phone, base]) expectLeds(d, { muteLed: 1, offHookLed: 1 });
    await settle();
    later();

    base.press('hookSwitch'); // momentary: a press on the DECT base hangs up
    expect(rig.desk.requests.at(-1)).toBe('hangup c1');
    for (const d of [headset, phone, base]) expectLeds(d, ALL_OFF);
  });

  it('a mute press on a device that did not follow our Off-Hook does not hang up', async () => {
    rig = makeRig();
    const headset = rig.transport.plug('jabra-biz-2400-ii.hex');
    const phone = rig.transport.plug('dell-sp325.hex');
    await rig.controller.start();
    rig.desk.incoming('c1');
    later();
    headset.press('hookSwitch');
    await settle();
    later();
    // The Dell still reports Hook=0 in its shared report 5, next to the mute press.
    phone.click('phoneMute');
    expect(rig.desk.requests).toEqual(['answer c1', 'setMuted c1 true']);
    await settle();
    expectLeds(phone, { offHookLed: 1, muteLed: 1 });
    // A report about the hook alone is a hang-up, even from a device that never said off-hook.
    later();
    phone.repeat('hookSwitch');
    expect(rig.desk.requests.at(-1)).toBe('hangup c1');
  });
});

describe('hot-plug and resume', () => {
  it('a device plugged in mid-call is opened and shows the call at once', async () => {
    rig = makeRig();
    await rig.controller.start();
    rig.desk.incoming('c1');
    const device = rig.transport.plug('epos-impact-dw-d.hex');
    await settle();
    expect(device.isOpen).toBe(true);
    expectLeds(device, { ringLed: 1, ringer: 1, offHookLed: 0 });
    later();
    device.press('hookSwitch');
    expect(rig.desk.requests).toEqual(['answer c1']);
  });

  it('a removed device is closed and forgotten; plugged back, it gets the LEDs again', async () => {
    rig = makeRig();
    const device = rig.transport.plug('plantronics-bt700.hex', { path: '/dev/hidraw7' });
    await rig.controller.start();
    rig.desk.incoming('c1');
    rig.desk.update('c1', { state: 'established' });
    rig.transport.unplug(device);
    await settle();
    expect(device.isOpen).toBe(false);
    expect(rig.controller.devices()).toEqual([]);
    rig.desk.update('c1', { muted: true }); // nothing to write to, nothing fails
    expect(rig.logger.lines.filter((l) => l.level === 'warn')).toEqual([]);

    const again = rig.transport.plug('plantronics-bt700.hex', { path: '/dev/hidraw7' });
    await settle();
    expect(again.isOpen).toBe(true);
    expectLeds(again, { offHookLed: 1, muteLed: 1, ringLed: 0, holdLed: 0 });
  });

  it('resync() after resume resends every LED and picks up devices that came unannounced', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-speak-810.hex');
    await rig.controller.start();
    rig.desk.incoming('c1');
    rig.desk.update('c1', { state: 'established' });
    device.clearWrites();
    const quiet = rig.transport.plug('sennheiser-sc660-anc-usb.hex', { announce: false });
    await rig.controller.resync();
    expect(device.writes().length).toBeGreaterThan(0);
    expectLeds(device, { offHookLed: 1, ringLed: 0 });
    expect(quiet.isOpen).toBe(true);
    expectLeds(quiet, { offHookLed: 1, ringLed: 0 });
  });

  it('a read error closes the device; its arrival opens it again', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-evolve-link-ms.hex');
    await rig.controller.start();
    device.handlers?.onError(new Error('device disconnected'));
    await settle();
    expect(device.isOpen).toBe(false);
    expect(rig.logger.lines.some((l) => l.level === 'warn' && l.msg.includes('read failed'))).toBe(true);
    rig.desk.incoming('c1');
    rig.transport.announce(device);
    await settle();
    expect(device.isOpen).toBe(true);
    expectLeds(device, { ringLed: 1 });
  });

  it('a failing write is logged, not thrown', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-evolve-link-ms.hex');
    await rig.controller.start();
    device.failWrites = true;
    rig.desk.incoming('c1');
    await settle();
    expect(rig.logger.lines.some((l) => l.level === 'warn' && l.msg.includes('writing report 2 failed'))).toBe(true);
  });

  it('stop() turns every LED off and closes', async () => {
    rig = makeRig();
    const device = rig.transport.plug('epos-impact-dw-d.hex');
    await rig.controller.start();
    rig.desk.incoming('c1');
    await rig.controller.stop();
    expectLeds(device, ALL_OFF);
    expect(device.isOpen).toBe(false);
  });
});

describe('which devices are opened', () => {
  it('each path once, even when the OS lists it once per collection', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-evolve-link-ms.hex');
    rig.transport.extraEntries.push(
      { ...device.info, usagePage: 0xff00, usage: 0x05 },
      { ...device.info, usagePage: 0x0c, usage: 0x01 },
    );
    await rig.controller.start();
    expect(device.openCount).toBe(1);
    expect(rig.controller.devices()).toHaveLength(1);
  });

  it('not a gaming headset without telephony, nor an empty telephony collection', async () => {
    rig = makeRig();
    const g535 = rig.transport.plug('logitech-g535.hex');
    const razer = rig.transport.plug('razer-kraken-kitty-v2.hex');
    await rig.controller.start();
    expect(g535.isOpen).toBe(false);
    expect(razer.isOpen).toBe(false);
  });

  it('an unreadable descriptor is logged and skipped; a missing one too', async () => {
    rig = makeRig();
    const jabra = loadHidFixture('jabra-evolve-link-ms.hex');
    const broken = rig.transport.plug({ ...jabra, descriptor: jabra.descriptor.subarray(0, 7) });
    const none = rig.transport.plug({ ...jabra, descriptor: new Uint8Array(0) });
    await rig.controller.start();
    expect(broken.isOpen).toBe(false);
    expect(none.isOpen).toBe(false);
    expect(rig.logger.lines.some((l) => l.level === 'warn' && l.msg.includes('unreadable report descriptor'))).toBe(true);
  });
});
