// A headset wired into createCore: a replay Jabra (real descriptor) as the core's HID transport,
// a scripted SIP server as PBX and far end. The device's gestures reach the call service, the
// call list reaches the device's LEDs, and start/stop/resume open, close and refresh it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, Settings } from '../../../preload/contract.ts';
import { systemClock } from '../../../main/core/ports.ts';
import { ReplayTransport, type ReplayDevice } from '../../support/hid-replay.ts';
import { FIXED_SDP, settingsWith, sleep } from './support/fakes.ts';
import { FakeSipServer, cseqOf, header } from './support/fake-sip-server.ts';
import type { SipMessage } from './support/fake-sip-server.ts';
import { makeCore } from './support/core-harness.ts';
import type { Harness } from './support/core-harness.ts';

const sender = { id: 'renderer-1' };
const FAR_CONTACT = '<sip:2002@127.0.0.1;transport=ws>';
let server: FakeSipServer;
let transport: ReplayTransport;
let h: Harness;

function account(): Settings {
  return settingsWith({ wsUrl: server.url, sipUri: 'sip:1001@127.0.0.1' });
}

async function ready(): Promise<void> {
  h = makeCore({ settings: account(), hidTransport: transport });
  await h.core.start();
  await h.events.untilAccount('registered');
  await h.media.ready();
}

function calls(): Call[] {
  return h.core.getState().calls;
}

function leds(device: ReplayDevice): Record<string, number> {
  return { ring: device.leds().ringLed ?? 0, offHook: device.leds().offHookLed ?? 0, mute: device.leds().muteLed ?? 0, hold: device.leds().holdLed ?? 0 };
}

/** Outside the controller's echo and duplicate windows, so the next gesture counts. */
function gap(): Promise<void> {
  return sleep(550);
}

/** The far end: answers a new INVITE at once, accepts re-INVITEs with a matching answer. */
function answeringFarEnd(): void {
  server.onRequest = (req, s) => {
    const inDialog = /;tag=/.test(header(req, 'to') ?? '');
    if (req.method === 'INVITE' && !inDialog) {
      s.reply(req, 100, 'Trying');
      s.reply(req, 200, 'OK', { toTag: 'far', contact: FAR_CONTACT, body: FIXED_SDP });
    } else if (req.method === 'INVITE') {
      const direction = /a=sendonly/.test(req.body) ? 'a=recvonly' : 'a=sendrecv';
      s.reply(req, 200, 'OK', { contact: FAR_CONTACT, body: FIXED_SDP.replace('a=sendrecv', direction) });
    } else s.defaultHandler(req);
  };
}

beforeEach(async () => {
  server = await FakeSipServer.start();
  transport = new ReplayTransport(systemClock);
});

afterEach(async () => {
  await h.core.stop();
  await server.stop();
});

describe('a headset in the core', () => {
  it('opens at start; an incoming call rings it, hook-off answers, mute mutes, hook-on ends with BYE; stop turns it off', async () => {
    const device = transport.plug('jabra-evolve-link-ms.hex');
    await ready();
    expect(device.isOpen).toBe(true);
    await gap();

    const responses: SipMessage[] = [];
    server.onResponse = (res) => responses.push(res);
    const dialog = server.invite({ from: '"Ada" <sip:2002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    expect(leds(device)).toMatchObject({ ring: 1, offHook: 0 });

    device.set('hookSwitch', 1);
    const isOk = (r: SipMessage): boolean => r.status === 200 && cseqOf(r).method === 'INVITE';
    await h.events.until('200 OK', () => responses.some(isOk));
    server.ack(dialog, responses.find(isOk)!);
    await h.events.untilCall('established');
    expect(leds(device)).toMatchObject({ ring: 0, offHook: 1 });
    await gap();

    device.click('phoneMute');
    await h.events.until('muted', () => calls()[0]?.muted === true);
    expect(h.media.requests.find((r) => r.op === 'setMuted')).toMatchObject({ muted: true });
    expect(leds(device).mute).toBe(1);
    await gap();

    device.set('hookSwitch', 0);
    await h.events.untilCall('ended');
    expect(calls()[0]).toMatchObject({ endReason: 'local-hangup' });
    await h.events.until('BYE', () => server.requests('BYE').length === 1);
    expect(leds(device)).toEqual({ ring: 0, offHook: 0, mute: 0, hold: 0 });

    await h.core.stop();
    expect(device.isOpen).toBe(false);
    expect(device.openCount).toBe(0);
  });

  it('flash holds and resumes the one call by re-INVITE; the Hold LED follows', async () => {
    const device = transport.plug('jabra-evolve-link-ms.hex');
    await ready();
    answeringFarEnd();
    await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    await gap();

    device.click('flash');
    await h.events.until('held', () => calls()[0]?.held === true);
    expect(server.requests('INVITE')[1]?.body).toMatch(/a=sendonly/);
    expect(leds(device)).toMatchObject({ hold: 1, offHook: 1 });
    await gap();

    device.click('flash');
    await h.events.until('resumed', () => calls()[0]?.held === false);
    expect(leds(device)).toMatchObject({ hold: 0, offHook: 1 });
  });

  it('redial dials the last number again; with nothing dialled it is refused and nothing is sent', async () => {
    const device = transport.plug('jabra-evolve-link-ms.hex');
    await ready();
    answeringFarEnd();
    await gap();

    device.click('redial');
    await h.events.until('redial refused', () => h.logger.lines.some((l) => l.level === 'warn' && /redial failed: nothing has been dialled/.test(l.msg)));
    expect(server.requests('INVITE')).toHaveLength(0);
    expect(calls()).toEqual([]);

    const first = await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    await h.core.handlers['calls:hangup']({ callId: first.id }, sender);
    await h.events.until('BYE', () => server.requests('BYE').length === 1);
    await gap();

    device.click('redial');
    await h.events.until('second INVITE', () => server.requests('INVITE').length === 2);
    const [a, b] = server.requests('INVITE');
    expect(a?.ruri).toMatch(/^sip:2002@/);
    expect(b?.ruri).toBe(a?.ruri);
    await h.events.until('redialled call', () => calls().some((c) => c.id !== first.id && c.direction === 'outgoing'));
  });

  it('resume picks up a device attached while asleep and resends every LED', async () => {
    await ready();
    const device = transport.plug('plantronics-blackwire-c5220.hex', { announce: false });
    await sleep(20);
    expect(device.isOpen).toBe(false);
    h.core.networkChanged('resume');
    await h.events.until('opened', () => device.isOpen && device.written.length > 0);
    const before = device.written.length;
    h.core.networkChanged('resume');
    await h.events.until('resent', () => device.written.length > before);
  });

  it('the device page: listed in app state and events, live input, LED try, bundle, and the settings choose devices', async () => {
    const jabra = transport.plug('jabra-evolve-link-ms.hex');
    transport.plug('logitech-g535.hex');
    await ready();
    const listed = await h.core.handlers['headsets:list'](undefined, sender);
    expect(listed.map((v) => `${v.key} ${v.status}`).sort()).toEqual(['046d:0ac4 no-call-controls', '0b0e:0307 in-use']);
    expect(h.core.getState().headsets).toEqual(listed);

    jabra.press('phoneMute');
    const input = h.events.last('headsets:input');
    expect(input?.id).toBe(jabra.info.path);
    expect(input?.values).toContainEqual({ name: 'phoneMute', value: 1 });

    await h.core.handlers['headsets:try']({ id: jabra.info.path, outputs: ['ringLed'] }, sender);
    expect(jabra.leds().ringLed).toBe(1);
    await expect(h.core.handlers['headsets:try']({ id: 'nope', outputs: [] }, sender)).rejects.toMatchObject({ code: 'no-such-device' });
    const bundle = await h.core.handlers['headsets:supportBundle']({ id: jabra.info.path }, sender);
    expect(JSON.parse(bundle.json)).toMatchObject({ device: { vendorId: '0b0e' } });

    const off: Settings = { ...account(), headsets: { enabled: true, ignored: ['0b0e:0307'] } };
    await h.core.handlers['settings:save']({ settings: off }, sender);
    expect(jabra.isOpen).toBe(false);
    expect(h.events.last('headsets:changed')?.find((v) => v.key === '0b0e:0307')?.status).toBe('switched-off');
    // Saved: a restart keeps the device off.
    expect(h.core.getState().settings.headsets.ignored).toEqual(['0b0e:0307']);
  });

  it('a device switched off in the saved settings is never opened at start', async () => {
    const jabra = transport.plug('jabra-evolve-link-ms.hex');
    h = makeCore({ settings: { ...account(), headsets: { enabled: true, ignored: ['0b0e:0307'] } }, hidTransport: transport });
    await h.core.start();
    expect(jabra.openCount).toBe(0);
    expect(h.core.getState().headsets[0]?.status).toBe('switched-off');
  });

  it('without a HID transport the device page is empty and refuses ids', async () => {
    h = makeCore({ settings: account() });
    await h.core.start();
    expect(await h.core.handlers['headsets:list'](undefined, sender)).toEqual([]);
    await expect(h.core.handlers['headsets:supportBundle']({ id: 'x' }, sender)).rejects.toMatchObject({ code: 'no-such-device' });
  });

  it('a core without a HID transport starts and stops as before', async () => {
    h = makeCore({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    h.core.networkChanged('resume');
    expect(transport.devices).toHaveLength(0);
  });
});
