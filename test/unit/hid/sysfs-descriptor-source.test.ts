// The Linux descriptor source against a sysfs tree laid out like /sys/class/hidraw.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseUevent, SysfsDescriptorSource } from '../../../main/core/hid/descriptor/sysfs-descriptor-source.ts';
import { loadFixture } from './fixtures.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sysfs(nodes: Record<string, { descriptor?: Uint8Array; uevent?: string }>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'hidraw-'));
  dirs.push(root);
  for (const [name, node] of Object.entries(nodes)) {
    const dir = path.join(root, name, 'device');
    mkdirSync(dir, { recursive: true });
    if (node.descriptor) writeFileSync(path.join(dir, 'report_descriptor'), node.descriptor);
    if (node.uevent !== undefined) writeFileSync(path.join(dir, 'uevent'), node.uevent);
  }
  return root;
}

describe('sysfs descriptor source', () => {
  it('parses HID_ID and HID_NAME from a uevent', () => {
    expect(parseUevent('DRIVER=hid-generic\nHID_ID=0003:00000B0E:00000307\nHID_NAME=GN Netcom A/S Jabra EVOLVE LINK MS\nHID_PHYS=usb-0000:00:14.0-1/input3\n')).toEqual({
      vendorId: 0x0b0e,
      productId: 0x0307,
      name: 'GN Netcom A/S Jabra EVOLVE LINK MS',
    });
    expect(parseUevent('')).toEqual({ vendorId: 0, productId: 0, name: '' });
  });

  it('lists every hidraw node in numeric order with its descriptor, and the ones it could not read', async () => {
    const jabra = loadFixture('jabra-evolve-link-ms');
    const g535 = loadFixture('logitech-g535');
    const root = sysfs({
      hidraw10: { descriptor: g535, uevent: 'HID_ID=0003:0000046D:00000AC4\nHID_NAME=Logitech G535\n' },
      hidraw2: { descriptor: jabra, uevent: 'HID_ID=0003:00000B0E:00000307\nHID_NAME=Jabra EVOLVE LINK MS\n' },
      hidraw3: { uevent: 'HID_ID=0003:00001234:00005678\n' },
      'not-hidraw': { descriptor: jabra, uevent: '' },
    });
    const listing = await new SysfsDescriptorSource(root, '/dev').list();
    expect(listing.interfaces.map((i) => [i.path, i.vendorId, i.productId, i.name, i.descriptor.length])).toEqual([
      ['/dev/hidraw2', 0x0b0e, 0x0307, 'Jabra EVOLVE LINK MS', jabra.length],
      ['/dev/hidraw10', 0x046d, 0x0ac4, 'Logitech G535', g535.length],
    ]);
    expect(listing.unreadable).toEqual([{ path: '/dev/hidraw3', reason: 'ENOENT' }]);
  });

  it('lists nothing when the hidraw class does not exist', async () => {
    const listing = await new SysfsDescriptorSource(path.join(tmpdir(), 'no-such-hidraw-class')).list();
    expect(listing).toEqual({ interfaces: [], unreadable: [] });
  });
});
