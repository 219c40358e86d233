// HeadsetController: USB headsets and desk phones as call controls. The host owns the state
// (NOTES.md §0): a device's reports are requests, answered by the call side and acknowledged by
// writing the LEDs that follow from the call list to every open device. Nothing here knows a
// model: every bit comes from the layout the device's own descriptor gives.
import type { Call } from '../../../preload/contract.ts';
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
import type { HidConnection, HidDeviceChange, HidDeviceInfo, HidTransport } from './hid-transport.ts';
import type { Control, ReportLayout, TelephonyLayout } from './layout.ts';
import { decodeInputReport, encodeOutputReport, type ControlValues } from './report-codec.ts';
import { telephonyLayout } from './telephony-layout.ts';

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
}

export interface HeadsetDevice {
  path: string;
  vendorId: number;
  productId: number;
  product: string;
  /** The device has spoken on its vendor channel (Jabra GN), so LEDs go there too. */
  vendorChannel: boolean;
}

/**
 * Vendors whose GN vendor channel (0xFF30/0xFF40) is followed: Jabra (NOTES.md §2.6) and
 * Yealink, whose descriptor clones it and whose integrations drive report 4 (NOTES.md §5).
 */
const GN_VENDORS: ReadonlySet<number> = new Set([0x0b0e, 0x6993]);

const ACTED_ON = new Set(['hookSwitch', 'phoneMute', 'flash', 'redial', 'reject', 'drop']);
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
    for (const path of [...this.open.keys()]) {
      if (!byPath.has(path)) await this.closeDevice(path, 'no longer listed');
    }
    await Promise.all([...byPath.values()].map((info) => this.consider(info)));
  }

  private onDeviceChange(change: HidDeviceChange): void {
    if (!this.started) return;
    if (change.kind === 'arrived') {
      void this.consider(change.device);
      return;
    }
    const wait = this.opening.get(change.path);
    if (wait) wait.wanted = false;
    void this.closeDevice(change.path, 'removed');
  }

  private layoutOf(info: HidDeviceInfo): TelephonyLayout | null {
    if (info.descriptor.length === 0) {
      this.logger.debug(`headset: ${describe(info)} at ${info.path}: no report descriptor`);
      return null;
    }
    let layout: TelephonyLayout;
    try {
      layout = telephonyLayout(info.descriptor);
    } catch (error) {
      this.logger.warn(`headset: ${describe(info)}: unreadable report descriptor: ${messageOf(error)}`);
      return null;
    }
    if (layout.vendorChannel && !GN_VENDORS.has(info.vendorId)) {
      const { vendorChannel: _ignored, ...standard } = layout;
      layout = standard;
    }
    const reports = [...layout.reports, ...(layout.vendorChannel?.reports ?? [])];
    const usable = reports.some((r) => r.direction === 'output' || r.controls.some((c) => ACTED_ON.has(c.name)));
    return usable ? layout : null;
  }

  private async consider(info: HidDeviceInfo): Promise<void> {
    if (this.open.has(info.path) || this.opening.has(info.path)) return;
    const layout = this.layoutOf(info);
    if (!layout) return;
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
          void this.closeDevice(info.path, 'read failed');
        },
      });
    } catch (error) {
      this.logger.warn(`headset: ${describe(info)}: open failed: ${messageOf(error)}`);
      return;
    } finally {
      this.opening.delete(info.path);
    }
    if (!wait.wanted || !this.started) {
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

  private async closeDevice(path: string, why: string): Promise<void> {
    const device = this.open.get(path);
    if (!device) return;
    this.open.delete(path);
    this.logger.info(`headset: closed ${describe(device.info)} (${why})`);
    try {
      await device.connection.close();
    } catch (error) {
      this.logger.debug(`headset: closing ${path} failed: ${messageOf(error)}`);
    }
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
  private writeDevice(device: OpenDevice, shadow: ControlValues, force: boolean): Promise<void> {
    const writes: Promise<void>[] = [];
    let offHookWritten = false;
    for (const report of this.outputReports(device)) {
      const bytes = encodeOutputReport(report, shadow);
      const text = hex(bytes);
      if (!force && device.written.get(report.reportId) === text) continue;
      device.written.set(report.reportId, text);
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
