// The headset page's pure parts: which devices are used for calls (saved with the settings form),
// the live input chips, the LED set sent to main, the support-bundle download, and the catalog
// text for every status, input and output the contract names.
import { describe, expect, it } from 'vitest';
import { HeadsetInput, HeadsetOutput, HeadsetStatus, Locale, type HeadsetView, type SettingsView } from '../../../preload/contract.ts';
import { catalogs } from '../../../renderer/src/i18n/catalog.ts';
import {
  applyInput,
  canChooseUse,
  downloadText,
  keepDevices,
  keypadKey,
  sortedInputs,
  sortedOutputs,
  vidPid,
  withOutput,
  withUse,
  type DownloadPort,
  type LiveInputs,
} from '../../../renderer/src/lib/headsets.ts';
import { formFromSettings, otherFieldErrors, settingsFromForm } from '../../../renderer/src/lib/settings-form.ts';
import { makeAccount, makeSettingsView } from '../../support/contract-values.ts';

const jabra: HeadsetView = {
  id: '/dev/hidraw3',
  key: '0b0e:0305',
  product: 'Jabra EVOLVE LINK MS',
  vendorId: 0x0b0e,
  productId: 0x0305,
  status: 'in-use',
  inputs: ['keypad', 'phoneMute', 'hookSwitch', 'reject'],
  outputs: ['ringer', 'muteLed', 'offHookLed'],
  trying: [],
};
const g535: HeadsetView = { ...jabra, id: '/dev/hidraw7', key: '046d:0ac4', product: 'G535', vendorId: 0x046d, productId: 0x0ac4, status: 'no-call-controls', inputs: [], outputs: [] };

describe('device rows', () => {
  it('print vid:pid as four hex digits each', () => {
    expect(vidPid(jabra)).toBe('0b0e:0305');
    expect(vidPid({ vendorId: 0x47f, productId: 0xc056 })).toBe('047f:c056');
  });

  it('list inputs and outputs in the same order for every device', () => {
    expect(sortedInputs(jabra)).toEqual(['hookSwitch', 'phoneMute', 'reject', 'keypad']);
    expect(sortedOutputs(jabra)).toEqual(['offHookLed', 'muteLed', 'ringer']);
  });

  it('offer "use for calls" on every device except one without call controls', () => {
    for (const status of HeadsetStatus.options) {
      expect(canChooseUse({ ...jabra, status }), status).toBe(status !== 'no-call-controls');
    }
    expect(canChooseUse(g535)).toBe(false);
  });
});

describe('use for calls', () => {
  it('adds the key when unchecked and removes it when checked, keeping other keys', () => {
    expect(withUse([], '0b0e:0305', false)).toEqual(['0b0e:0305']);
    expect(withUse(['047f:c056', '0b0e:0305'], '0b0e:0305', true)).toEqual(['047f:c056']);
    // Unchecking twice does not list the key twice.
    expect(withUse(['0b0e:0305'], '0b0e:0305', false)).toEqual(['0b0e:0305']);
    expect(withUse(['047f:c056'], '0b0e:0305', true)).toEqual(['047f:c056']);
  });

  const view: SettingsView = makeSettingsView({
    accounts: [makeAccount({ wsUrl: 'wss://pbx/ws', sipUri: 'sip:1001@pbx', authUser: '1001' })],
    // A device switched off while it is not plugged in stays switched off.
    headsets: { enabled: true, ignored: ['047f:c056'] },
  });

  it('is saved with the rest of the settings form', () => {
    const form = formFromSettings(view);
    expect(form.headsetsEnabled).toBe(true);
    expect(form.headsetsIgnored).toEqual(['047f:c056']);
    form.headsetsIgnored = withUse(form.headsetsIgnored, jabra.key, false);
    form.headsetsEnabled = false;
    expect(settingsFromForm(form, view).settings.headsets).toEqual({ enabled: false, ignored: ['047f:c056', '0b0e:0305'] });
    // The form's list is a copy: editing it does not change the settings it came from.
    expect(view.headsets.ignored).toEqual(['047f:c056']);
  });

  it('shows errors about the headset fields next to them, not in the list of other errors', () => {
    expect(otherFieldErrors({ 'headsets.ignored.0': 'invalid', 'headsets.enabled': 'invalid' }, [])).toEqual([]);
  });
});

describe('live inputs', () => {
  it('keep the last value of each input, per device', () => {
    let live: LiveInputs = {};
    live = applyInput(live, { id: jabra.id, values: [{ name: 'hookSwitch', value: 1 }, { name: 'phoneMute', value: 0 }] });
    live = applyInput(live, { id: g535.id, values: [{ name: 'phoneMute', value: 1 }] });
    expect(live[jabra.id]).toEqual({ hookSwitch: { value: 1, lastKey: null }, phoneMute: { value: 0, lastKey: null } });
    const before = live;
    live = applyInput(live, { id: jabra.id, values: [{ name: 'hookSwitch', value: 0 }] });
    expect(live[jabra.id]?.hookSwitch?.value).toBe(0);
    expect(live[jabra.id]?.phoneMute?.value).toBe(0);
    expect(live[g535.id]?.phoneMute?.value).toBe(1);
    // A new object each time, so the page re-renders.
    expect(live).not.toBe(before);
    expect(before[jabra.id]?.hookSwitch?.value).toBe(1);
  });

  it('show the keypad key pressed last, also after it was released', () => {
    expect(keypadKey(0xb0)).toBe('0');
    expect(keypadKey(0xb9)).toBe('9');
    expect(keypadKey(0xba)).toBe('*');
    expect(keypadKey(0xbb)).toBe('#');
    expect(keypadKey(0)).toBeNull();
    expect(keypadKey(0xbc)).toBeNull();
    let live: LiveInputs = {};
    live = applyInput(live, { id: jabra.id, values: [{ name: 'keypad', value: 0xb5 }] });
    expect(live[jabra.id]?.keypad).toEqual({ value: 0xb5, lastKey: '5' });
    live = applyInput(live, { id: jabra.id, values: [{ name: 'keypad', value: 0 }] });
    expect(live[jabra.id]?.keypad).toEqual({ value: 0, lastKey: '5' });
  });

  it('forget devices that left (their id changes when they come back)', () => {
    const byId = { [jabra.id]: 1, '/dev/hidraw9': 2 };
    expect(keepDevices(byId, [jabra, g535])).toEqual({ [jabra.id]: 1 });
  });
});

describe('LEDs being tried', () => {
  it('send the whole set that is on, in a stable order', () => {
    let on = withOutput([], 'muteLed', true);
    expect(on).toEqual(['muteLed']);
    on = withOutput(on, 'offHookLed', true);
    expect(on).toEqual(['offHookLed', 'muteLed']);
    on = withOutput(on, 'offHookLed', true);
    expect(on).toEqual(['offHookLed', 'muteLed']);
    on = withOutput(on, 'muteLed', false);
    on = withOutput(on, 'offHookLed', false);
    expect(on).toEqual([]);
  });
});

describe('the support bundle download', () => {
  function fakePort(): { port: DownloadPort; log: string[]; blobs: Blob[]; anchors: Array<{ href: string; download: string }>; later: Array<() => void> } {
    const log: string[] = [];
    const blobs: Blob[] = [];
    const anchors: Array<{ href: string; download: string }> = [];
    const later: Array<() => void> = [];
    const port: DownloadPort = {
      createObjectURL: (blob) => {
        blobs.push(blob);
        log.push('create');
        return 'blob:x/1';
      },
      revokeObjectURL: (url) => log.push(`revoke ${url}`),
      createAnchor: () => {
        const anchor = {
          href: '',
          download: '',
          click: () => log.push(`click ${anchor.href} ${anchor.download}`),
          remove: () => log.push('remove'),
        };
        anchors.push(anchor);
        return anchor;
      },
      attach: () => log.push('attach'),
      later: (fn) => later.push(fn),
    };
    return { port, log, blobs, anchors, later };
  }

  it('saves the JSON under the given name through a temporary link, and frees the URL afterwards', async () => {
    const { port, log, blobs, later } = fakePort();
    downloadText(port, 'hookswitch-headset-0b0e-0305.json', '{"descriptor":"05 0b"}');
    expect(log).toEqual(['create', 'attach', 'click blob:x/1 hookswitch-headset-0b0e-0305.json', 'remove']);
    expect(blobs[0]?.type).toBe('application/json');
    expect(await blobs[0]?.text()).toBe('{"descriptor":"05 0b"}');
    // The browser reads the URL after the click returns: it is revoked only later.
    for (const fn of later) fn();
    expect(log.at(-1)).toBe('revoke blob:x/1');
  });

  it('still removes the link and frees the URL when the click throws', () => {
    const { port, log, later } = fakePort();
    const broken: DownloadPort = {
      ...port,
      createAnchor: () => ({ href: '', download: '', click: () => { throw new Error('blocked'); }, remove: () => log.push('remove') }),
    };
    expect(() => { downloadText(broken, 'a.json', '{}'); }).toThrow('blocked');
    expect(log).toContain('remove');
    expect(later).toHaveLength(1);
  });
});

describe('catalog text', () => {
  const keys = [
    ...HeadsetStatus.options.map((s) => `settings.headsets.status.${s}`),
    ...HeadsetStatus.options.filter((s) => s !== 'in-use').map((s) => `settings.headsets.why.${s}`),
    ...HeadsetInput.options.map((i) => `settings.headsets.inputs.${i}`),
    ...HeadsetOutput.options.map((o) => `settings.headsets.outputs.${o}`),
  ];
  it('names every status (and says why a device is not in use), input and output, in every locale', () => {
    for (const locale of Locale.options) {
      for (const key of keys) expect(catalogs[locale][key], `${locale} ${key}`).toBeTruthy();
    }
  });
});
