// What a listed HID device is to Hookswitch: a call-control device (with the layout to drive it),
// a headset-like device without call controls (shown on the device page so the user sees why it
// is not used), or something else (keyboards, mice, webcams' vendor interfaces: never shown).
import type { HeadsetKey } from '../../../preload/contract.ts';
import { parseReportDescriptor } from './descriptor/parse-report-descriptor.ts';
import type { HidDeviceInfo } from './hid-transport.ts';
import type { TelephonyLayout } from './layout.ts';
import { telephonyLayoutOf } from './telephony-layout.ts';

const PAGE_GENERIC_DESKTOP = 0x01;
const PAGE_TELEPHONY = 0x0b;
const CONSUMER_CONTROL = 0x000c_0001;

/**
 * Vendors whose GN vendor channel (0xFF30/0xFF40) is followed: Jabra (NOTES.md §2.6) and
 * Yealink, whose descriptor clones it and whose integrations drive report 4 (NOTES.md §5).
 */
const GN_VENDORS: ReadonlySet<number> = new Set([0x0b0e, 0x6993]);

/** Inputs the controller acts on; a device with none of them and no output has nothing to offer. */
const ACTED_ON: ReadonlySet<string> = new Set(['hookSwitch', 'phoneMute', 'flash', 'redial', 'reject', 'drop']);

export type HeadsetKind =
  | { kind: 'call-control'; layout: TelephonyLayout }
  | { kind: 'no-call-controls' }
  | { kind: 'no-descriptor' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'other' };

export function headsetKey(info: Pick<HidDeviceInfo, 'vendorId' | 'productId'>): HeadsetKey {
  const hex4 = (n: number): string => (n & 0xffff).toString(16).padStart(4, '0');
  return `${hex4(info.vendorId)}:${hex4(info.productId)}`;
}

function usable(layout: TelephonyLayout): boolean {
  const reports = [...layout.reports, ...(layout.vendorChannel?.reports ?? [])];
  return reports.some((r) => (r.direction === 'output' && r.controls.length > 0) || r.controls.some((c) => ACTED_ON.has(c.name)));
}

export function headsetKind(info: HidDeviceInfo): HeadsetKind {
  if (info.descriptor.length === 0) {
    // Windows and macOS list one entry per collection: a telephony one is worth showing.
    return info.usagePage === PAGE_TELEPHONY ? { kind: 'no-descriptor' } : { kind: 'other' };
  }
  let layout: TelephonyLayout;
  let topLevel: number[];
  try {
    const descriptor = parseReportDescriptor(info.descriptor);
    layout = telephonyLayoutOf(descriptor);
    topLevel = descriptor.collections.filter((c) => c.parent === null && c.usage !== null).map((c) => c.usage ?? 0);
  } catch (error) {
    return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  if (layout.vendorChannel && !GN_VENDORS.has(info.vendorId)) {
    const { vendorChannel: _ignored, ...standard } = layout;
    layout = standard;
  }
  if (usable(layout)) return { kind: 'call-control', layout };
  // A telephony collection with nothing to drive, or volume keys and no keyboard or mouse: a
  // headset (Logitech G535, Razer Kraken) that cannot control calls. Keyboards with media keys
  // carry a Generic Desktop collection too, and stay out of the list.
  const telephony = topLevel.some((u) => u >>> 16 === PAGE_TELEPHONY);
  const consumerOnly = topLevel.includes(CONSUMER_CONTROL) && !topLevel.some((u) => u >>> 16 === PAGE_GENERIC_DESKTOP);
  return telephony || consumerOnly ? { kind: 'no-call-controls' } : { kind: 'other' };
}
