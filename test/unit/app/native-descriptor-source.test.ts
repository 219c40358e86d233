// The Windows/macOS descriptor source over a fake addon that answers with the real report
// descriptors in test/fixtures/hid, laid out as hidapi enumerates on macOS (one entry per
// top-level usage, several entries per path); the loader; and which source each OS gets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { descriptorSourceFor, noDescriptors } from '../../../main/app/hid/host-hid-transport.ts';
import {
  asNativeHidAddon,
  defaultAddonFile,
  loadNativeHidAddon,
  NativeDescriptorSource,
  packageRootOf,
  toNativeHidDevice,
  unpackedFromAsar,
  type NativeHidAddon,
  type NativeHidDevice,
} from '../../../main/app/hid/native-descriptor-source.ts';
import type { NodeHidApi } from '../../../main/app/hid/node-hid-transport.ts';
import { NodeHidTransport } from '../../../main/app/hid/node-hid-transport.ts';
import { SysfsDescriptorSource } from '../../../main/core/hid/descriptor/sysfs-descriptor-source.ts';
import { telephonyLayout } from '../../../main/core/hid/telephony-layout.ts';
import type { Logger } from '../../../main/core/ports.ts';
import { loadFixture } from '../hid/fixtures.ts';

const JABRA = loadFixture('jabra-evolve-link-ms');
const BT700 = loadFixture('plantronics-bt700');
const G535 = loadFixture('logitech-g535');

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

interface AddonFailure {
  code: string;
  hidError: string;
}

function entry(pathName: string, vendorId: number, productId: number, usagePage: number, usage: number, product = '', manufacturer = ''): NativeHidDevice {
  return { path: pathName, vendorId, productId, product, manufacturer, usagePage, usage, interfaceNumber: 3 };
}

/** A fake addon: a device table, the descriptors behind each path, and a count of every read. */
class FakeAddon implements NativeHidAddon {
  devices: NativeHidDevice[] = [];
  descriptors = new Map<string, Uint8Array | AddonFailure | Error>();
  reads: string[] = [];

  enumerate(): Promise<NativeHidDevice[]> {
    return Promise.resolve(this.devices.map((d) => ({ ...d })));
  }

  readDescriptor(devicePath: string): Promise<Uint8Array> {
    this.reads.push(devicePath);
    const answer = this.descriptors.get(devicePath);
    if (answer === undefined) return Promise.reject(Object.assign(new Error(`cannot open HID device ${devicePath}: gone`), { code: 'HID_OPEN_FAILED', hidError: 'gone' }));
    if (answer instanceof Error) return Promise.reject(answer);
    if (answer instanceof Uint8Array) return Promise.resolve(Buffer.from(answer));
    return Promise.reject(Object.assign(new Error(`cannot open HID device ${devicePath}: ${answer.hidError}`), answer));
  }
}

/** What macOS lists: the Jabra's three collections on one path, a BT700, a keyboard, a mouse with media keys. */
function macDesk(): FakeAddon {
  const addon = new FakeAddon();
  addon.devices = [
    entry('DevSrvsID:4294971001', 0x0b0e, 0x0307, 0x0b, 0x05, 'Jabra EVOLVE LINK MS', 'GN Netcom A/S'),
    entry('DevSrvsID:4294971001', 0x0b0e, 0x0307, 0xff00, 0x05, 'Jabra EVOLVE LINK MS', 'GN Netcom A/S'),
    entry('DevSrvsID:4294971001', 0x0b0e, 0x0307, 0x0c, 0x01, 'Jabra EVOLVE LINK MS', 'GN Netcom A/S'),
    entry('DevSrvsID:4294972002', 0x047f, 0x02ee, 0x0b, 0x05, 'Plantronics BT700', 'Plantronics'),
    entry('DevSrvsID:4294973003', 0x05ac, 0x024f, 0x01, 0x06, 'Magic Keyboard', 'Apple Inc.'),
    entry('DevSrvsID:4294973003', 0x05ac, 0x024f, 0x01, 0x06, 'Magic Keyboard', 'Apple Inc.'),
    entry('DevSrvsID:4294974004', 0x046d, 0xc52b, 0x01, 0x02, 'USB Receiver', 'Logitech'),
    entry('DevSrvsID:4294975005', 0x046d, 0x0ac4, 0x01, 0x02, 'G535 Wireless Gaming Headset', 'Logitech'),
    entry('DevSrvsID:4294975005', 0x046d, 0x0ac4, 0x0c, 0x01, 'G535 Wireless Gaming Headset', 'Logitech'),
  ];
  addon.descriptors.set('DevSrvsID:4294971001', JABRA);
  addon.descriptors.set('DevSrvsID:4294972002', BT700);
  addon.descriptors.set('DevSrvsID:4294975005', G535);
  return addon;
}

describe('native descriptor source', () => {
  it('reads each path once, skips keyboards and mice, and names devices like Linux does', async () => {
    const addon = macDesk();
    const listing = await new NativeDescriptorSource(addon).list();
    expect(addon.reads).toEqual(['DevSrvsID:4294971001', 'DevSrvsID:4294972002', 'DevSrvsID:4294975005']);
    expect(listing.interfaces).toEqual([
      { path: 'DevSrvsID:4294971001', vendorId: 0x0b0e, productId: 0x0307, name: 'GN Netcom A/S Jabra EVOLVE LINK MS', descriptor: JABRA },
      { path: 'DevSrvsID:4294972002', vendorId: 0x047f, productId: 0x02ee, name: 'Plantronics BT700', descriptor: BT700 },
      { path: 'DevSrvsID:4294975005', vendorId: 0x046d, productId: 0x0ac4, name: 'Logitech G535 Wireless Gaming Headset', descriptor: G535 },
    ]);
    // The bytes are plain Uint8Arrays of their own, not views into a Node Buffer pool.
    for (const i of listing.interfaces) expect(Object.getPrototypeOf(i.descriptor)).toBe(Uint8Array.prototype);
    expect(listing.unreadable).toEqual([]);
  });

  it('the descriptors it reads are the ones the core finds the telephony controls in', async () => {
    const listing = await new NativeDescriptorSource(macDesk()).list();
    const jabra = listing.interfaces.find((i) => i.vendorId === 0x0b0e);
    expect(jabra).toBeDefined();
    const layout = telephonyLayout(jabra!.descriptor);
    expect(layout.telephony).toBe(true);
    expect(layout.reports.flatMap((r) => r.controls.map((c) => c.name))).toEqual(expect.arrayContaining(['hookSwitch', 'phoneMute', 'offHookLed', 'ringLed']));
  });

  it('reports the paths it could not read, with the reason, and goes on with the others', async () => {
    const addon = macDesk();
    addon.descriptors.set('DevSrvsID:4294972002', { code: 'HID_OPEN_FAILED', hidError: 'hid_open_path: failed to open IOHIDDevice from mach entry: (0xE00002E2) (iokit/common) not permitted' });
    addon.descriptors.set('DevSrvsID:4294975005', new Uint8Array(0));
    addon.devices.push(entry('DevSrvsID:4294976006', 0x1395, 0x0300, 0x0b, 0x05, 'EPOS IMPACT D1'));
    addon.descriptors.set('DevSrvsID:4294976006', new Error('HID descriptor addon: out of memory'));
    addon.devices.push(entry('DevSrvsID:4294977007', 0x6993, 0xb0ad, 0x0b, 0x05, 'WH66'));
    const listing = await new NativeDescriptorSource(addon).list();
    expect(listing.interfaces.map((i) => i.path)).toEqual(['DevSrvsID:4294971001']);
    expect(listing.unreadable).toEqual([
      { path: 'DevSrvsID:4294972002', reason: 'HID_OPEN_FAILED: hid_open_path: failed to open IOHIDDevice from mach entry: (0xE00002E2) (iokit/common) not permitted' },
      { path: 'DevSrvsID:4294975005', reason: 'empty report descriptor' },
      { path: 'DevSrvsID:4294976006', reason: 'HID descriptor addon: out of memory' },
      { path: 'DevSrvsID:4294977007', reason: 'HID_OPEN_FAILED: gone' },
    ]);
  });

  it('does not open a device again while it stays plugged in, but retries failures and re-reads a device that came back', async () => {
    const addon = macDesk();
    addon.descriptors.set('DevSrvsID:4294972002', { code: 'HID_OPEN_FAILED', hidError: 'busy' });
    const source = new NativeDescriptorSource(addon);
    await source.list();
    addon.reads = [];
    const again = await source.list();
    expect(addon.reads).toEqual(['DevSrvsID:4294972002']);
    expect(again.interfaces.map((i) => i.path)).toEqual(['DevSrvsID:4294971001', 'DevSrvsID:4294975005']);

    // The Jabra is unplugged, then plugged back in: read afresh.
    const jabraEntries = addon.devices.filter((d) => d.vendorId === 0x0b0e);
    addon.devices = addon.devices.filter((d) => d.vendorId !== 0x0b0e);
    await source.list();
    addon.devices.push(...jabraEntries);
    addon.reads = [];
    const back = await source.list();
    expect(addon.reads).toEqual(['DevSrvsID:4294972002', 'DevSrvsID:4294971001']);
    // In the order the OS lists them now: the Jabra came back last.
    expect(back.interfaces.map((i) => i.path)).toEqual(['DevSrvsID:4294975005', 'DevSrvsID:4294971001']);
  });

  it('hands out a copy each time: a caller that changes the bytes does not change the next listing', async () => {
    const source = new NativeDescriptorSource(macDesk());
    const first = await source.list();
    first.interfaces[0]!.descriptor.fill(0);
    const second = await source.list();
    expect(second.interfaces[0]!.descriptor).toEqual(JABRA);
  });

  it('fails the listing when enumeration itself fails (the transport logs it and lists without descriptors)', async () => {
    const addon = macDesk();
    addon.enumerate = () => Promise.reject(new Error('listing HID devices failed: Failed to create IOHIDManager'));
    await expect(new NativeDescriptorSource(addon).list()).rejects.toThrow('Failed to create IOHIDManager');
  });

  it('gives node-hid’s macOS transport the descriptor of each device, so headsets become usable', async () => {
    const addon = macDesk();
    const hid: NodeHidApi = {
      devicesAsync: () =>
        Promise.resolve(addon.devices.map((d) => ({ vendorId: d.vendorId, productId: d.productId, path: d.path, product: d.product, usagePage: d.usagePage, usage: d.usage, interface: d.interfaceNumber }))),
      open: () => Promise.reject(new Error('not opened in this test')),
    };
    const logger = silentLogger();
    const transport = new NodeHidTransport({ descriptors: new NativeDescriptorSource(addon), platform: 'darwin', logger, hid });
    const listed = await transport.list();
    const telephony = listed.filter((d) => d.descriptor.length > 0 && telephonyLayout(d.descriptor).telephony);
    expect(new Set(telephony.map((d) => d.product))).toEqual(new Set(['Jabra EVOLVE LINK MS', 'Plantronics BT700']));
    expect(listed.filter((d) => d.product === 'Magic Keyboard').every((d) => d.descriptor.length === 0)).toBe(true);
  });
});

function silentLogger(): Logger & { warnings: string[]; debugs: string[] } {
  const warnings: string[] = [];
  const debugs: string[] = [];
  return {
    warnings,
    debugs,
    debug: (msg: string) => debugs.push(msg),
    info: () => undefined,
    warn: (msg: string) => warnings.push(msg),
    error: () => undefined,
  };
}

describe('loading the addon', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the package root from the sources and from the bundle alike', () => {
    expect(packageRootOf(pathToFileURL(path.join(repoRoot, 'main', 'app', 'hid', 'native-descriptor-source.ts')))).toBe(repoRoot);
    expect(packageRootOf(pathToFileURL(path.join(repoRoot, 'dist', 'main', 'electron-main.mjs')))).toBe(repoRoot);
    expect(defaultAddonFile(pathToFileURL(path.join(repoRoot, 'dist', 'main', 'electron-main.mjs')))).toBe(
      path.join(repoRoot, 'native', 'build', 'Release', 'hookswitch_hid.node'),
    );
    expect(packageRootOf(pathToFileURL('/no/such/place/x.mjs'), () => false)).toBeNull();
  });

  it('in a packaged app, loads the .node that electron-builder unpacked beside app.asar', () => {
    const packaged = '/Applications/Hookswitch.app/Contents/Resources/app.asar';
    const inArchive = (file: string): boolean => file === `${packaged}/package.json`;
    const root = packageRootOf(pathToFileURL(`${packaged}/dist/main/electron-main.mjs`), inArchive);
    expect(root).toBe(packaged);
    expect(unpackedFromAsar(path.join(root!, 'native', 'build', 'Release', 'hookswitch_hid.node'))).toBe(
      '/Applications/Hookswitch.app/Contents/Resources/app.asar.unpacked/native/build/Release/hookswitch_hid.node',
    );
    expect(unpackedFromAsar('C:\\Program Files\\Hookswitch\\resources\\app.asar\\native\\build\\Release\\hookswitch_hid.node')).toBe(
      'C:\\Program Files\\Hookswitch\\resources\\app.asar.unpacked\\native\\build\\Release\\hookswitch_hid.node',
    );
    expect(unpackedFromAsar('/opt/app.asarx/native/x.node')).toBe('/opt/app.asarx/native/x.node');
  });

  it('says in one line why it could not load: missing, broken, or not the addon', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'addon-load-'));
    dirs.push(dir);
    const missing = path.join(dir, 'hookswitch_hid.node');
    const missingLoad = loadNativeHidAddon(missing, () => {
      throw new Error('must not be called');
    });
    expect(missingLoad).toEqual({ ok: false, reason: `HID descriptor addon not found at ${missing} (npm ci builds it: node native/build.mjs)` });

    writeFileSync(missing, 'not a shared object');
    const broken = loadNativeHidAddon(missing, () => {
      throw new Error(`${missing}: invalid ELF header\n    at Module._extensions..node`);
    });
    expect(broken).toEqual({ ok: false, reason: `HID descriptor addon at ${missing} did not load: ${missing}: invalid ELF header` });

    const stranger = loadNativeHidAddon(missing, () => ({ devices: () => [] }));
    expect(stranger).toEqual({ ok: false, reason: `${missing} is not the HID descriptor addon (no enumerate/readDescriptor)` });
    expect(loadNativeHidAddon(null).ok).toBe(false);
  });

  it('checks what the addon returns instead of trusting it', async () => {
    const addon = asNativeHidAddon({
      enumerate: () => Promise.resolve([{ path: 'a', vendorId: 1, productId: 2, product: 'P', usagePage: 11, usage: 5, interfaceNumber: 0 }, { path: '' }, null, { vendorId: 3 }]),
      readDescriptor: (p: string) => Promise.resolve(p === 'a' ? Buffer.from([5, 11]) : 'text'),
    });
    expect(addon).not.toBeNull();
    expect(await addon!.enumerate()).toEqual([
      { path: 'a', vendorId: 1, productId: 2, product: 'P', manufacturer: '', usagePage: 11, usage: 5, interfaceNumber: 0 },
    ]);
    expect(Array.from(await addon!.readDescriptor('a'))).toEqual([5, 11]);
    await expect(addon!.readDescriptor('b')).rejects.toThrow('did not return bytes');
    const notArray = asNativeHidAddon({ enumerate: () => Promise.resolve({}), readDescriptor: () => Promise.resolve(Buffer.alloc(0)) });
    await expect(notArray!.enumerate()).rejects.toThrow('did not return an array');
    expect(toNativeHidDevice({ path: 'x' })).toEqual({ path: 'x', vendorId: 0, productId: 0, product: '', manufacturer: '', usagePage: 0, usage: 0, interfaceNumber: -1 });
    expect(asNativeHidAddon(undefined)).toBeNull();
  });
});

describe('descriptor source for each OS', () => {
  it('Linux keeps reading sysfs and never loads the addon', () => {
    const logger = silentLogger();
    const source = descriptorSourceFor('linux', logger, () => {
      throw new Error('must not load on Linux');
    });
    expect(source).toBeInstanceOf(SysfsDescriptorSource);
  });

  it.each(['win32', 'darwin'] as const)('%s reads descriptors through the addon', async (platform) => {
    const logger = silentLogger();
    const source = descriptorSourceFor(platform, logger, () => ({ ok: true, addon: macDesk(), file: '/x/hookswitch_hid.node' }));
    expect(source).toBeInstanceOf(NativeDescriptorSource);
    expect((await source.list()).interfaces).toHaveLength(3);
    expect(logger.warnings).toEqual([]);
  });

  it.each(['win32', 'darwin'] as const)('%s without the addon warns once and lists no descriptors', async (platform) => {
    const logger = silentLogger();
    const source = descriptorSourceFor(platform, logger, () => ({ ok: false, reason: 'HID descriptor addon not found at /x/hookswitch_hid.node' }));
    expect(source).toBe(noDescriptors);
    expect(await source.list()).toEqual({ interfaces: [], unreadable: [] });
    expect(logger.warnings).toEqual(['hid: HID descriptor addon not found at /x/hookswitch_hid.node; headset buttons will not work']);
  });
});
