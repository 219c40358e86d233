// HeadsetController: USB headsets and desk phones as call controls. The host owns the state
// (NOTES.md §0): a device's reports are requests, answered by the call side and acknowledged by
// writing the LEDs that follow from the call list to every open device. Nothing here knows a
// model: every bit comes from the layout the device's own descriptor gives.
import type { Call, HeadsetInputEvent, HeadsetOutput, HeadsetSettings, HeadsetStatus, HeadsetView } from '../../../preload/contract.ts';
import { AppError } from '../errors.ts';
import type { Clock, Logger } from '../ports.ts';
import {
  connectedCalls,
  currentCall,
  isSettled,
  ledState,
  outputShadow,
  ringingCalls,
  withPending,
  type LedState,
  type PendingChange,
} from './headset-state.ts';
import { headsetKey, headsetKind, type HeadsetKind } from './headset-kind.ts';
import type { HidConnection, HidDeviceChange, HidDeviceInfo, HidTransport } from './hid-transport.ts';
import type { Control, InputName, ReportLayout, TelephonyLayout } from './layout.ts';
import { decodeInputReport, encodeOutputReport, type ControlValues } from './report-codec.ts';
import { ReportRecord, supportBundle } from './support-bundle.ts';

/** What the controller asks of the call side; a rejected promise means the request failed. */
export interface CallControl {
  answer(callId: string): Promise<unknown>;
  hangup(callId: string): Promise<unknown>;
  reject(callId: string): Promise<unknown>;
  setMuted(callId: string, muted: boolean): Promise<unknown>;
  hold(callId: string, on: boolean): Promise<unknown>;
  /** Flash with more than one line: swap the active and held calls, or hold one to take a waiting one. */
  swapOrHold(): Promise<unknown>;
  redial(): Promise<unknown>;
}

export interface HeadsetTiming {
  /** After we change Off-Hook, hook reports this soon are the device's acknowledgement, not a user. */
  echoWindowMs: number;
  /** Identical reports, or the same gesture from one device, this close together count once. */
  duplicateWindowMs: number;
  /** How long a device's request is shown before the call list confirms it. */
  pendingTimeoutMs: number;
}

export const defaultHeadsetTiming: HeadsetTiming = { echoWindowMs: 500, duplicateWindowMs: 150, pendingTimeoutMs: 5000 };

export interface HeadsetControllerOptions {
  transport: HidTransport;
  calls: CallControl;
  clock: Clock;
  logger: Logger;
  timing?: Partial<HeadsetTiming>;
  /** Which devices the user wants; all telephony devices when absent. */
  settings?: HeadsetSettings;
  /** The device list changed (plugged, removed, opened, closed, switched on or off). */
  onDevicesChanged?: (views: HeadsetView[]) => void;
  /** A telephony input report arrived (the device page's live view). */
  onInput?: (event: HeadsetInputEvent) => void;
  /** App version, OS and the like, for support bundles. */
  about?: Record<string, string>;
}

export interface HeadsetDevice {
  path: string;
  vendorId: number;
  productId: number;
  product: string;
  /** The device has spoken on its vendor channel (Jabra GN), so LEDs go there too. */
  vendorChannel: boolean;
}

/** Inputs whose 1 means a finger on a button right now (the hook switch's 1 is only a level). */
const PRESSES = new Set(['phoneMute', 'flash', 'redial', 'reject', 'drop']);

type Gesture = 'hook' | 'mute' | 'flash' | 'redial' | 'reject';

interface OpenDevice {
  info: HidDeviceInfo;
  layout: TelephonyLayout;
  connection: HidConnection;
  vendorReports: ReadonlySet<ReportLayout>;
  vendorActive: boolean;
  /** Last report of each input report ID, for the duplicate filter. */
  lastReport: Map<number, { bytes: string; at: number }>;
  /** Last value of each input control, by `reportId:name`, for edges. */
  lastValue: Map<string, number>;
  /** The last time we changed Off-Hook on this device, and to what. */
  offHookSet: { value: number; at: number } | null;
  /** Last bytes written per output report ID. */
  written: Map<number, string>;
  gestures: Map<Gesture, number>;
}

/** Every listed device path, open or not: what the device page shows and bundles come from. */
interface KnownDevice {
  info: HidDeviceInfo;
  kind: HeadsetKind;
  openFailed: boolean;
  record: ReportRecord;
  /** Outputs lit from the device page; empty means the LEDs follow the calls. */
  trying: Set<HeadsetOutput>;
  /** Who lit them: when that renderer goes away, the LEDs go back to the calls. */
  triedBy: string | null;
}

interface Pending {
  change: PendingChange;
  timer: unknown;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function describe(info: HidDeviceInfo): string {
  const id = `${info.vendorId.toString(16).padStart(4, '0')}:${info.productId.toString(16).padStart(4, '0')}`;
  return `${info.product || 'HID device'} (${id})`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class HeadsetController {
  private readonly transport: HidTransport;
  private readonly port: CallControl;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timing: HeadsetTiming;
  private readonly open = new Map<string, OpenDevice>();
  private readonly known = new Map<string, KnownDevice>();
  private settings: HeadsetSettings;
  private readonly onDevicesChanged: (views: HeadsetView[]) => void;
  private readonly onInput: (event: HeadsetInputEvent) => void;
  private readonly about: Record<string, string>;
  /** Paths being opened; set to false when the device left meanwhile. */
  private readonly opening = new Map<string, { wanted: boolean }>();
  private readonly pending = new Map<string, Pending>();
  private calls: Call[] = [];
  private started = false;
  private unsubscribe: (() => void) | null = null;

  constructor(options: HeadsetControllerOptions) {
    this.transport = options.transport;
    this.port = options.calls;
    this.clock = options.clock;
    this.logger = options.logger;
    this.timing = { ...defaultHeadsetTiming, ...options.timing };
    this.settings = options.settings ?? { enabled: true, ignored: [] };
    this.onDevicesChanged = options.onDevicesChanged ?? (() => undefined);
    this.onInput = options.onInput ?? (() => undefined);
    this.about = options.about ?? {};
  }

  /** Opens every telephony device present and follows hot-plug. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.transport.onDeviceChange((change) => {
      this.onDeviceChange(change);
    });
    await this.reconcile();
  }

  /** Turns the LEDs off and closes every device. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const entry of this.pending.values()) this.clock.clearTimeout(entry.timer);
    this.pending.clear();
    for (const wait of this.opening.values()) wait.wanted = false;
    const idle = outputShadow({ offHook: false, ring: false, ringer: false, mute: false, hold: false });
    const devices = [...this.open.values()];
    this.open.clear();
    for (const known of this.known.values()) known.trying.clear();
    await Promise.allSettled(
      devices.map(async (device) => {
        await this.writeDevice(device, idle, true);
        await device.connection.close();
      }),
    );
  }

  /** The call list as `calls:changed` gives it; the devices' LEDs follow. */
  updateCalls(calls: readonly Call[]): void {
    this.calls = [...calls];
    // A call needs the LEDs: whatever was being tried gives way.
    if (this.endTries()) this.devicesChanged();
    for (const [key, entry] of this.pending) {
      const real = this.calls.find((c) => c.id === entry.change.callId);
      if (isSettled(entry.change, real)) this.dropPending(key);
    }
    this.refresh(null);
  }

  /** After resume: picks up devices that came or went unseen, then resends every LED. */
  async resync(): Promise<void> {
    if (!this.started) return;
    await this.reconcile();
    const shadow = this.shadow();
    await Promise.all([...this.open.values()].map((device) => this.writeDevice(device, shadow, true)));
  }

  /** What the devices are told to show. */
  leds(): LedState {
    return ledState(this.effectiveCalls());
  }

  /** Applies the user's choice: devices switched off are darkened and closed, the others opened. */
  async configure(settings: HeadsetSettings): Promise<void> {
    this.settings = { enabled: settings.enabled, ignored: [...settings.ignored] };
    if (!this.started) return;
    const idle = outputShadow({ offHook: false, ring: false, ringer: false, mute: false, hold: false });
    const unwanted = [...this.open.values()].filter((d) => !this.wanted(d.info));
    await Promise.all(
      unwanted.map(async (device) => {
        this.open.delete(device.info.path);
        await this.writeDevice(device, idle, true);
        await this.closeDevice(device, 'switched off in settings');
      }),
    );
    await Promise.all([...this.known.values()].map((k) => this.consider(k.info)));
    this.devicesChanged();
  }

  /** Every device worth showing on the device page, with what Hookswitch does with it. */
  views(): HeadsetView[] {
    const views: HeadsetView[] = [];
    for (const known of this.known.values()) {
      const status = this.statusOf(known);
      if (status === null) continue;
      const layout = known.kind.kind === 'call-control' ? known.kind.layout : null;
      const reports = layout ? [...layout.reports, ...(layout.vendorChannel?.reports ?? [])] : [];
      const names = (direction: 'input' | 'output'): string[] => [
        ...new Set(reports.filter((r) => r.direction === direction).flatMap((r) => r.controls.map((c) => c.name))),
      ];
      views.push({
        id: known.info.path,
        key: headsetKey(known.info),
        product: known.info.product.slice(0, 256),
        vendorId: known.info.vendorId,
        productId: known.info.productId,
        status,
        inputs: names('input') as HeadsetView['inputs'],
        outputs: names('output') as HeadsetView['outputs'],
        trying: [...known.trying],
      });
    }
    return views.sort((a, b) => a.product.localeCompare(b.product) || a.id.localeCompare(b.id));
  }

  /**
   * Lights exactly these outputs on one open device so the user can see them work; an empty list
   * gives the device back to the calls. Throws no-such-device when it is not open.
   */
  async tryOutputs(id: string, outputs: readonly HeadsetOutput[], by: string | null = null): Promise<void> {
    const device = this.open.get(id);
    const known = this.known.get(id);
    if (!device || !known) throw new AppError('no-such-device', `no open headset ${id}`);
    const before = [...known.trying].sort().join();
    known.trying = new Set(outputs);
    known.triedBy = outputs.length > 0 ? by : null;
    if ([...known.trying].sort().join() !== before) this.devicesChanged();
    await this.writeDevice(device, this.shadow(), false);
  }

  /** A renderer went away (reload, crash, closed tab): the LEDs it was trying follow the calls again. */
  senderGone(by: string): void {
    let ended = false;
    for (const known of this.known.values()) {
      if (known.triedBy !== by || known.trying.size === 0) continue;
      known.trying.clear();
      known.triedBy = null;
      ended = true;
    }
    if (!ended) return;
    this.refresh(null);
    this.devicesChanged();
  }

  /** The support bundle of one listed device. Throws no-such-device for an unknown id. */
  supportBundle(id: string): { fileName: string; json: string } {
    const known = this.known.get(id);
    const status = known ? this.statusOf(known) : null;
    if (!known || status === null) throw new AppError('no-such-device', `no headset ${id}`);
    const device = this.open.get(id);
    return supportBundle({
      info: known.info,
      layout: known.kind.kind === 'call-control' ? known.kind.layout : null,
      status,
      leds: device ? this.shadowFor(device, this.shadow()) : {},
      record: known.record,
      now: this.clock.now(),
      about: this.about,
    });
  }

  devices(): HeadsetDevice[] {
    return [...this.open.values()].map((d) => ({
      path: d.info.path,
      vendorId: d.info.vendorId,
      productId: d.info.productId,
      product: d.info.product,
      vendorChannel: d.vendorActive,
    }));
  }

  // ------------------------------------------------------------------ devices

  private async reconcile(): Promise<void> {
    let listed: HidDeviceInfo[];
    try {
      listed = await this.transport.list();
    } catch (error) {
      this.logger.warn(`headset: listing HID devices failed: ${messageOf(error)}`);
      return;
    }
    // hidapi lists one entry per usage pair, several with the same path: open each path once.
    const byPath = new Map<string, HidDeviceInfo>();
    for (const info of listed) {
      const seen = byPath.get(info.path);
      if (!seen || (seen.descriptor.length === 0 && info.descriptor.length > 0)) byPath.set(info.path, info);
    }
    for (const path of [...this.known.keys()]) {
      if (!byPath.has(path)) await this.forget(path, 'no longer listed');
    }
    for (const info of byPath.values()) this.know(info);
    await Promise.all([...byPath.values()].map((info) => this.consider(info)));
    this.devicesChanged();
  }

  private onDeviceChange(change: HidDeviceChange): void {
    if (!this.started) return;
    if (change.kind === 'arrived') {
      const seen = this.known.get(change.device.path);
      // hidapi announces a path once per collection: the first with a descriptor counts.
      if (!seen || (seen.info.descriptor.length === 0 && change.device.descriptor.length > 0)) this.know(change.device);
      void this.consider(change.device).then(() => {
        this.devicesChanged();
      });
      this.devicesChanged();
      return;
    }
    const wait = this.opening.get(change.path);
    if (wait) wait.wanted = false;
    void this.forget(change.path, 'removed').then(() => {
      this.devicesChanged();
    });
  }

  /** Records a listed device and what it is; logs why one is left alone. */
  private know(info: HidDeviceInfo): KnownDevice {
    const seen = this.known.get(info.path);
    if (seen && (seen.info.descriptor.length > 0 || info.descriptor.length === 0)) return seen;
    const kind = headsetKind(info);
    if (kind.kind === 'no-descriptor') this.logger.debug(`headset: ${describe(info)} at ${info.path}: no report descriptor`);
    if (kind.kind === 'unreadable') this.logger.warn(`headset: ${describe(info)}: unreadable report descriptor: ${kind.reason}`);
    const known: KnownDevice = { info, kind, openFailed: false, record: seen?.record ?? new ReportRecord(), trying: new Set(), triedBy: null };
    this.known.set(info.path, known);
    return known;
  }

  private async forget(path: string, why: string): Promise<void> {
    this.known.delete(path);
    const device = this.open.get(path);
    if (!device) return;
    this.open.delete(path);
    await this.closeDevice(device, why);
  }

  private wanted(info: HidDeviceInfo): boolean {
    return this.started && this.settings.enabled && !this.settings.ignored.includes(headsetKey(info));
  }

  private statusOf(known: KnownDevice): HeadsetStatus | null {
    switch (known.kind.kind) {
      case 'other':
        return null;
      case 'no-call-controls':
        return 'no-call-controls';
      case 'no-descriptor':
        return 'no-descriptor';
      case 'unreadable':
        return known.info.usagePage === 0x0b ? 'no-descriptor' : null;
      case 'call-control':
        if (!this.settings.enabled) return 'disabled';
        if (this.settings.ignored.includes(headsetKey(known.info))) return 'switched-off';
        return known.openFailed && !this.open.has(known.info.path) ? 'open-failed' : 'in-use';
    }
  }

  private devicesChanged(): void {
    if (!this.started) return;
    try {
      this.onDevicesChanged(this.views());
    } catch (error) {
      this.logger.warn(`headset: announcing the device list failed: ${messageOf(error)}`);
    }
  }

  private async consider(info: HidDeviceInfo): Promise<void> {
    if (this.open.has(info.path) || this.opening.has(info.path)) return;
    const known = this.known.get(info.path) ?? this.know(info);
    if (known.kind.kind !== 'call-control' || !this.wanted(info)) return;
    const layout = known.kind.layout;
    const wait = { wanted: true };
    this.opening.set(info.path, wait);
    let connection: HidConnection;
    try {
      connection = await this.transport.open(info.path, {
        onReport: (report) => {
          this.onReport(info.path, report);
        },
        onError: (error) => {
          this.logger.warn(`headset: ${describe(info)}: read failed: ${messageOf(error)}`);
          const device = this.open.get(info.path);
          if (!device) return;
          this.open.delete(info.path);
          void this.closeDevice(device, 'read failed').then(() => {
            this.devicesChanged();
          });
        },
      });
    } catch (error) {
      this.logger.warn(`headset: ${describe(info)}: open failed: ${messageOf(error)}`);
      known.openFailed = true;
      return;
    } finally {
      this.opening.delete(info.path);
    }
    known.openFailed = false;
    if (!wait.wanted || !this.wanted(info)) {
      await connection.close().catch(() => undefined);
      return;
    }
    const device: OpenDevice = {
      info,
      layout,
      connection,
      vendorReports: new Set(layout.vendorChannel?.reports ?? []),
      vendorActive: false,
      lastReport: new Map(),
      lastValue: new Map(),
      offHookSet: null,
      written: new Map(),
      gestures: new Map(),
    };
    this.open.set(info.path, device);
    this.logger.info(`headset: opened ${describe(info)} at ${info.path}`);
    void this.writeDevice(device, this.shadow(), true);
  }

  /** Closes a device already taken out of `open`. */
  private async closeDevice(device: OpenDevice, why: string): Promise<void> {
    const known = this.known.get(device.info.path);
    known?.trying.clear();
    this.logger.info(`headset: closed ${describe(device.info)} (${why})`);
    try {
      await device.connection.close();
    } catch (error) {
      this.logger.debug(`headset: closing ${device.info.path} failed: ${messageOf(error)}`);
    }
  }

  /** Ends every device-page try; true when there was one. */
  private endTries(): boolean {
    let ended = false;
    for (const known of this.known.values()) {
      if (known.trying.size === 0) continue;
      known.trying.clear();
      ended = true;
    }
    return ended;
  }

  /** The calls' shadow, or on a device being tried from the device page, exactly what is tried. */
  private shadowFor(device: OpenDevice, shadow: ControlValues): ControlValues {
    const trying = this.known.get(device.info.path)?.trying;
    if (!trying || trying.size === 0) return shadow;
    const tried: ControlValues = {};
    for (const name of Object.keys(shadow) as (keyof ControlValues)[]) tried[name] = trying.has(name as HeadsetOutput) ? 1 : 0;
    for (const name of trying) tried[name] = 1;
    return tried;
  }

  // ------------------------------------------------------------------ LEDs

  private effectiveCalls(): Call[] {
    return withPending(
      this.calls,
      [...this.pending.values()].map((p) => p.change),
    );
  }

  private shadow(): ControlValues {
    return outputShadow(ledState(this.effectiveCalls()));
  }

  /** Writes what changed to every device; the one that just made a request gets everything again. */
  private refresh(acknowledge: OpenDevice | null): void {
    const shadow = this.shadow();
    for (const device of this.open.values()) void this.writeDevice(device, shadow, device === acknowledge);
  }

  private outputReports(device: OpenDevice): ReportLayout[] {
    const standard = device.layout.reports.filter((r) => r.direction === 'output');
    const vendor = device.vendorActive ? (device.layout.vendorChannel?.reports ?? []).filter((r) => r.direction === 'output') : [];
    return [...standard, ...vendor];
  }

  /**
   * Each output report whole from the shadow; unchanged ones are skipped unless forced. The writes
   * start now, in order; the promise (which never rejects) is for those who wait for them.
   */
  private writeDevice(device: OpenDevice, calls: ControlValues, force: boolean): Promise<void> {
    const shadow = this.shadowFor(device, calls);
    const record = this.known.get(device.info.path)?.record;
    const writes: Promise<void>[] = [];
    let offHookWritten = false;
    for (const report of this.outputReports(device)) {
      const bytes = encodeOutputReport(report, shadow);
      const text = hex(bytes);
      if (!force && device.written.get(report.reportId) === text) continue;
      device.written.set(report.reportId, text);
      record?.add('output', bytes, this.clock.now());
      if (report.controls.some((c) => c.name === 'offHookLed')) offHookWritten = true;
      writes.push(
        device.connection.write(bytes).catch((error: unknown) => {
          this.logger.warn(`headset: ${describe(device.info)}: writing report ${report.reportId} failed: ${messageOf(error)}`);
        }),
      );
    }
    if (offHookWritten) {
      const value = shadow.offHookLed ?? 0;
      if (device.offHookSet?.value !== value) device.offHookSet = { value, at: this.clock.now() };
    }
    return Promise.all(writes).then(() => undefined);
  }

  // ------------------------------------------------------------------ input

  private onReport(path: string, data: Uint8Array): void {
    const device = this.open.get(path);
    if (!device) return;
    this.known.get(path)?.record.add('input', data, this.clock.now());
    try {
      this.handleReport(device, data);
    } catch (error) {
      this.logger.error(`headset: ${describe(device.info)}: report ${hex(data.subarray(0, 16))} failed: ${messageOf(error)}`);
    }
  }

  private handleReport(device: OpenDevice, data: Uint8Array): void {
    const now = this.clock.now();
    const decoded = decodeInputReport(device.layout, data);
    if (!decoded.ok) {
      // Other collections' reports (volume keys, vendor data) arrive on the same path all the time.
      const line = `headset: ${describe(device.info)}: input report ignored (${decoded.error}): ${hex(data.subarray(0, 16))}`;
      if (decoded.error === 'unknown-report') this.logger.debug(line);
      else this.logger.warn(line);
      return;
    }
    const { report, values } = decoded.value;
    this.announceInput(device, report, values);
    const bytes = hex(data);
    const last = device.lastReport.get(report.reportId);
    device.lastReport.set(report.reportId, { bytes, at: now });
    if (last?.bytes === bytes && now - last.at < this.timing.duplicateWindowMs) {
      this.logger.debug(`headset: ${describe(device.info)}: duplicate report ${bytes} ignored`);
      return;
    }
    if (device.vendorReports.has(report) && !device.vendorActive) {
      device.vendorActive = true;
      this.logger.info(`headset: ${describe(device.info)} uses its vendor channel: LEDs go there too`);
    }
    // One entry per name (two fields may share one), with the value the previous report had.
    const controls = new Map<string, { control: Control; prev: number; value: number }>();
    for (const control of report.controls) {
      if (controls.has(control.name)) continue;
      const key = `${report.reportId}:${control.name}`;
      const value = values[control.name] ?? 0;
      controls.set(control.name, { control, prev: device.lastValue.get(key) ?? 0, value });
      device.lastValue.set(key, value);
    }
    // A level (toggle-switch) field that did not change rides along in every report of a shared
    // layout, stale when the device does not follow our LEDs: it is a request only when the report
    // is about it, i.e. nothing else in the report changed or is pressed.
    const aboutOnly = (name: string): boolean => {
      for (const [other, c] of controls) {
        if (other === name) continue;
        if (c.value !== c.prev) return false;
        if (PRESSES.has(other) && c.value !== 0) return false;
      }
      return true;
    };
    let acknowledge = false;
    for (const { control, prev, value } of controls.values()) {
      const about = value !== prev || aboutOnly(control.name);
      switch (control.name) {
        case 'hookSwitch':
          if (this.onHook(device, control, prev, value, about, now)) acknowledge = true;
          break;
        case 'phoneMute':
          if (this.onMute(device, control, prev, value, about, now)) acknowledge = true;
          break;
        case 'flash':
          if (prev === 0 && value !== 0) this.onFlash(device, now);
          break;
        case 'redial':
          if (prev === 0 && value !== 0) this.onRedial(device, now);
          break;
        case 'reject':
        case 'drop':
          if (prev === 0 && value !== 0) this.onReject(device, now);
          break;
        default:
          // Line Busy is another softphone's business; the keypad has nothing to dial into yet.
          break;
      }
    }
    this.refresh(acknowledge ? device : null);
  }

  /** Every report that decodes goes to the live view, duplicates and echoes included. */
  private announceInput(device: OpenDevice, report: ReportLayout, values: ControlValues): void {
    const names = [...new Set(report.controls.map((c) => c.name))] as InputName[];
    if (names.length === 0) return;
    try {
      this.onInput({ id: device.info.path, values: names.map((name) => ({ name, value: values[name] ?? 0 })) });
    } catch (error) {
      this.logger.warn(`headset: announcing an input report failed: ${messageOf(error)}`);
    }
  }

  /** Returns true when the report was a request the device expects an answer to. */
  private onHook(device: OpenDevice, control: Control, prev: number, value: number, about: boolean, now: number): boolean {
    const set = device.offHookSet;
    const justSet = set !== null && now - set.at < this.timing.echoWindowMs;
    const host = this.leds().offHook ? 1 : 0;
    if (control.type === 'toggleSwitch') {
      // Where we already are: the acknowledgement of our write, or a repeat of a done request.
      if (value === host) return false;
      if (!about) {
        this.logger.debug(`headset: ${describe(device.info)}: hook ${value} carried by a report about something else`);
        return false;
      }
      if (justSet) {
        // It crossed our Off-Hook write on the wire; if the user meant it, the device says it again.
        this.logger.debug(`headset: ${describe(device.info)}: hook ${value} right after we set ${set.value}: not a user action`);
        return false;
      }
      if (value === 1) this.offHookRequest(device);
      else this.onHookRequest(device);
      return true;
    }
    // Toggle button or momentary (EPOS IMPACT D1): a press toggles the hook; release means nothing.
    if (!(prev === 0 && value !== 0)) return false;
    if (justSet && set.value === 1) {
      this.logger.debug(`headset: ${describe(device.info)}: hook press right after we went off-hook: not a user action`);
      return false;
    }
    if (this.debounced(device, 'hook', now)) return false;
    if (host === 1) this.onHookRequest(device);
    else this.offHookRequest(device);
    return true;
  }

  private offHookRequest(device: OpenDevice): void {
    const ringing = ringingCalls(this.effectiveCalls())[0];
    if (!ringing) {
      this.logger.debug(`headset: ${describe(device.info)}: off-hook with no call to answer; staying on-hook`);
      return;
    }
    this.logger.info(`headset: ${describe(device.info)}: answer ${ringing.id}`);
    this.request('answer', () => this.port.answer(ringing.id), [{ callId: ringing.id, field: 'state', value: 'answering' }]);
  }

  private onHookRequest(device: OpenDevice): void {
    const current = currentCall(this.effectiveCalls());
    if (!current) return;
    this.logger.info(`headset: ${describe(device.info)}: hang up ${current.id}`);
    this.request('hangup', () => this.port.hangup(current.id), [{ callId: current.id, field: 'state', value: 'ended' }]);
  }

  private onMute(device: OpenDevice, control: Control, prev: number, value: number, about: boolean, now: number): boolean {
    const calls = this.effectiveCalls();
    const current = currentCall(calls);
    const target = current?.state === 'established' ? current : undefined;
    if (control.type === 'toggleSwitch') {
      // A mute switch (Google's Atrus): the value is the state the user wants.
      if (value === (this.leds().mute ? 1 : 0) || !about) return false;
      if (!target) {
        this.logger.debug(`headset: ${describe(device.info)}: mute with no call in progress; ignored`);
        return true;
      }
      this.setMuted(target, value === 1);
      return true;
    }
    if (value === 0) return false;
    if (prev !== 0) {
      // Still 1 without a release in between: a mute lock (boom arm up) holding the microphone
      // muted, not a new press. Never toggle on it; make sure the call is muted.
      if (!target) return false;
      if (!target.muted) {
        this.logger.info(`headset: ${describe(device.info)} keeps sending mute: keeping ${target.id} muted`);
        this.setMuted(target, true);
      }
      return true;
    }
    if (this.debounced(device, 'mute', now)) return false;
    if (!target) {
      // Mute only works off-hook: the device is told again that nothing is muted.
      this.logger.debug(`headset: ${describe(device.info)}: mute with no call in progress; ignored`);
      return true;
    }
    this.setMuted(target, !target.muted);
    return true;
  }

  private setMuted(call: Call, muted: boolean): void {
    this.request('setMuted', () => this.port.setMuted(call.id, muted), [{ callId: call.id, field: 'muted', value: muted }]);
  }

  private onFlash(device: OpenDevice, now: number): void {
    if (this.debounced(device, 'flash', now)) return;
    const calls = this.effectiveCalls();
    const connected = connectedCalls(calls);
    const only = connected[0];
    if (!only) return;
    if (connected.length === 1 && ringingCalls(calls).length === 0) {
      if (only.state !== 'established') return;
      // One line: flash holds or resumes it, and the Hold LED shows that at once.
      this.logger.info(`headset: ${describe(device.info)}: ${only.held ? 'resume' : 'hold'} ${only.id}`);
      this.request('hold', () => this.port.hold(only.id, !only.held), [{ callId: only.id, field: 'held', value: !only.held }]);
      return;
    }
    this.logger.info(`headset: ${describe(device.info)}: swap or hold`);
    this.request('swapOrHold', () => this.port.swapOrHold(), []);
  }

  private onRedial(device: OpenDevice, now: number): void {
    if (this.debounced(device, 'redial', now)) return;
    if (this.effectiveCalls().some((c) => c.state !== 'ended')) return;
    this.logger.info(`headset: ${describe(device.info)}: redial`);
    this.request('redial', () => this.port.redial(), []);
  }

  private onReject(device: OpenDevice, now: number): void {
    if (this.debounced(device, 'reject', now)) return;
    const ringing = ringingCalls(this.effectiveCalls())[0];
    if (!ringing) return;
    this.logger.info(`headset: ${describe(device.info)}: reject ${ringing.id}`);
    this.request('reject', () => this.port.reject(ringing.id), [{ callId: ringing.id, field: 'state', value: 'ended' }]);
  }

  private debounced(device: OpenDevice, gesture: Gesture, now: number): boolean {
    const last = device.gestures.get(gesture);
    device.gestures.set(gesture, now);
    if (last !== undefined && now - last < this.timing.duplicateWindowMs) {
      this.logger.debug(`headset: ${describe(device.info)}: ${gesture} again within ${this.timing.duplicateWindowMs} ms ignored`);
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ call side

  /** Shows the change at once, asks the call side, and takes the change back if it refuses. */
  private request(what: string, run: () => Promise<unknown>, changes: PendingChange[]): void {
    const keys = changes.map((change) => this.addPending(change));
    let promise: Promise<unknown>;
    try {
      promise = run();
    } catch (error) {
      promise = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    promise.then(
      () => undefined,
      (error: unknown) => {
        this.logger.warn(`headset: ${what} failed: ${messageOf(error)}`);
        for (const [key, entry] of keys) if (this.pending.get(key) === entry) this.dropPending(key);
        this.refresh(null);
      },
    );
  }

  private addPending(change: PendingChange): [string, Pending] {
    const key = `${change.callId}:${change.field}`;
    this.dropPending(key);
    const entry: Pending = {
      change,
      timer: this.clock.setTimeout(() => {
        if (this.pending.get(key) !== entry) return;
        this.pending.delete(key);
        this.logger.warn(`headset: the call side did not confirm ${change.field} of ${change.callId}; showing the calls as they are`);
        this.refresh(null);
      }, this.timing.pendingTimeoutMs),
    };
    this.pending.set(key, entry);
    return [key, entry];
  }

  private dropPending(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.clock.clearTimeout(entry.timer);
    this.pending.delete(key);
  }
}
