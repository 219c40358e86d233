// Seeded fuzzing of everything that reads bytes from a USB device: the descriptor parser and the
// telephony mapping (random and mutated descriptors), and the input side of the headset
// controller (random and mutated reports, on real layouts and on mutated ones that still parse).
// The contract checked: the parser throws HidDescriptorError with an offset inside the input and
// nothing else; everything after it never throws, never logs an error, and every input is handled
// in bounded time. The unit suite runs a sample; `npm run fuzz` runs a million of each.
import { HidDescriptorError } from '../../main/core/hid/descriptor/descriptor-error.ts';
import { parseReportDescriptor } from '../../main/core/hid/descriptor/parse-report-descriptor.ts';
import type { ReportDescriptor } from '../../main/core/hid/descriptor/report-descriptor.ts';
import { headsetKind } from '../../main/core/hid/headset-kind.ts';
import { HeadsetController } from '../../main/core/hid/headset-controller.ts';
import type { TelephonyLayout } from '../../main/core/hid/layout.ts';
import { decodeInputReport, encodeInputReport, type ControlValues } from '../../main/core/hid/report-codec.ts';
import { telephonyLayoutOf } from '../../main/core/hid/telephony-layout.ts';
import { CallDesk } from '../unit/hid/behaviour/call-desk.ts';
import { FakeClock, RecordingLogger } from '../unit/core/support/fakes.ts';
import fs from 'node:fs';
import { hidFixturesDir, loadHidFixture, ReplayTransport, type HidFixture } from './hid-replay.ts';

/** mulberry32: small, seeded, good enough to spread inputs. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], next: () => number): T {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function fixtureFiles(): string[] {
  return fs
    .readdirSync(hidFixturesDir)
    .filter((f) => f.endsWith('.hex'))
    .sort();
}

// Item prefixes real descriptors use, so random input gets past the first few bytes often.
const PREFIXES = [0x05, 0x06, 0x09, 0x0a, 0x15, 0x16, 0x19, 0x25, 0x26, 0x29, 0x75, 0x85, 0x95, 0x96, 0x81, 0x91, 0xb1, 0xa1, 0xc0, 0xa4, 0xb4, 0x55, 0x65];

export function randomDescriptor(next: () => number, maxLength: number): Uint8Array {
  const length = 1 + Math.floor(next() * maxLength);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = next() < 0.5 ? pick(PREFIXES, next) : Math.floor(next() * 256);
  }
  return out;
}

/** One to four edits: overwrite, truncate, insert, delete or duplicate a run. */
export function mutate(source: Uint8Array, next: () => number): Uint8Array {
  const bytes = Array.from(source);
  const at = (): number => Math.floor(next() * Math.max(1, bytes.length));
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const op = Math.floor(next() * 5);
    if (op === 0) bytes[at()] = Math.floor(next() * 256);
    else if (op === 1) bytes.length = at();
    else if (op === 2) bytes.splice(at(), 0, ...Array.from({ length: 1 + Math.floor(next() * 8) }, () => Math.floor(next() * 256)));
    else if (op === 3) bytes.splice(at(), 1 + Math.floor(next() * 8));
    else {
      const from = at();
      bytes.splice(at(), 0, ...bytes.slice(from, from + 1 + Math.floor(next() * 16)));
    }
  }
  return Uint8Array.from(bytes);
}

/** Fields of one report follow each other bit for bit, from bit 0. */
function checkTiling(d: ReportDescriptor): void {
  for (const report of d.reports) {
    let expected = 0;
    for (const f of d.fields) {
      if (f.kind !== report.kind || f.reportId !== report.reportId) continue;
      if (f.bitOffset !== expected) throw new Error(`field at ${f.offset} starts at bit ${f.bitOffset}, expected ${expected}`);
      expected += f.reportSize * f.reportCount;
    }
  }
}

export interface FuzzOutcome {
  inputs: number;
  /** Parsed (descriptors) or decoded (reports). */
  accepted: number;
  /** Refused with the documented error (descriptors) or a decode failure (reports). */
  refused: number;
  slowestMs: number;
  /** Contract violations, with the input that caused each (at most 10 kept). */
  failures: string[];
}

function outcome(): FuzzOutcome {
  return { inputs: 0, accepted: 0, refused: 0, slowestMs: 0, failures: [] };
}

function fail(o: FuzzOutcome, message: string): void {
  if (o.failures.length < 10) o.failures.push(message);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, 512)).toString('hex');
}

/** Parses one descriptor and maps it; returns the layout, or null when it was refused. */
export function checkDescriptor(input: Uint8Array, o: FuzzOutcome): TelephonyLayout | null {
  o.inputs++;
  const started = performance.now();
  let layout: TelephonyLayout | null = null;
  try {
    const parsed = parseReportDescriptor(input);
    checkTiling(parsed);
    layout = telephonyLayoutOf(parsed);
    o.accepted++;
  } catch (err) {
    if (!(err instanceof HidDescriptorError)) fail(o, `descriptor ${hex(input)} threw ${String(err)}`);
    else if (err.offset < 0 || err.offset > input.length) fail(o, `descriptor ${hex(input)}: offset ${err.offset} outside ${input.length} bytes`);
    else o.refused++;
  }
  try {
    // What the device list does with it: never throws, whatever the bytes.
    headsetKind({ path: 'fuzz', vendorId: 0x0b0e, productId: 1, product: '', usagePage: 0x0b, usage: 5, descriptor: input });
  } catch (err) {
    fail(o, `headsetKind ${hex(input)} threw ${String(err)}`);
  }
  o.slowestMs = Math.max(o.slowestMs, performance.now() - started);
  return layout;
}

export function fuzzRandomDescriptors(seed: number, count: number): FuzzOutcome {
  const o = outcome();
  const next = random(seed);
  for (let i = 0; i < count; i++) checkDescriptor(randomDescriptor(next, 300), o);
  return o;
}

export function fuzzMutatedDescriptors(seed: number, count: number): FuzzOutcome {
  const o = outcome();
  const next = random(seed);
  const sources = fixtureFiles().map((f) => loadHidFixture(f).descriptor);
  for (let i = 0; i < count; i++) checkDescriptor(mutate(pick(sources, next), next), o);
  return o;
}

/** A report for this layout: a valid one with random values, mutated, or plain noise. */
function randomReport(layout: TelephonyLayout, next: () => number): Uint8Array {
  const inputs = [...layout.reports, ...(layout.vendorChannel?.reports ?? [])].filter((r) => r.direction === 'input');
  const choice = next();
  const report = inputs.length > 0 ? pick(inputs, next) : undefined;
  if (report && choice < 0.6) {
    const values: ControlValues = {};
    for (const c of report.controls) values[c.name] = next() < 0.7 ? Math.floor(next() * 2) : Math.floor(next() * 2 ** Math.min(c.bitSize, 16));
    const valid = encodeInputReport(layout, report, values);
    return choice < 0.45 ? valid : mutate(valid, next);
  }
  const length = Math.floor(next() * 72);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

/**
 * Drives one device's controller with `count` reports while calls come and go, the clock moves
 * on random amounts and, now and then, the app mutes or hangs up.
 */
async function fuzzDevice(fixture: HidFixture, layout: TelephonyLayout, count: number, next: () => number, o: FuzzOutcome): Promise<void> {
  const clock = new FakeClock();
  const logger = new RecordingLogger();
  const transport = new ReplayTransport(clock);
  const desk = new CallDesk();
  const controller = new HeadsetController({ transport, calls: desk, clock, logger });
  desk.publish = (calls) => {
    controller.updateCalls(calls);
  };
  const device = transport.plug(fixture);
  await controller.start();
  if (!device.isOpen) {
    fail(o, `${fixture.file}: a call-control device was not opened`);
    return;
  }
  let call = 0;
  for (let i = 0; i < count; i++) {
    const bytes = randomReport(layout, next);
    o.inputs++;
    const started = performance.now();
    try {
      if (decodeInputReport(layout, bytes).ok) o.accepted++;
      else o.refused++;
      device.sendRaw(bytes);
    } catch (err) {
      fail(o, `${fixture.file}: report ${hex(bytes)} threw ${String(err)}`);
    }
    o.slowestMs = Math.max(o.slowestMs, performance.now() - started);
    const what = next();
    if (what < 0.02) desk.incoming(`c${++call}`);
    else if (what < 0.03) desk.calls = desk.calls.filter((c) => c.state !== 'ended');
    else if (what < 0.04 && desk.calls[0]) desk.update(desk.calls[0].id, { muted: !desk.calls[0].muted });
    else if (what < 0.05 && desk.calls[0]) desk.update(desk.calls[0].id, { state: 'ended' });
    clock.advance(Math.floor(next() * 700));
    if (device.written.length > 256) device.clearWrites();
    if (logger.lines.length > 256) {
      for (const line of logger.lines) if (line.level === 'error') fail(o, `${fixture.file}: logged an error: ${line.msg}`);
      logger.lines.length = 0;
    }
  }
  for (const line of logger.lines) if (line.level === 'error') fail(o, `${fixture.file}: logged an error: ${line.msg}`);
  await controller.stop();
}

/**
 * Reports on every fixture's layout, and on layouts of mutated descriptors that still parse and
 * still have telephony inputs: the controller must survive what an odd device could send.
 */
export async function fuzzReports(seed: number, count: number): Promise<FuzzOutcome> {
  const o = outcome();
  const next = random(seed);
  const fixtures = fixtureFiles().map((f) => loadHidFixture(f));
  const perDevice = 2000;
  let done = 0;
  while (done < count) {
    const base = pick(fixtures, next);
    let fixture = base;
    if (next() < 0.3) {
      const mutated = mutate(base.descriptor, next);
      const scratch = outcome();
      if (checkDescriptor(mutated, scratch)) fixture = { ...base, file: `${base.file} (mutated)`, descriptor: mutated };
      for (const f of scratch.failures) fail(o, f);
    }
    const layout = headsetKind({ path: 'fuzz', vendorId: fixture.vendorId, productId: fixture.productId, product: '', usagePage: 0, usage: 0, descriptor: fixture.descriptor });
    if (layout.kind !== 'call-control') continue;
    const n = Math.min(perDevice, count - done);
    await fuzzDevice(fixture, layout.layout, n, next, o);
    done += n;
  }
  return o;
}

export function formatOutcome(name: string, o: FuzzOutcome, ms: number): string {
  return `FUZZ ${name} inputs=${o.inputs} accepted=${o.accepted} refused=${o.refused} slowest_ms=${o.slowestMs.toFixed(2)} failures=${o.failures.length} total_s=${(ms / 1000).toFixed(1)}`;
}
