// Reports a device (or a broken driver) may send that make no sense: each is dropped with a log
// line, nothing is asked of the call side, nothing throws, and the device keeps working.
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, type Rig } from './call-desk.ts';
import { expectLeds } from './expect-leds.ts';

let rig: Rig;

afterEach(async () => {
  await rig.controller.stop();
});

describe('bad input reports', () => {
  it('wrong length, unknown report ID, empty and garbage are ignored with a log line', async () => {
    rig = makeRig();
    const device = rig.transport.plug('jabra-evolve-link-ms.hex');
    await rig.controller.start();
    rig.desk.incoming('c1');
    rig.clock.advance(1000);

    device.sendRaw(Uint8Array.of(0x02)); // report 2 without its 2 bytes
    device.sendRaw(Uint8Array.of(0x02, 0x01)); // one byte short, hook bit set
    device.sendRaw(new Uint8Array(0));
    device.sendRaw(Uint8Array.of(0x99, 0xff, 0xff)); // no such report
    device.sendRaw(Uint8Array.of(0x05, ...new Uint8Array(32).fill(0xa5))); // vendor report 5: not ours
    let seed = 7;
    for (let i = 0; i < 200; i++) {
      const length = (i % 5) + 1;
      const junk = new Uint8Array(length);
      for (let j = 0; j < length; j++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        junk[j] = seed & 0xff;
      }
      if (junk[0] === 0x02 || junk[0] === 0x04) junk[0] = 0x7e; // garbage, not a real press
      device.sendRaw(junk);
    }

    expect(rig.desk.requests).toEqual([]);
    const warns = rig.logger.lines.filter((l) => l.level === 'warn').map((l) => l.msg);
    expect(warns.some((m) => m.includes('too-short'))).toBe(true);
    expect(warns.some((m) => m.includes('(empty)'))).toBe(true);
    expect(rig.logger.lines.some((l) => l.level === 'debug' && l.msg.includes('unknown-report'))).toBe(true);
    expect(rig.logger.lines.some((l) => l.level === 'error')).toBe(false);

    // Still working.
    expectLeds(device, { ringLed: 1 });
    device.press('hookSwitch');
    expect(rig.desk.requests).toEqual(['answer c1']);
  });

  it('a report of the right ID with random bits never throws', async () => {
    rig = makeRig();
    const device = rig.transport.plug('plantronics-bt700.hex');
    rig.desk.ignore.add('redial');
    await rig.controller.start();
    let seed = 11;
    for (let i = 0; i < 300; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      device.sendRaw(Uint8Array.of(0x20, seed & 0xff));
      rig.clock.advance(200);
    }
    // No call: every press is refused or ignored; a redial from idle is the one thing allowed.
    expect(rig.desk.requests.every((r) => r === 'redial')).toBe(true);
    expect(rig.logger.lines.some((l) => l.level === 'error')).toBe(false);
  });
});
