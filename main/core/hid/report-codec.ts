// Reports <-> named control values, driven only by the layout read from the device's descriptor.
// Output reports are always encoded whole from a shadow of every field, because a report carries
// all the LEDs that share its ID and writing one LED alone would clear the others.
import type { Control, ControlName, ReportLayout, TelephonyLayout } from './layout.ts';

export type ControlValues = Partial<Record<ControlName, number>>;

export interface DecodedReport {
  report: ReportLayout;
  values: ControlValues;
}

export type DecodeFailure = 'empty' | 'unknown-report' | 'too-short';

export type DecodeResult = { ok: true; value: DecodedReport } | { ok: false; error: DecodeFailure; reportId: number | null };

/** Every report of the layout: the telephony collection's and those of a vendor channel it has. */
export function allReports(layout: TelephonyLayout): ReportLayout[] {
  return [...layout.reports, ...(layout.vendorChannel?.reports ?? [])];
}

/** True when the device numbers its reports in this direction (then every report carries an ID byte). */
export function usesReportIds(layout: TelephonyLayout, direction: 'input' | 'output'): boolean {
  return allReports(layout).some((r) => r.direction === direction && r.reportId !== 0);
}

function findReport(layout: TelephonyLayout, direction: 'input' | 'output', reportId: number): ReportLayout | undefined {
  return allReports(layout).find((r) => r.direction === direction && r.reportId === reportId);
}

function decodeBody(layout: TelephonyLayout, direction: 'input' | 'output', reportId: number, body: Uint8Array): DecodeResult {
  const report = findReport(layout, direction, reportId);
  if (!report) return { ok: false, error: 'unknown-report', reportId };
  // Longer is fine: Windows pads every input report to the collection's longest one.
  if (body.length < report.byteLength) return { ok: false, error: 'too-short', reportId };
  const values: ControlValues = {};
  for (const control of report.controls) {
    const value = readControl(control, body);
    const seen = values[control.name];
    // Two fields with one name (e.g. two usages both meaning "reject"): any pressed one wins.
    if (seen === undefined || seen === 0) values[control.name] = value;
  }
  return { ok: true, value: { report, values } };
}

/** An input report as the transport delivers it (report-ID byte first only when the device uses IDs). */
export function decodeInputReport(layout: TelephonyLayout, data: Uint8Array): DecodeResult {
  if (data.length === 0) return { ok: false, error: 'empty', reportId: null };
  if (!usesReportIds(layout, 'input')) return decodeBody(layout, 'input', 0, data);
  return decodeBody(layout, 'input', data[0] ?? 0, data.subarray(1));
}

/** An output report as written to the device (report-ID byte always first, 0 without IDs). */
export function decodeOutputReport(layout: TelephonyLayout, data: Uint8Array): DecodeResult {
  if (data.length === 0) return { ok: false, error: 'empty', reportId: null };
  return decodeBody(layout, 'output', data[0] ?? 0, data.subarray(1));
}

/** The whole output report, ID byte first, every field taken from the shadow (0 where absent). */
export function encodeOutputReport(report: ReportLayout, shadow: ControlValues): Uint8Array {
  const out = new Uint8Array(report.byteLength + 1);
  out[0] = report.reportId;
  writeControls(report, shadow, out.subarray(1));
  return out;
}

/** An input report laid out the way the device sends it (ID byte only when the device uses IDs). */
export function encodeInputReport(layout: TelephonyLayout, report: ReportLayout, values: ControlValues): Uint8Array {
  const withId = usesReportIds(layout, 'input');
  const out = new Uint8Array(report.byteLength + (withId ? 1 : 0));
  if (withId) out[0] = report.reportId;
  writeControls(report, values, withId ? out.subarray(1) : out);
  return out;
}

function writeControls(report: ReportLayout, values: ControlValues, body: Uint8Array): void {
  for (const control of report.controls) {
    writeControl(control, values[control.name] ?? 0, body);
  }
}

/** Array items (the keypad) hold the index of the pressed usage; values here are usages, 0 = none. */
function isArray(control: Control): boolean {
  return control.usageMin !== undefined;
}

function readControl(control: Control, body: Uint8Array): number {
  let raw = 0;
  for (let i = 0; i < control.bitSize && i < 32; i++) {
    const pos = control.bitOffset + i;
    const byte = body[pos >> 3] ?? 0;
    if ((byte >> (pos & 7)) & 1) raw += 2 ** i;
  }
  let value = raw;
  if (control.logicalMin < 0 && control.bitSize > 0 && raw >= 2 ** (control.bitSize - 1)) value = raw - 2 ** control.bitSize;
  if (!isArray(control)) return value;
  if (value < control.logicalMin || value > control.logicalMax) return 0;
  // All bits 0 is a device at rest, even where index 0 names a key (Jabra's keypad has no Null
  // State and sends 0 in every report): reading it as Phone Key 0 would press 0 all day.
  if (raw === 0) return 0;
  const usage = (control.usageMin ?? 0) + (value - control.logicalMin);
  return usage <= (control.usageMax ?? usage) ? usage : 0;
}

function writeControl(control: Control, value: number, body: Uint8Array): void {
  let logical = value;
  if (isArray(control)) {
    const min = control.usageMin ?? 0;
    const max = control.usageMax ?? min;
    // No key pressed: all bits 0, which is what devices at rest send.
    logical = value >= min && value <= max ? control.logicalMin + (value - min) : 0;
  }
  const size = Math.min(control.bitSize, 32);
  const span = 2 ** size;
  let raw = Math.trunc(logical) % span;
  if (raw < 0) raw += span;
  for (let i = 0; i < size; i++) {
    const pos = control.bitOffset + i;
    const index = pos >> 3;
    if (index >= body.length) return;
    const bit = Math.floor(raw / 2 ** i) % 2;
    const mask = 1 << (pos & 7);
    body[index] = bit ? (body[index] ?? 0) | mask : (body[index] ?? 0) & ~mask;
  }
}
