// A USB headset or desk phone without the hardware: a HidTransport whose devices are built from
// real report descriptors (test/fixtures/hid). A test presses buttons by name and the device
// sends the input report laid out as its descriptor says; every output report written to it is
// kept and decoded back to LED values, so tests assert what the user would see on the headset.
import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../main/core/ports.ts';
import { decodeDescriptorFile } from '../../main/core/hid/descriptor/descriptor-file.ts';
import type {
  HidConnection,
  HidDeviceChange,
  HidDeviceInfo,
  HidInputHandlers,
  HidTransport,
} from '../../main/core/hid/hid-transport.ts';
import type { InputName, OutputName, ReportLayout, TelephonyLayout } from '../../main/core/hid/layout.ts';
import { decodeOutputReport, encodeInputReport, type ControlValues } from '../../main/core/hid/report-codec.ts';
import { telephonyLayout } from '../../main/core/hid/telephony-layout.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const hidFixturesDir = path.resolve(repoRoot, 'test', 'fixtures', 'hid');

export interface HidFixture {
  file: string;
  product: string;
  vendorId: number;
  productId: number;
  descriptor: Uint8Array;
}

/** A fixture file: its descriptor bytes and the device named in its header. */
export function loadHidFixture(file: string): HidFixture {
  const content = fs.readFileSync(path.join(hidFixturesDir, file));
  const text = content.toString('latin1');
  const product = /^# Device\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? file;
  const ids = /^# VID:PID\s*:\s*([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})/m.exec(text);
  return {
    file,
    product,
    vendorId: Number.parseInt(ids?.[1] ?? '0', 16),
    productId: Number.parseInt(ids?.[2] ?? '0', 16),
    descriptor: decodeDescriptorFile(new Uint8Array(content)),
  };
}

export interface ReplayDeviceOptions {
  path?: string;
  /** Like Jabra: answers an Off-Hook write by reporting the hook switch at that level. */
  acknowledgeOffHook?: boolean;
  /** How long after the write that acknowledgement comes. */
  acknowledgeDelayMs?: number;
  /** False: attached without a hot-plug event (as while the machine slept). */
  announce?: boolean;
}

export interface PressOptions {
  /** Send on the vendor channel (Jabra GN report 4) rather than the telephony collection. */
  vendor?: boolean;
}

export interface WrittenReport {
  reportId: number;
  /** Decoded LED values; null when the report is not one the layout knows. */
  values: ControlValues | null;
  bytes: Uint8Array;
}

let nextPath = 1;

/** A broken descriptor still makes a device (one the host must refuse), just without controls. */
function layoutOrNothing(descriptor: Uint8Array): TelephonyLayout {
  try {
    return telephonyLayout(descriptor);
  } catch {
    return { telephony: false, collection: null, reports: [] };
  }
}

export class ReplayDevice {
  readonly info: HidDeviceInfo;
  readonly layout: TelephonyLayout;
  readonly written: WrittenReport[] = [];
  handlers: HidInputHandlers | null = null;
  plugged = true;
  /** Paths opened and not closed yet (more than one would be a leak). */
  openCount = 0;
  /** Makes the next writes fail, like a device that went away mid-write. */
  failWrites = false;
  private readonly inputs = new Map<ReportLayout, ControlValues>();
  private readonly clock: Clock;
  private readonly options: ReplayDeviceOptions;

  constructor(fixture: HidFixture, clock: Clock, options: ReplayDeviceOptions = {}) {
    this.layout = layoutOrNothing(fixture.descriptor);
    this.clock = clock;
    this.options = options;
    this.info = {
      path: options.path ?? `/dev/hidraw-replay-${nextPath++}`,
      vendorId: fixture.vendorId,
      productId: fixture.productId,
      product: fixture.product,
      usagePage: this.layout.collection?.usagePage ?? 0,
      usage: this.layout.collection?.usage ?? 0,
      descriptor: fixture.descriptor,
    };
  }

  get isOpen(): boolean {
    return this.handlers !== null;
  }

  /** Sets a control to `value` (1 = pressed/on) and sends its whole report. */
  set(name: InputName, value: number, options: PressOptions = {}): Uint8Array {
    const report = this.inputReportWith(name, options);
    const values = this.inputs.get(report) ?? {};
    values[name] = value;
    this.inputs.set(report, values);
    return this.sendReport(report);
  }

  press(name: InputName, options: PressOptions = {}): Uint8Array {
    return this.set(name, 1, options);
  }

  release(name: InputName, options: PressOptions = {}): Uint8Array {
    return this.set(name, 0, options);
  }

  /** Press and release: two reports, as buttons send them. */
  click(name: InputName, options: PressOptions = {}): void {
    this.press(name, options);
    this.release(name, options);
  }

  /** Sends the report that carries `name` again, unchanged (a repeat, a held level). */
  repeat(name: InputName, options: PressOptions = {}): Uint8Array {
    return this.sendReport(this.inputReportWith(name, options));
  }

  /** Any bytes at all, as the transport would hand them over. */
  sendRaw(bytes: Uint8Array): void {
    this.handlers?.onReport(bytes);
  }

  /** What the device currently shows, from every output report written to it. */
  leds(options: PressOptions = {}): Partial<Record<OutputName, number>> {
    const ids = new Set(this.outputReports(options).map((r) => r.reportId));
    const shown: Partial<Record<OutputName, number>> = {};
    for (const w of this.written) {
      if (!ids.has(w.reportId) || !w.values) continue;
      Object.assign(shown, w.values);
    }
    return shown;
  }

  /** The written reports of one channel (standard unless `vendor`). */
  writes(options: PressOptions = {}): WrittenReport[] {
    const ids = new Set(this.outputReports(options).map((r) => r.reportId));
    return this.written.filter((w) => ids.has(w.reportId));
  }

  clearWrites(): void {
    this.written.length = 0;
  }

  /** Called by the connection for every write. */
  receive(bytes: Uint8Array): void {
    const copy = new Uint8Array(bytes);
    const decoded = decodeOutputReport(this.layout, copy);
    const values = decoded.ok ? decoded.value.values : null;
    this.written.push({ reportId: copy[0] ?? 0, values, bytes: copy });
    const offHook = values?.offHookLed;
    if (this.options.acknowledgeOffHook && offHook !== undefined) {
      const report = this.inputReportWith('hookSwitch', { vendor: decoded.ok && this.isVendor(decoded.value.report) });
      if ((this.inputs.get(report)?.hookSwitch ?? 0) !== offHook) {
        this.clock.setTimeout(() => {
          if (this.isOpen) this.set('hookSwitch', offHook, { vendor: this.isVendor(report) });
        }, this.options.acknowledgeDelayMs ?? 20);
      }
    }
  }

  private isVendor(report: ReportLayout): boolean {
    return this.layout.vendorChannel?.reports.includes(report) ?? false;
  }

  private outputReports(options: PressOptions): ReportLayout[] {
    const reports = options.vendor ? (this.layout.vendorChannel?.reports ?? []) : this.layout.reports;
    return reports.filter((r) => r.direction === 'output');
  }

  private inputReportWith(name: InputName, options: PressOptions): ReportLayout {
    const reports = options.vendor ? (this.layout.vendorChannel?.reports ?? []) : this.layout.reports;
    const report = reports.find((r) => r.direction === 'input' && r.controls.some((c) => c.name === name));
    if (!report) throw new Error(`${this.info.product} has no ${name}${options.vendor ? ' on its vendor channel' : ''}`);
    return report;
  }

  private sendReport(report: ReportLayout): Uint8Array {
    const bytes = encodeInputReport(this.layout, report, this.inputs.get(report) ?? {});
    this.handlers?.onReport(bytes);
    return bytes;
  }
}

class ReplayConnection implements HidConnection {
  constructor(
    readonly path: string,
    private readonly device: ReplayDevice,
  ) {}

  write(report: Uint8Array): Promise<void> {
    if (!this.device.plugged || !this.device.isOpen) return Promise.reject(new Error('device not open'));
    if (this.device.failWrites) return Promise.reject(new Error('write failed'));
    this.device.receive(report);
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.device.handlers) {
      this.device.handlers = null;
      this.device.openCount--;
    }
    return Promise.resolve();
  }
}

/** The transport a test hands to the controller: devices come and go with plug()/unplug(). */
export class ReplayTransport implements HidTransport {
  readonly devices: ReplayDevice[] = [];
  /** Other entries the OS lists (consumer collections, webcams): never telephony. */
  readonly extraEntries: HidDeviceInfo[] = [];
  private readonly listeners = new Set<(change: HidDeviceChange) => void>();

  constructor(private readonly clock: Clock) {}

  /** Attaches a device built from a fixture file (e.g. 'jabra-evolve-link-ms.hex'). */
  plug(file: string | HidFixture, options: ReplayDeviceOptions = {}): ReplayDevice {
    const fixture = typeof file === 'string' ? loadHidFixture(file) : file;
    const device = new ReplayDevice(fixture, this.clock, options);
    this.devices.push(device);
    if (options.announce === false) return device;
    for (const listener of this.listeners) listener({ kind: 'arrived', device: device.info });
    return device;
  }

  /** A hot-plug arrival event for a device already attached (as after a driver reset). */
  announce(device: ReplayDevice): void {
    for (const listener of this.listeners) listener({ kind: 'arrived', device: device.info });
  }

  unplug(device: ReplayDevice): void {
    device.plugged = false;
    const index = this.devices.indexOf(device);
    if (index >= 0) this.devices.splice(index, 1);
    for (const listener of this.listeners) listener({ kind: 'removed', path: device.info.path });
  }

  list(): Promise<HidDeviceInfo[]> {
    return Promise.resolve([...this.devices.map((d) => d.info), ...this.extraEntries]);
  }

  open(devicePath: string, handlers: HidInputHandlers): Promise<HidConnection> {
    const device = this.devices.find((d) => d.info.path === devicePath);
    if (!device) return Promise.reject(new Error(`no device at ${devicePath}`));
    device.handlers = handlers;
    device.openCount++;
    return Promise.resolve(new ReplayConnection(devicePath, device));
  }

  onDeviceChange(listener: (change: HidDeviceChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
