// Vendor quirks and the request/acknowledge protocol (NOTES.md §0, §2, §5): Jabra's GN vendor
// channel, EPOS's momentary hook switch, hold that must keep Off-Hook, a boom arm that keeps
// sending mute, echoes of our own writes, Jabra's repeat 2 s later, duplicates and bounces.
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

async function established(file: string, options: Parameters<Rig['transport']['plug']>[1] = {}) {
  rig = makeRig();
  const device = rig.transport.plug(file, options);
  await rig.controller.start();
  rig.desk.incoming('c1');
  rig.desk.update('c1', { state: 'established' });
  later();
  return device;
}

describe('Jabra GN vendor channel (report 4 on 0xFF30)', () => {
  it('answers, mutes and hangs up from report 4 and acknowledges on report 4 too', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-evolve-link-ms.hex');
    await rig.controller.start();
    rig.desk.incoming('c1');
    // Nothing goes to the vendor collection of a device that has not used it.
    expect(device.writes({ vendor: true })).toEqual([]);
    later();

    device.press('hookSwitch', { vendor: true });
    expect(rig.desk.requests).toEqual(['answer c1']);
    expectLeds(device, { offHookLed: 1, ringLed: 0, ringer: 0 }, true);
    expectLeds(device, { offHookLed: 1, ringLed: 0, ringer: 0 });
    expect(device.writes({ vendor: true }).at(-1)?.reportId).toBe(4);
    await settle();
    later();

    device.click('phoneMute', { vendor: true });
    expect(rig.desk.requests.at(-1)).toBe('setMuted c1 true');
    expectLeds(device, { muteLed: 1, microphoneLed: 1, offHookLed: 1 }, true);
    await settle();
    later();

    device.release('hookSwitch', { vendor: true });
    expect(rig.desk.requests.at(-1)).toBe('hangup c1');
    expectLeds(device, ALL_OFF, true);
    expect(rig.controller.devices()[0]?.vendorChannel).toBe(true);
  });

  it('rejects with GN_REJECT_CALL (0xFF30:0xFFFD)', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-evolve-link-ms.hex');
    await rig.controller.start();
    rig.desk.incoming('c1');
    later();
    device.click('reject', { vendor: true });
    expect(rig.desk.requests).toEqual(['reject c1']);
    expectLeds(device, ALL_OFF, true);
  });

  it('one press mirrored on report 2 and report 4 toggles mute once', async () => {
    const device = await established('jabra-evolve-link-ms.hex');
    device.press('phoneMute');
    device.press('phoneMute', { vendor: true });
    device.release('phoneMute');
    device.release('phoneMute', { vendor: true });
    expect(rig.desk.requests).toEqual(['setMuted c1 true']);
  });

  it('is followed only on Jabra (and its Yealink clone): another vendor’s 0xFF30 means nothing', async () => {
    rig = makeRig();
    const jabra = loadHidFixture('jabra-evolve-link-ms.hex');
    const device = rig.transport.plug({ ...jabra, vendorId: 0x1234, product: 'Not a Jabra' });
    await rig.controller.start();
    rig.desk.incoming('c1');
    later();
    device.press('hookSwitch', { vendor: true });
    expect(rig.desk.requests).toEqual([]);
    expect(device.writes({ vendor: true })).toEqual([]);
    expect(rig.logger.lines.some((l) => l.level === 'debug' && l.msg.includes('unknown-report'))).toBe(true);
  });
});

describe('EPOS IMPACT D1: momentary hook switch', () => {
  it('a press toggles the hook: answers, and the next press hangs up; releases do nothing', async () => {
    rig = makeRig();
    const device = rig.transport.plug('epos-impact-d1.hex');
    await rig.controller.start();
    expect(device.layout.reports.flatMap((r) => r.controls).find((c) => c.name === 'hookSwitch')?.type).toBe('momentary');
    rig.desk.incoming('c1');
    later();
    device.press('hookSwitch');
    expect(rig.desk.requests).toEqual(['answer c1']);
    expectLeds(device, { offHookLed: 1, ringLed: 0 });
    later();
    device.release('hookSwitch');
    expect(rig.desk.requests).toEqual(['answer c1']);
    await settle();
    later();

    device.click('phoneMute');
    expect(rig.desk.requests.at(-1)).toBe('setMuted c1 true');
    await settle();
    later();

    device.press('hookSwitch');
    expect(rig.desk.requests.at(-1)).toBe('hangup c1');
    expectLeds(device, ALL_OFF);
    later();
    device.release('hookSwitch');
    expect(rig.desk.requests).toEqual(['answer c1', 'setMuted c1 true', 'hangup c1']);
  });

  it('an echoed hook press right after we go off-hook is not a hang-up', async () => {
    rig = makeRig();
    const device = rig.transport.plug('epos-impact-d1.hex', { acknowledgeOffHook: true, acknowledgeDelayMs: 30 });
    await rig.controller.start();
    rig.desk.incoming('c1');
    rig.desk.update('c1', { state: 'established' }); // answered in the app
    later(100); // the device echoes Hook=1 30 ms after our Off-Hook
    expect(rig.desk.requests).toEqual([]);
    expectLeds(device, { offHookLed: 1 });
    later();
    device.release('hookSwitch');
    later();
    device.press('hookSwitch'); // a real press, well after the echo
    expect(rig.desk.requests).toEqual(['hangup c1']);
  });
});

describe('hold keeps Off-Hook', () => {
  it('flash on a single call holds it: Hold and Off-Hook are written in the same report', async () => {
    const device = await established('jabra-evolve-link-ms.hex');
    device.clearWrites();
    device.click('flash');
    expect(rig.desk.requests).toEqual(['hold c1 true']);
    const last = device.writes().at(-1);
    expect(last?.values).toMatchObject({ holdLed: 1, offHookLed: 1, ringLed: 0 });
    await settle();
    // The Jabra's hook switch still says off-hook: nothing ends.
    device.repeat('hookSwitch');
    later();
    expect(rig.desk.requests).toEqual(['hold c1 true']);
    expectLeds(device, { holdLed: 1, offHookLed: 1 });
  });

  it('flash with two lines asks the call side to swap', async () => {
    const device = await established('plantronics-bt700.hex');
    rig.desk.incoming('c2');
    rig.desk.update('c1', { held: true });
    rig.desk.update('c2', { state: 'established' });
    expectLeds(device, { offHookLed: 1, holdLed: 0, ringLed: 0 });
    later();
    device.click('flash');
    expect(rig.desk.requests).toEqual(['swapOrHold']);
    await settle();
    // c2 is held now, c1 active again.
    expect(rig.desk.calls.map((c) => c.held)).toEqual([false, true]);
    expectLeds(device, { offHookLed: 1, holdLed: 0 });
  });

  it('hook-on with only a held call hangs that call up', async () => {
    const device = await established('epos-impact-dw-d.hex');
    rig.desk.update('c1', { held: true });
    device.press('hookSwitch'); // the device follows our Off-Hook...
    later();
    device.release('hookSwitch'); // ...then the user hangs up
    expect(rig.desk.requests).toEqual(['hangup c1']);
  });
});

describe('a boom arm that keeps sending mute', () => {
  it('mutes once, never toggles on the repeats, and keeps the call muted when the app unmutes', async () => {
    const device = await established('sennheiser-sc660-anc-usb.hex');
    device.press('phoneMute'); // boom arm up: mute=1 and it stays 1
    expect(rig.desk.requests).toEqual(['setMuted c1 true']);
    await settle();
    for (let i = 0; i < 3; i++) {
      later();
      device.repeat('phoneMute');
    }
    expect(rig.desk.requests).toEqual(['setMuted c1 true']);
    expectLeds(device, { muteLed: 1, offHookLed: 1 });

    rig.desk.update('c1', { muted: false }); // unmuted in the app
    expectLeds(device, { muteLed: 0 });
    later();
    device.repeat('phoneMute'); // the arm is still up
    expect(rig.desk.requests).toEqual(['setMuted c1 true', 'setMuted c1 true']);
    expectLeds(device, { muteLed: 1 });
    await settle();
    expect(rig.desk.calls[0]?.muted).toBe(true);

    later();
    device.release('phoneMute'); // arm down: the release alone changes nothing
    later();
    device.click('phoneMute'); // a real press unmutes
    expect(rig.desk.requests.at(-1)).toBe('setMuted c1 false');
  });
});

describe('echoes, repeats and duplicates', () => {
  it('Jabra acknowledging our Off-Hook and on-hook writes is not a user action', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-evolve-link-ms.hex', { acknowledgeOffHook: true });
    await rig.controller.start();
    rig.desk.incoming('c1');
    rig.desk.update('c1', { state: 'established' });
    later(100);
    rig.desk.update('c1', { state: 'ended' });
    later(100);
    rig.desk.outgoing('o1');
    later(100);
    expect(rig.desk.requests).toEqual([]);
    expectLeds(device, { offHookLed: 1 });
  });

  it('a hook report that crossed our Off-Hook write on the wire does not hang up', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-biz-2400-ii.hex');
    await rig.controller.start();
    rig.desk.incoming('c1');
    rig.desk.update('c1', { state: 'established' });
    later(10);
    device.repeat('hookSwitch'); // still says on-hook: sent before it saw our write
    expect(rig.desk.requests).toEqual([]);
    // If the user really meant it, the device says it again later, and then it counts.
    later(1000);
    device.repeat('hookSwitch');
    expect(rig.desk.requests).toEqual(['hangup c1']);
  });

  it("Jabra's second report ~2 s later does not answer twice or hang up", async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-evolve-link-ms.hex');
    await rig.controller.start();
    rig.desk.incoming('c1');
    later();
    device.press('hookSwitch');
    await settle();
    later(2000);
    device.repeat('hookSwitch');
    later(2000);
    device.repeat('hookSwitch');
    expect(rig.desk.requests).toEqual(['answer c1']);
    expectLeds(device, { offHookLed: 1, ringLed: 0 });

    // Mute: the request repeated without a release is not a second toggle.
    later();
    device.press('phoneMute');
    await settle();
    later(2000);
    device.repeat('phoneMute');
    expect(rig.desk.requests).toEqual(['answer c1', 'setMuted c1 true']);
  });

  it('identical reports close together count once; a bouncing mute button toggles once', async () => {
    const device = await established('plantronics-blackwire-c5220.hex');
    device.press('phoneMute');
    later(20);
    device.repeat('phoneMute');
    later(20);
    device.release('phoneMute');
    later(20);
    device.press('phoneMute'); // contact bounce
    later(20);
    device.release('phoneMute');
    expect(rig.desk.requests).toEqual(['setMuted c1 true']);
    expect(rig.logger.lines.some((l) => l.msg.includes('duplicate report'))).toBe(true);
  });
});

describe('when the call side does not follow', () => {
  it('a refused answer puts the ring back', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-evolve-link-ms.hex');
    await rig.controller.start();
    rig.desk.refuse.add('answer');
    rig.desk.incoming('c1');
    later();
    device.press('hookSwitch');
    expectLeds(device, { offHookLed: 1, ringLed: 0 });
    await settle();
    expectLeds(device, { offHookLed: 0, ringLed: 1 });
    expect(rig.logger.lines.some((l) => l.level === 'warn' && l.msg.includes('answer failed'))).toBe(true);
  });

  it('a request never confirmed is dropped after a while', async () => {
    const device = await established('epos-impact-dw-d.hex');
    rig.desk.ignore.add('setMuted');
    device.click('phoneMute');
    expectLeds(device, { muteLed: 1 });
    await settle();
    later(5000);
    expectLeds(device, { muteLed: 0, offHookLed: 1 });
  });
});

describe('a mute switch (Abs, NoPref: the value is the state)', () => {
  // Google's Atrus speakermic reports Phone Mute as a level (NOTES.md §5); no fixture has one, so
  // this descriptor is written out: report 1 in: Hook Switch, Phone Mute (both Abs NoPref);
  // report 2 out: LED Off-Hook, LED Mute.
  const descriptor = Uint8Array.from([
    0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0x85, 0x01, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01,
    0x09, 0x20, 0x81, 0x22, 0x09, 0x2f, 0x81, 0x22, 0x95, 0x06, 0x81, 0x03, 0x85, 0x02, 0x05, 0x08,
    0x09, 0x17, 0x09, 0x09, 0x95, 0x02, 0x91, 0x22, 0x95, 0x06, 0x91, 0x03, 0xc0,
  ]);

  it('mutes while it says 1 and unmutes when it says 0', async () => {
    rig = makeRig();
    const device = rig.transport.plug({ file: 'hand-written', product: 'Mute switch', vendorId: 0x18d1, productId: 0x8001, descriptor });
    expect(device.layout.reports.flatMap((r) => r.controls).find((c) => c.name === 'phoneMute')?.type).toBe('toggleSwitch');
    await rig.controller.start();
    rig.desk.incoming('c1');
    rig.desk.update('c1', { state: 'established' });
    later();
    device.press('hookSwitch'); // follows our Off-Hook
    later();
    device.press('phoneMute');
    expect(rig.desk.requests).toEqual(['setMuted c1 true']);
    await settle();
    later();
    device.repeat('phoneMute'); // still muted: nothing to do
    expect(rig.desk.requests).toEqual(['setMuted c1 true']);
    device.release('phoneMute');
    expect(rig.desk.requests).toEqual(['setMuted c1 true', 'setMuted c1 false']);
    await settle();
    expectLeds(device, { muteLed: 0, offHookLed: 1 });
  });
});

describe('Yealink WH66: the GN channel clone', () => {
  it('answers from report 4 as Genesys drives it', async () => {
    rig = makeRig();
    const device = rig.transport.plug('yealink-wh66.hex');
    await rig.controller.start();
    rig.desk.incoming('c1');
    later();
    device.press('hookSwitch', { vendor: true });
    expect(rig.desk.requests).toEqual(['answer c1']);
    expectLeds(device, { offHookLed: 1, ringLed: 0 }, true);
  });
});
