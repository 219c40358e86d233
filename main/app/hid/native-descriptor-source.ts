// Windows and macOS publish report descriptors nowhere node-hid can reach, so there they come from
// the addon in native/ (hidapi's hid_get_report_descriptor, run on libuv's thread pool). The addon
// is injected, so everything here runs in tests without USB or a built addon.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DescriptorListing, DescriptorSource, HidInterface } from '../../core/hid/descriptor/descriptor-source.ts';

/** One hid_enumerate entry: a path appears once per top-level usage it carries (macOS, Linux). */
export interface NativeHidDevice {
  path: string;
  vendorId: number;
  productId: number;
  product: string;
  manufacturer: string;
  usagePage: number;
  usage: number;
  /** The USB interface; -1 when the device is not on USB (Bluetooth). */
  interfaceNumber: number;
}

/** What native/src/hookswitch-hid.c exports, as the source uses it. */
export interface NativeHidAddon {
  enumerate(): Promise<NativeHidDevice[]>;
  /** Rejects with an Error carrying `code` (HID_OPEN_FAILED, HID_DESCRIPTOR_FAILED…) and `hidError`. */
  readDescriptor(path: string): Promise<Uint8Array>;
}

export type NativeAddonLoad = { ok: true; addon: NativeHidAddon; file: string } | { ok: false; reason: string };

/** Where the build (native/build.mjs) puts the addon, from the package root. */
export const ADDON_PATH_IN_PACKAGE = ['native', 'build', 'Release', 'hookswitch_hid.node'] as const;

const GENERIC_DESKTOP_PAGE = 0x01;
const MOUSE_USAGE = 0x02;
const KEYBOARD_USAGE = 0x06;

/**
 * The folder holding package.json above a module: main/app/hid/*.ts when run from source,
 * dist/main/*.mjs when bundled (inside app.asar once packaged).
 */
export function packageRootOf(moduleUrl: string | URL, exists: (file: string) => boolean = existsSync): string | null {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (exists(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** electron-builder unpacks *.node beside the archive (asarUnpack): a native library cannot load from inside it. */
export function unpackedFromAsar(file: string): string {
  return file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

export function defaultAddonFile(moduleUrl: string | URL = import.meta.url): string | null {
  const root = packageRootOf(moduleUrl);
  return root === null ? null : unpackedFromAsar(path.join(root, ...ADDON_PATH_IN_PACKAGE));
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** An enumerate() entry checked field by field: what the addon returns is only `unknown` to TypeScript. */
export function toNativeHidDevice(entry: unknown): NativeHidDevice | null {
  if (!isRecord(entry) || typeof entry.path !== 'string' || entry.path.length === 0) return null;
  return {
    path: entry.path,
    vendorId: numberOr(entry.vendorId, 0),
    productId: numberOr(entry.productId, 0),
    product: stringOr(entry.product, ''),
    manufacturer: stringOr(entry.manufacturer, ''),
    usagePage: numberOr(entry.usagePage, 0),
    usage: numberOr(entry.usage, 0),
    interfaceNumber: numberOr(entry.interfaceNumber, -1),
  };
}

/** The typed addon over the module require() returned, or null when it is not the addon. */
export function asNativeHidAddon(module: unknown): NativeHidAddon | null {
  if (!isRecord(module)) return null;
  const { enumerate, readDescriptor } = module;
  if (typeof enumerate !== 'function' || typeof readDescriptor !== 'function') return null;
  return {
    enumerate: async () => {
      const listed: unknown = await Reflect.apply(enumerate, module, []);
      if (!Array.isArray(listed)) throw new Error('HID descriptor addon: enumerate() did not return an array');
      return listed.map(toNativeHidDevice).filter((d): d is NativeHidDevice => d !== null);
    },
    readDescriptor: async (devicePath) => {
      const bytes: unknown = await Reflect.apply(readDescriptor, module, [devicePath]);
      if (!(bytes instanceof Uint8Array)) throw new Error('HID descriptor addon: readDescriptor() did not return bytes');
      return bytes;
    },
  };
}

/**
 * Loads the built addon. Never throws: a missing or broken addon is a one-line reason, because the
 * app runs without it (headsets then list without descriptors and are left alone).
 */
export function loadNativeHidAddon(
  file: string | null = defaultAddonFile(),
  load: (file: string) => unknown = createRequire(import.meta.url),
): NativeAddonLoad {
  if (file === null) return { ok: false, reason: 'HID descriptor addon: the package root (package.json) was not found' };
  if (!existsSync(file)) {
    return { ok: false, reason: `HID descriptor addon not found at ${file} (npm ci builds it: node native/build.mjs)` };
  }
  let module: unknown;
  try {
    module = load(file);
  } catch (error) {
    return { ok: false, reason: `HID descriptor addon at ${file} did not load: ${messageOf(error)}` };
  }
  const addon = asNativeHidAddon(module);
  if (addon === null) return { ok: false, reason: `${file} is not the HID descriptor addon (no enumerate/readDescriptor)` };
  return { ok: true, addon, file };
}

/** A path whose every entry is a keyboard or a mouse (a headset's path always carries more). */
function onlyKeyboardOrMouse(entries: readonly NativeHidDevice[]): boolean {
  return entries.every((e) => e.usagePage === GENERIC_DESKTOP_PAGE && (e.usage === KEYBOARD_USAGE || e.usage === MOUSE_USAGE));
}

/** Like Linux's HID_NAME: the maker, then the product, without saying the maker twice. */
function nameOf(device: NativeHidDevice): string {
  const product = device.product.trim();
  const maker = device.manufacturer.trim();
  if (maker === '' || product.toLowerCase().startsWith(maker.toLowerCase())) return product || maker;
  return product === '' ? maker : `${maker} ${product}`;
}

/** `HID_OPEN_FAILED: Access denied.` from the addon's error, or its message. */
function reasonOf(error: unknown): string {
  if (isRecord(error) && typeof error.code === 'string' && typeof error.hidError === 'string' && error.hidError !== '') {
    return `${error.code}: ${error.hidError}`;
  }
  return messageOf(error);
}

function cacheKey(device: NativeHidDevice): string {
  return `${device.vendorId}:${device.productId}:${device.path}`;
}

export class NativeDescriptorSource implements DescriptorSource {
  /**
   * Descriptors already read, by vendor, product and path. A descriptor is fixed while the device
   * stays plugged in, and every hot-plug poll lists again: this keeps that from opening every
   * HID device each time. Failures are not kept (a permission may be granted later).
   */
  private readonly known = new Map<string, Uint8Array>();

  constructor(private readonly addon: NativeHidAddon) {}

  async list(): Promise<DescriptorListing> {
    const byPath = new Map<string, NativeHidDevice[]>();
    for (const device of await this.addon.enumerate()) {
      const entries = byPath.get(device.path);
      if (entries) entries.push(device);
      else byPath.set(device.path, [device]);
    }
    const present = new Set<string>();
    const listing: DescriptorListing = { interfaces: [], unreadable: [] };
    // One path at a time: the addon runs its requests one by one anyway, and the order stays the OS's.
    for (const [devicePath, entries] of byPath) {
      // Opening a keyboard on macOS asks the user for the Input Monitoring permission, and Windows
      // holds keyboards and mice for itself; no headset hides there, so skip, do not report.
      if (onlyKeyboardOrMouse(entries)) continue;
      const first = entries[0];
      if (!first) continue;
      const key = cacheKey(first);
      present.add(key);
      let descriptor = this.known.get(key);
      if (!descriptor) {
        try {
          descriptor = new Uint8Array(await this.addon.readDescriptor(devicePath));
        } catch (error) {
          listing.unreadable.push({ path: devicePath, reason: reasonOf(error) });
          continue;
        }
        if (descriptor.length === 0) {
          listing.unreadable.push({ path: devicePath, reason: 'empty report descriptor' });
          continue;
        }
        this.known.set(key, descriptor);
      }
      const entry: HidInterface = {
        path: devicePath,
        vendorId: first.vendorId,
        productId: first.productId,
        name: nameOf(first),
        // A copy: the cached bytes must not change under a later listing.
        descriptor: new Uint8Array(descriptor),
      };
      listing.interfaces.push(entry);
    }
    for (const key of [...this.known.keys()]) if (!present.has(key)) this.known.delete(key);
    return listing;
  }
}
