// What the device page in settings relies on: the list of devices with what Hookswitch does with
// each, the user's choice of devices, live input, trying LEDs, and the support bundle.
import { afterEach, describe, expect, it } from 'vitest';
import type { HeadsetInputEvent, HeadsetView } from '../../../../preload/contract.ts';
import { HeadsetView as HeadsetViewSchema } from '../../../../preload/contract.ts';
import { AppError } from '../../../../main/core/errors.ts';
import { decodeDescriptorFile } from '../../../../main/core/hid/descriptor/descriptor-file.ts';
import type { SupportBundle } from '../../../../main/core/hid/support-bundle.ts';
import { RECORDED_REPORTS } from '../../../../main/core/hid/support-bundle.ts';
import { loadHidFixture } from '../../../support/hid-replay.ts';
import { makeRig, settle, type Rig } from './call-desk.ts';
import { ALL_OFF, expectLeds } from './expect-leds.ts';

let rig: Rig | undefined;
let announced: HeadsetView[][] = [];
let inputs: HeadsetInputEvent[] = [];

afterEach(async () => {
  await rig?.controller.stop();
  rig = undefined;
  announced = [];
  inputs = [];
});

function pageRig(settings = { enabled: true, ignored: [] as string[] }): Rig {
  rig = makeRig(
    {},
    {
      settings,
      about: { app: 'Hookswitch 0.0.0-test' },
      onDevicesChanged: (views) => announced.push(views),
      onInput: (event) => inputs.push(event),
    },
  );
  return rig;
}

function statuses(r: Rig): Record<string, string> {
  return Object.fromEntries(r.controller.views().map((v) => [v.key, v.status]));
}

describe('the device list', () => {
  it('shows headsets with what is done with them, and never keyboards or webcams', async () => {
    const r = pageRig();
    r.transport.plug('jabra-evolve-link-ms.hex');
    r.transport.plug('logitech-g535.hex');
    r.transport.plug('razer-kraken-kitty-v2.hex');
    // A webcam's vendor interfaces (MX Brio has telephony too: it stays) and a keyboard with media keys.
    const keyboard = loadHidFixture('jabra-evolve-link-ms.hex');
    r.transport.plug({
      ...keyboard,
      vendorId: 0x046d,
      productId: 0xc31c,
      product: 'Keyboard',
      // Generic Desktop Keyboard + Consumer Control: a keyboard, not a headset.
      descriptor: Uint8Array.from(Buffer.from('05010906a101050719e029e71500250175019508810295017508810305081901290591029501750391010507190029ff150026ff0095067508810005 0c0901a10185020a e2 00 1500 2501 7501 9501 8102 7507 8103 c0c0'.replace(/\s+/g, ''), 'hex')),
    }, { path: 'keyboard' });
    await r.controller.start();

    const views = r.controller.views();
    for (const v of views) expect(HeadsetViewSchema.safeParse(v).success).toBe(true);
    expect(statuses(r)).toEqual({ '0b0e:0307': 'in-use', '046d:0ac4': 'no-call-controls', '1532:0560': 'no-call-controls' });
    const jabra = views.find((v) => v.key === '0b0e:0307');
    expect(jabra?.inputs).toEqual(expect.arrayContaining(['hookSwitch', 'phoneMute']));
    expect(jabra?.outputs).toEqual(expect.arrayContaining(['offHookLed', 'muteLed', 'ringLed']));
    expect(jabra?.trying).toEqual([]);
    expect(announced.at(-1)).toEqual(views);
  });

  it('follows plugging and unplugging, and says so each time', async () => {
    const r = pageRig();
    await r.controller.start();
    expect(r.controller.views()).toEqual([]);
    const poly = r.transport.plug('plantronics-blackwire-c5220.hex');
    await settle();
    expect(announced.at(-1)?.map((v) => v.status)).toEqual(['in-use']);
    r.transport.unplug(poly);
    await settle();
    expect(announced.at(-1)).toEqual([]);
  });

  it('a device that cannot be opened says so, and is tried again when plugged back', async () => {
    const r = pageRig();
    const epos = r.transport.plug('epos-impact-d1.hex');
    const open = r.transport.open.bind(r.transport);
    r.transport.open = () => Promise.reject(new Error('EACCES'));
    await r.controller.start();
    expect(statuses(r)).toEqual({ '1395:009c': 'open-failed' });
    r.transport.open = open;
    r.transport.announce(epos);
    await settle();
    expect(statuses(r)).toEqual({ '1395:009c': 'in-use' });
    expect(epos.isOpen).toBe(true);
  });
});

describe('choosing devices', () => {
  it('a device switched off is darkened and closed; switched on, it shows the call at once', async () => {
    const r = pageRig();
    const jabra = r.transport.plug('jabra-evolve-link-ms.hex');
    const poly = r.transport.plug('plantronics-blackwire-c5220.hex');
    await r.controller.start();
    r.desk.incoming('c1');
    expectLeds(jabra, { ringLed: 1 });
    expectLeds(poly, { ringLed: 1 });

    await r.controller.configure({ enabled: true, ignored: ['0b0e:0307'] });
    expect(jabra.isOpen).toBe(false);
    expectLeds(jabra, ALL_OFF);
    expect(statuses(r)['0b0e:0307']).toBe('switched-off');
    // Its buttons no longer answer anything (it is closed); the other device still does.
    expectLeds(poly, { ringLed: 1 });

    await r.controller.configure({ enabled: true, ignored: [] });
    expect(jabra.isOpen).toBe(true);
    expectLeds(jabra, { ringLed: 1 });
    expect(statuses(r)['0b0e:0307']).toBe('in-use');
  });

  it('switched off altogether, nothing is opened, not even a device plugged in later', async () => {
    const r = pageRig({ enabled: false, ignored: [] });
    const jabra = r.transport.plug('jabra-evolve-link-ms.hex');
    await r.controller.start();
    expect(jabra.isOpen).toBe(false);
    const poly = r.transport.plug('plantronics-blackwire-c5220.hex');
    await settle();
    expect(poly.isOpen).toBe(false);
    expect(new Set(Object.values(statuses(r)))).toEqual(new Set(['disabled']));
    await r.controller.configure({ enabled: true, ignored: [] });
    expect(jabra.isOpen && poly.isOpen).toBe(true);
  });
});

describe('live input', () => {
  it('every telephony report is shown, echoes and repeats included', async () => {
    const r = pageRig();
    const poly = r.transport.plug('plantronics-blackwire-c5220.hex');
    await r.controller.start();
    poly.press('phoneMute');
    poly.release('phoneMute');
    poly.set('hookSwitch', 1);
    const mute = inputs.map((e) => e.values.find((v) => v.name === 'phoneMute')?.value);
    expect(mute.slice(0, 2)).toEqual([1, 0]);
    expect(inputs.at(-1)?.values.find((v) => v.name === 'hookSwitch')?.value).toBe(1);
    for (const e of inputs) expect(e.id).toBe(poly.info.path);
  });
});

describe('trying LEDs', () => {
  it('lights exactly what is tried, gives the LEDs back when asked or when a call comes', async () => {
    const r = pageRig();
    const jabra = r.transport.plug('jabra-evolve-link-ms.hex');
    await r.controller.start();
    const id = jabra.info.path;

    await r.controller.tryOutputs(id, ['muteLed', 'ringLed']);
    expectLeds(jabra, { muteLed: 1, ringLed: 1, offHookLed: 0 });
    expect(r.controller.views()[0]?.trying.sort()).toEqual(['muteLed', 'ringLed']);

    await r.controller.tryOutputs(id, []);
    expectLeds(jabra, ALL_OFF);

    await r.controller.tryOutputs(id, ['offHookLed']);
    expectLeds(jabra, { offHookLed: 1 });
    r.desk.incoming('c1');
    expectLeds(jabra, { ringLed: 1, offHookLed: 0 });
    expect(r.controller.views()[0]?.trying).toEqual([]);
    expect(announced.at(-1)?.[0]?.trying).toEqual([]);
  });

  it('the renderer that lit them going away gives the LEDs back; another one does not', async () => {
    const r = pageRig();
    const poly = r.transport.plug('plantronics-blackwire-c5220.hex');
    await r.controller.start();
    await r.controller.tryOutputs(poly.info.path, ['muteLed'], 'window-1');
    r.controller.senderGone('tab-2');
    expectLeds(poly, { muteLed: 1 });
    r.controller.senderGone('window-1');
    await settle();
    expectLeds(poly, ALL_OFF);
    expect(r.controller.views()[0]?.trying).toEqual([]);
  });

  it('an unknown or closed device is refused with no-such-device', async () => {
    const r = pageRig();
    const g535 = r.transport.plug('logitech-g535.hex');
    await r.controller.start();
    await expect(r.controller.tryOutputs('/dev/nothing', ['ringLed'])).rejects.toBeInstanceOf(AppError);
    await expect(r.controller.tryOutputs(g535.info.path, ['ringLed'])).rejects.toMatchObject({ code: 'no-such-device' });
  });
});

describe('the support bundle', () => {
  it('has the descriptor as the fixtures write it, the layout and the last reports, and nothing personal', async () => {
    const r = pageRig();
    const fixture = loadHidFixture('jabra-evolve-link-ms.hex');
    const jabra = r.transport.plug(fixture, { path: '/dev/hidraw-secret-path' });
    await r.controller.start();
    r.desk.incoming('c1');
    r.clock.advance(1000);
    jabra.set('hookSwitch', 1);
    await settle();

    const { fileName, json } = r.controller.supportBundle(jabra.info.path);
    expect(fileName).toMatch(/^hookswitch-headset-0b0e-0307-\d{8}-\d{6}\.json$/);
    const bundle = JSON.parse(json) as SupportBundle;
    expect(bundle.format).toBe('hookswitch-headset-support');
    expect(bundle.device).toMatchObject({ vendorId: '0b0e', productId: '0307', status: 'in-use' });
    // `npm run hid -- describe` reads the hex back to the same bytes.
    expect(decodeDescriptorFile(new TextEncoder().encode(bundle.descriptor.hex))).toEqual(fixture.descriptor);
    expect(bundle.layout?.telephony).toBe(true);
    expect(bundle.events.some((e) => e.direction === 'input' && e.values?.hookSwitch === 1)).toBe(true);
    expect(bundle.events.some((e) => e.direction === 'output' && e.values?.offHookLed === 1)).toBe(true);
    expect(bundle.leds.offHookLed).toBe(1);
    // No path, no caller: the call's number and the OS path appear nowhere.
    expect(json).not.toContain('hidraw-secret-path');
    expect(json).not.toContain('c1@example.test');
    expect(json).not.toContain('sip:');
  });

  it('keeps only the last reports, and works for a device that is not used', async () => {
    const r = pageRig();
    const poly = r.transport.plug('plantronics-blackwire-c5220.hex');
    const g535 = r.transport.plug('logitech-g535.hex');
    await r.controller.start();
    for (let i = 0; i < 200; i++) {
      poly.set('hookSwitch', i % 2);
      r.clock.advance(1000);
    }
    const bundle = JSON.parse(r.controller.supportBundle(poly.info.path).json) as SupportBundle;
    expect(bundle.events.length).toBe(RECORDED_REPORTS);
    const gaming = JSON.parse(r.controller.supportBundle(g535.info.path).json) as SupportBundle;
    expect(gaming.device.status).toBe('no-call-controls');
    expect(gaming.layout).toBeNull();
    expect(gaming.descriptor.length).toBeGreaterThan(0);
    expect(() => r.controller.supportBundle('/dev/nothing')).toThrow(AppError);
  });
});
