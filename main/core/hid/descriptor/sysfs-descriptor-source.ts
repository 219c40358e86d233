// Linux: every hidraw node publishes its report descriptor and ids in sysfs, world-readable, so
// no device has to be opened (and no udev rule is needed) just to look.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DescriptorListing, DescriptorSource, HidInterface } from './descriptor-source.ts';

export const SYSFS_HIDRAW = '/sys/class/hidraw';

interface Uevent {
  vendorId: number;
  productId: number;
  name: string;
}

/** HID_ID=0003:00000B0E:00000307 (bus:vendor:product) and HID_NAME from a HID device's uevent. */
export function parseUevent(text: string): Uevent {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const [, vendor = '0', product = '0'] = (values.get('HID_ID') ?? '').split(':');
  const parse = (hex: string): number => {
    const n = Number.parseInt(hex, 16);
    return Number.isFinite(n) ? n & 0xffff : 0;
  };
  return { vendorId: parse(vendor), productId: parse(product), name: values.get('HID_NAME') ?? '' };
}

function reasonOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}

export class SysfsDescriptorSource implements DescriptorSource {
  constructor(
    private readonly root: string = SYSFS_HIDRAW,
    private readonly devDir: string = '/dev',
  ) {}

  async list(): Promise<DescriptorListing> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (err) {
      // No hidraw class at all: no HID device (or the hidraw module is not loaded).
      if (reasonOf(err) === 'ENOENT') return { interfaces: [], unreadable: [] };
      throw err;
    }
    const listing: DescriptorListing = { interfaces: [], unreadable: [] };
    for (const name of names.filter((n) => n.startsWith('hidraw')).sort(byNumber)) {
      const devicePath = path.join(this.devDir, name);
      try {
        const dir = path.join(this.root, name, 'device');
        const [descriptor, uevent] = await Promise.all([
          readFile(path.join(dir, 'report_descriptor')),
          readFile(path.join(dir, 'uevent'), 'utf8'),
        ]);
        const entry: HidInterface = { path: devicePath, ...parseUevent(uevent), descriptor: new Uint8Array(descriptor) };
        listing.interfaces.push(entry);
      } catch (err) {
        listing.unreadable.push({ path: devicePath, reason: reasonOf(err) });
      }
    }
    return listing;
  }
}

function byNumber(a: string, b: string): number {
  return Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, ''));
}
