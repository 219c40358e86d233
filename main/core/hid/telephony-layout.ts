// From a report descriptor to the TelephonyLayout the host drives: which report and bit carries
// each call-control input and each LED output of the telephony top-level collection, and how each
// one behaves (HUT §3.4.1, read from the main item's flags and logical range).
import { parseReportDescriptor } from './descriptor/parse-report-descriptor.ts';
import {
  makeUsage,
  reportByteLength,
  topLevelOf,
  usageAt,
  usageCount,
  usageIdOf,
  usagePageOf,
  type ReportDescriptor,
  type ReportField,
} from './descriptor/report-descriptor.ts';
import type { Control, ControlName, ControlType, ReportLayout, TelephonyLayout, VendorChannel } from './layout.ts';

export const PAGE_LED = 0x08;
export const PAGE_BUTTON = 0x09;
export const PAGE_TELEPHONY = 0x0b;
/** Jabra's GN vendor pages (NOTES.md §2.6; cloned by Yealink): telephony and LED mirrors. */
export const PAGE_GN_TELEPHONY = 0xff30;
export const PAGE_GN_LED = 0xff40;

const USAGE_HEADSET = 0x05;
const USAGE_PHONE = 0x01;
const USAGE_KEY_PAD = 0x06;
const PHONE_KEY_FIRST = 0xb0;
const PHONE_KEY_LAST = 0xbb;

/**
 * `state`: an On/Off control (hook, mute, line busy, LEDs, ringer): a relative 0→1 edge toggles it.
 * `event`: a momentary or one-shot control (flash, redial, drop, reject): a relative edge fires it.
 */
export type ControlSemantics = 'state' | 'event';

interface Target {
  name: ControlName;
  usage: number;
  semantics: ControlSemantics;
}

interface Vocabulary {
  inputs: readonly Target[];
  outputs: readonly Target[];
  keypadPage: number;
}

function vocabulary(telephonyPage: number, ledPage: number, rejectUsages: readonly number[]): Vocabulary {
  const t = (id: number): number => makeUsage(telephonyPage, id);
  const led = (id: number): number => makeUsage(ledPage, id);
  return {
    inputs: [
      { name: 'hookSwitch', usage: t(0x20), semantics: 'state' },
      { name: 'phoneMute', usage: t(0x2f), semantics: 'state' },
      { name: 'flash', usage: t(0x21), semantics: 'event' },
      { name: 'redial', usage: t(0x24), semantics: 'event' },
      { name: 'drop', usage: t(0x26), semantics: 'event' },
      // HUT calls Line Busy Tone momentary, but devices report it as the line's state (NOTES.md §1.2).
      { name: 'lineBusy', usage: t(0x97), semantics: 'state' },
      ...rejectUsages.map((usage): Target => ({ name: 'reject', usage, semantics: 'event' })),
    ],
    outputs: [
      { name: 'offHookLed', usage: led(0x17), semantics: 'state' },
      { name: 'ringLed', usage: led(0x18), semantics: 'state' },
      { name: 'muteLed', usage: led(0x09), semantics: 'state' },
      { name: 'holdLed', usage: led(0x20), semantics: 'state' },
      { name: 'microphoneLed', usage: led(0x21), semantics: 'state' },
      { name: 'onLineLed', usage: led(0x2a), semantics: 'state' },
      { name: 'ringer', usage: t(0x9e), semantics: 'state' },
    ],
    keypadPage: telephonyPage,
  };
}

// Reject is not standardised (NOTES.md TL;DR 5 and §1.6): Telephony Programmable Button 0x07, and
// the Button-page usages parsers make of the same bit (Button 7 on Jabra/Yealink, Button 1 in the
// Teams table). Telephony Drop stays `drop`; the host may treat it as reject while ringing.
const STANDARD = vocabulary(PAGE_TELEPHONY, PAGE_LED, [
  makeUsage(PAGE_TELEPHONY, 0x07),
  makeUsage(PAGE_BUTTON, 0x07),
  makeUsage(PAGE_BUTTON, 0x01),
]);
// GN_REJECT_CALL = 0xFF30:0xFFFD (@gnaudio/jabra-js SignalType).
const GN = vocabulary(PAGE_GN_TELEPHONY, PAGE_GN_LED, [makeUsage(PAGE_GN_TELEPHONY, 0xfffd)]);

/**
 * HUT §3.4.1 from the main item: Abs+NoPref = toggle switch (the value is the state), Abs+Pref =
 * momentary (1 while held), Rel with a 0-based range = an edge that toggles (On/Off control) or
 * fires (one-shot). Rel with a negative minimum is the two-button On/Off form (-1 off, +1 on),
 * which has no ControlType: such a control is left out.
 */
export function controlType(field: ReportField, semantics: ControlSemantics): ControlType | null {
  if (!field.flags.relative) return field.flags.noPreferred ? 'toggleSwitch' : 'momentary';
  if (field.logicalMin < 0) return null;
  return semantics === 'state' ? 'toggleButton' : 'oneShot';
}

/** List position of `usage` in the field, or -1; ranges are searched, never expanded. */
function positionOf(field: ReportField, usage: number): number {
  let position = 0;
  for (const range of field.usages) {
    if (usage >= range.min && usage <= range.max) return position + (usage - range.min);
    position += range.max - range.min + 1;
  }
  return -1;
}

function control(field: ReportField, target: Target, bitOffset: number, type: ControlType): Control {
  return {
    name: target.name,
    usagePage: usagePageOf(target.usage),
    usage: usageIdOf(target.usage),
    bitOffset,
    bitSize: field.reportSize,
    type,
    logicalMin: field.logicalMin,
    logicalMax: field.logicalMax,
  };
}

function variableControls(field: ReportField, targets: readonly Target[]): Control[] {
  const out: Control[] = [];
  for (const target of targets) {
    // Only elements that list the usage themselves: the last usage repeated over padding
    // elements (HID 1.11 §6.2.2.8) would name the same control twice.
    const position = positionOf(field, target.usage);
    if (position < 0 || position >= field.reportCount) continue;
    const type = controlType(field, target.semantics);
    if (type) out.push(control(field, target, field.bitOffset + position * field.reportSize, type));
  }
  return out;
}

function arrayControls(field: ReportField, vocab: Vocabulary, targets: readonly Target[]): Control[] {
  if (field.reportCount === 0 || field.reportSize === 0) return [];
  const keyLo = makeUsage(vocab.keypadPage, PHONE_KEY_FIRST);
  const keyHi = makeUsage(vocab.keypadPage, PHONE_KEY_LAST);
  const hasKeys = field.usages.some((r) => r.min <= keyHi && r.max >= keyLo);
  if (field.kind === 'input' && hasKeys) {
    const first = usageAt(field, 0);
    const last = usageAt(field, usageCount(field) - 1);
    if (first === undefined || last === undefined) return [];
    // The keypad is a selector array: the value picks a key. Its first element is described.
    const type = controlType(field, 'event');
    if (!type) return [];
    return [
      {
        name: 'keypad',
        usagePage: vocab.keypadPage,
        usage: USAGE_KEY_PAD,
        bitOffset: field.bitOffset,
        bitSize: field.reportSize,
        type,
        logicalMin: field.logicalMin,
        logicalMax: field.logicalMax,
        usageMin: usageIdOf(first),
        usageMax: usageIdOf(last),
      },
    ];
  }
  // A one-bit array (EPOS: `09 07 05 09 09 01 … 81 40`) can only say pressed or not, so it is read
  // as a button named by the usage that value 1 selects, else by its first usage.
  if (field.reportSize === 1 && field.reportCount === 1 && field.logicalMin >= 0 && field.logicalMax <= 1) {
    const candidates = [usageAt(field, 1 - field.logicalMin), usageAt(field, 0)];
    for (const usage of candidates) {
      const target = targets.find((t) => t.usage === usage);
      if (!target) continue;
      const type = controlType(field, target.semantics);
      return type ? [control(field, target, field.bitOffset, type)] : [];
    }
  }
  return [];
}

function reportsOf(descriptor: ReportDescriptor, collection: number, vocab: Vocabulary): ReportLayout[] {
  const reports = new Map<string, ReportLayout>();
  for (const field of descriptor.fields) {
    if (field.kind === 'feature' || field.flags.constant || field.collection === null) continue;
    if (topLevelOf(descriptor, field.collection) !== collection) continue;
    const targets = field.kind === 'input' ? vocab.inputs : vocab.outputs;
    const controls = field.flags.variable ? variableControls(field, targets) : arrayControls(field, vocab, targets);
    if (controls.length === 0) continue;
    const key = `${field.kind}:${field.reportId}`;
    let report = reports.get(key);
    if (!report) {
      report = {
        reportId: field.reportId,
        direction: field.kind,
        byteLength: reportByteLength(descriptor, field.kind, field.reportId),
        controls: [],
      };
      reports.set(key, report);
    }
    report.controls.push(...controls);
  }
  const list = [...reports.values()];
  for (const report of list) report.controls.sort((a, b) => a.bitOffset - b.bitOffset);
  return list.sort((a, b) =>
    a.direction === b.direction ? a.reportId - b.reportId : a.direction === 'input' ? -1 : 1,
  );
}

function isUsable(reports: readonly ReportLayout[]): boolean {
  return reports.some(
    (r) => r.direction === 'output' || r.controls.some((c) => c.name === 'hookSwitch'),
  );
}

function usageRank(usage: number): number {
  const id = usageIdOf(usage);
  return id === USAGE_HEADSET ? 0 : id === USAGE_PHONE ? 1 : 2;
}

function collectionRef(descriptor: ReportDescriptor, index: number): { usagePage: number; usage: number } {
  const usage = descriptor.collections[index]?.usage ?? 0;
  return { usagePage: usagePageOf(usage), usage: usageIdOf(usage) };
}

function vendorChannel(descriptor: ReportDescriptor, exclude: number | null): VendorChannel | undefined {
  const gnPages = new Set([PAGE_GN_TELEPHONY, PAGE_GN_LED]);
  const seen = new Set<number>();
  for (const field of descriptor.fields) {
    if (field.collection === null) continue;
    const top = topLevelOf(descriptor, field.collection);
    if (top === exclude || seen.has(top)) continue;
    if (!field.usages.some((r) => gnPages.has(usagePageOf(r.min)))) continue;
    seen.add(top);
    const reports = reportsOf(descriptor, top, GN);
    if (reports.length > 0) return { collection: collectionRef(descriptor, top), reports };
  }
  return undefined;
}

/** The layout of a parsed descriptor (see telephonyLayout). */
export function telephonyLayoutOf(descriptor: ReportDescriptor): TelephonyLayout {
  const candidates = descriptor.collections
    .map((c, index) => ({ c, index }))
    .filter(({ c }) => c.parent === null && c.usage !== null && usagePageOf(c.usage) === PAGE_TELEPHONY)
    .map(({ c, index }) => {
      const reports = reportsOf(descriptor, index, STANDARD);
      return { index, reports, usable: isUsable(reports), rank: usageRank(c.usage ?? 0) };
    });
  // Prefer a collection that has something to drive, then Headset, then Phone, then the first.
  candidates.sort((a, b) => Number(b.usable) - Number(a.usable) || a.rank - b.rank || a.index - b.index);
  const best = candidates[0];
  const vendor = vendorChannel(descriptor, best?.index ?? null);
  const layout: TelephonyLayout = best
    ? { telephony: best.usable, collection: collectionRef(descriptor, best.index), reports: best.reports }
    : { telephony: false, collection: null, reports: [] };
  if (vendor) layout.vendorChannel = vendor;
  return layout;
}

/**
 * The telephony layout of a device from its report descriptor. Throws HidDescriptorError when
 * the bytes are not a well-formed descriptor.
 */
export function telephonyLayout(descriptorBytes: Uint8Array): TelephonyLayout {
  return telephonyLayoutOf(parseReportDescriptor(descriptorBytes));
}
