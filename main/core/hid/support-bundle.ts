// What support needs to understand one device, as a JSON file the user sends: the descriptor (in
// the fixtures' hex format, so `npm run hid -- describe` reads it back), the layout Hookswitch made
// of it and the last reports each way. Nothing personal: no serial number, no OS path, no calls.
import type { HeadsetStatus } from '../../../preload/contract.ts';
import type { HidDeviceInfo } from './hid-transport.ts';
import type { TelephonyLayout } from './layout.ts';
import { summarizeLayout, type LayoutSummary } from './layout-summary.ts';
import { decodeInputReport, decodeOutputReport, type ControlValues } from './report-codec.ts';

/** Reports kept per device for the bundle: enough to see a gesture and our answer to it. */
export const RECORDED_REPORTS = 64;

export interface RecordedReport {
  at: number;
  direction: 'input' | 'output';
  bytes: Uint8Array;
}

/** A fixed-size record of the last reports, oldest dropped first. */
export class ReportRecord {
  private readonly entries: RecordedReport[] = [];

  add(direction: RecordedReport['direction'], bytes: Uint8Array, at: number): void {
    // Our copy: node-hid may reuse its buffer, and a write's bytes may be changed after the call.
    this.entries.push({ at, direction, bytes: Uint8Array.from(bytes.subarray(0, 1024)) });
    if (this.entries.length > RECORDED_REPORTS) this.entries.shift();
  }

  list(): readonly RecordedReport[] {
    return this.entries;
  }
}

export interface SupportBundleInput {
  info: HidDeviceInfo;
  layout: TelephonyLayout | null;
  status: HeadsetStatus;
  leds: ControlValues;
  record: ReportRecord;
  now: number;
  about: Record<string, string>;
}

interface BundleEvent {
  /** Milliseconds before the bundle was made. */
  ageMs: number;
  direction: 'input' | 'output';
  hex: string;
  /** The telephony controls in it, when the layout knows the report. */
  values?: ControlValues;
}

export interface SupportBundle {
  format: 'hookswitch-headset-support';
  version: 1;
  createdAt: string;
  about: Record<string, string>;
  device: { product: string; vendorId: string; productId: string; usagePage: string; usage: string; status: HeadsetStatus };
  descriptor: { length: number; hex: string };
  layout: LayoutSummary | null;
  vendorChannel: LayoutSummary | null;
  leds: ControlValues;
  events: BundleEvent[];
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** Bytes as the fixture files write them: two hex digits each, 16 to a line. */
export function descriptorHex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(Array.from(bytes.subarray(i, i + 16), (b) => b.toString(16).padStart(2, '0')).join(' '));
  }
  return lines.join('\n');
}

function eventOf(entry: RecordedReport, layout: TelephonyLayout | null, now: number): BundleEvent {
  const event: BundleEvent = {
    ageMs: Math.max(0, now - entry.at),
    direction: entry.direction,
    hex: Array.from(entry.bytes, (b) => b.toString(16).padStart(2, '0')).join(''),
  };
  if (layout) {
    const decoded = entry.direction === 'input' ? decodeInputReport(layout, entry.bytes) : decodeOutputReport(layout, entry.bytes);
    if (decoded.ok) event.values = decoded.value.values;
  }
  return event;
}

export function supportBundle(input: SupportBundleInput): { fileName: string; json: string } {
  const { info, layout } = input;
  const created = new Date(input.now);
  const bundle: SupportBundle = {
    format: 'hookswitch-headset-support',
    version: 1,
    createdAt: created.toISOString(),
    about: input.about,
    device: {
      product: info.product,
      vendorId: hex4(info.vendorId),
      productId: hex4(info.productId),
      usagePage: hex4(info.usagePage),
      usage: hex4(info.usage),
      status: input.status,
    },
    descriptor: { length: info.descriptor.length, hex: descriptorHex(info.descriptor) },
    layout: layout ? summarizeLayout(layout) : null,
    vendorChannel: layout?.vendorChannel ? summarizeLayout({ telephony: false, reports: layout.vendorChannel.reports }) : null,
    leds: input.leds,
    events: input.record.list().map((entry) => eventOf(entry, layout, input.now)),
  };
  const stamp = created.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return {
    fileName: `hookswitch-headset-${hex4(info.vendorId)}-${hex4(info.productId)}-${stamp}.json`,
    json: `${JSON.stringify(bundle, null, 2)}\n`,
  };
}
