// HID report descriptor parser (HID 1.11 §6.2.2). Input is untrusted bytes from a device or a
// file: anything malformed ends in a HidDescriptorError with the byte offset, never another throw,
// and the work is linear in the input (every item advances; usage ranges are never expanded).
import { HidDescriptorError } from './descriptor-error.ts';
import { readItems, type ShortItem } from './item-reader.ts';
import {
  makeUsage,
  usageIdOf,
  usagePageOf,
  type Collection,
  type MainItemFlags,
  type ReportDescriptor,
  type ReportField,
  type ReportInfo,
  type ReportKind,
  type UsageRange,
} from './report-descriptor.ts';

// Limits as in Linux hid-core.c (HID_MAX_USAGES, report_size > 256, HID_MAX_BUFFER_SIZE): a real
// device never comes near them, garbage usually does.
export const MAX_REPORT_COUNT = 12288;
export const MAX_REPORT_SIZE = 256;
export const MAX_REPORT_BYTES = 16384;
/** Nesting of collections and of Push items. */
export const MAX_STACK_DEPTH = 64;

const MAIN_INPUT = 0x8;
const MAIN_OUTPUT = 0x9;
const MAIN_COLLECTION = 0xa;
const MAIN_FEATURE = 0xb;
const MAIN_END_COLLECTION = 0xc;

const GLOBAL_USAGE_PAGE = 0x0;
const GLOBAL_LOGICAL_MIN = 0x1;
const GLOBAL_LOGICAL_MAX = 0x2;
const GLOBAL_PHYSICAL_MIN = 0x3;
const GLOBAL_PHYSICAL_MAX = 0x4;
const GLOBAL_UNIT_EXPONENT = 0x5;
const GLOBAL_UNIT = 0x6;
const GLOBAL_REPORT_SIZE = 0x7;
const GLOBAL_REPORT_ID = 0x8;
const GLOBAL_REPORT_COUNT = 0x9;
const GLOBAL_PUSH = 0xa;
const GLOBAL_POP = 0xb;

const LOCAL_USAGE = 0x0;
const LOCAL_USAGE_MIN = 0x1;
const LOCAL_USAGE_MAX = 0x2;
const LOCAL_DELIMITER = 0xa;

/** A maximum whose sign is decided at the main item, once the matching minimum is known. */
interface RawMax {
  signed: number;
  unsigned: number;
}

interface GlobalState {
  usagePage: number;
  logicalMin: number;
  logicalMax: RawMax;
  physicalMin: number;
  physicalMax: RawMax;
  unitExponent: number;
  unit: number;
  reportSize: number;
  reportId: number;
  reportCount: number;
}

/** A local usage before page resolution; `extended` = given as a 32-bit value with its own page. */
interface LocalUsage {
  min: number;
  max: number;
  extended: boolean;
}

interface PendingBound {
  value: number;
  extended: boolean;
}

interface LocalState {
  usages: LocalUsage[];
  min: PendingBound | null;
  max: PendingBound | null;
  /** Open delimiter set: only its first usage counts (alternate usages are ignored). */
  inDelimiter: boolean;
  delimiterTaken: boolean;
}

function initialGlobals(): GlobalState {
  return {
    usagePage: 0,
    logicalMin: 0,
    logicalMax: { signed: 0, unsigned: 0 },
    physicalMin: 0,
    physicalMax: { signed: 0, unsigned: 0 },
    unitExponent: 0,
    unit: 0,
    reportSize: 0,
    reportId: 0,
    reportCount: 0,
  };
}

function emptyLocals(): LocalState {
  return { usages: [], min: null, max: null, inDelimiter: false, delimiterTaken: false };
}

// A maximum is read as signed only when the minimum is negative (as Linux does): many devices
// write 0..255 as `15 00 25 FF`, which strict sign extension would turn into 0..-1.
function resolveMax(min: number, max: RawMax): number {
  return min < 0 ? max.signed : max.unsigned;
}

function flagsOf(data: number, kind: ReportKind): MainItemFlags {
  return {
    constant: (data & 0x001) !== 0,
    variable: (data & 0x002) !== 0,
    relative: (data & 0x004) !== 0,
    wrap: (data & 0x008) !== 0,
    nonLinear: (data & 0x010) !== 0,
    noPreferred: (data & 0x020) !== 0,
    nullState: (data & 0x040) !== 0,
    volatile: kind !== 'input' && (data & 0x080) !== 0,
    bufferedBytes: (data & 0x100) !== 0,
  };
}

/**
 * Gives each 16-bit usage its page at the main item. HID 1.11 §6.2.2.8: "When the parser
 * encounters a main item it concatenates the last declared Usage Page with a Usage". Walking back
 * from the last usage, every usage not yet on that page is moved to it, up to the first one that
 * already is (Linux hid_concatenate_last_usage_page). So Jabra's `09 07 05 09 81 02` is Button 7,
 * while Poly's `09 07 05 09 09 01` keeps Telephony 0x07 for its first usage; 32-bit usages keep
 * their own page.
 */
function resolvePages(usages: readonly LocalUsage[], page: number): UsageRange[] {
  const out = usages.map((u) => ({ ...u }));
  for (let i = out.length - 1; i >= 0; i--) {
    const u = out[i];
    if (!u || u.extended) continue;
    if (usagePageOf(u.min) === page) break;
    u.min = makeUsage(page, usageIdOf(u.min));
    u.max = makeUsage(page, usageIdOf(u.max));
  }
  return out.map(({ min, max }) => ({ min, max }));
}

export function parseReportDescriptor(bytes: Uint8Array): ReportDescriptor {
  if (bytes.length === 0) throw new HidDescriptorError('empty', 0, 'the descriptor is empty');

  let globals = initialGlobals();
  const globalStack: GlobalState[] = [];
  let locals = emptyLocals();
  const collections: Collection[] = [];
  const open: number[] = [];
  const fields: ReportField[] = [];
  const reportBits = new Map<string, ReportInfo>();
  let usesReportIds = false;

  const localUsage = (item: ShortItem): PendingBound =>
    item.size === 4
      ? { value: item.unsigned, extended: true }
      : { value: makeUsage(globals.usagePage, item.unsigned), extended: false };

  const addUsage = (usage: LocalUsage): void => {
    if (locals.inDelimiter) {
      if (locals.delimiterTaken) return;
      locals.delimiterTaken = true;
    }
    locals.usages.push(usage);
  };

  const completeRange = (): void => {
    const { min, max } = locals;
    if (!min || !max) return;
    locals.min = null;
    locals.max = null;
    // Both bounds share one page: a 32-bit bound brings its own and lends it to the other.
    const extended = min.extended || max.extended;
    const page = usagePageOf(min.extended ? min.value : max.value);
    const lo = extended ? makeUsage(page, usageIdOf(min.value)) : min.value;
    const hi = extended ? makeUsage(page, usageIdOf(max.value)) : max.value;
    // An inverted range names no usage (Linux adds nothing for it either).
    if (hi >= lo) addUsage({ min: lo, max: hi, extended });
  };

  const addField = (item: ShortItem, kind: ReportKind): void => {
    const key = `${kind}:${globals.reportId}`;
    const report = reportBits.get(key) ?? { kind, reportId: globals.reportId, bitLength: 0 };
    const bits = globals.reportSize * globals.reportCount;
    if (report.bitLength + bits > MAX_REPORT_BYTES * 8) {
      throw new HidDescriptorError(
        'reportTooLong',
        item.offset,
        `${kind} report ${globals.reportId} grows past ${MAX_REPORT_BYTES} bytes`,
      );
    }
    const logicalMax = resolveMax(globals.logicalMin, globals.logicalMax);
    const physicalMax = resolveMax(globals.physicalMin, globals.physicalMax);
    // Physical Minimum and Maximum both 0 mean "same as logical" (HID 1.11 §6.2.2.7).
    const physicalUnset = globals.physicalMin === 0 && physicalMax === 0;
    fields.push({
      kind,
      reportId: globals.reportId,
      bitOffset: report.bitLength,
      reportSize: globals.reportSize,
      reportCount: globals.reportCount,
      flags: flagsOf(item.unsigned, kind),
      logicalMin: globals.logicalMin,
      logicalMax,
      physicalMin: physicalUnset ? globals.logicalMin : globals.physicalMin,
      physicalMax: physicalUnset ? logicalMax : physicalMax,
      unit: globals.unit,
      unitExponent: globals.unitExponent,
      usages: resolvePages(locals.usages, globals.usagePage),
      collection: open.length > 0 ? (open[open.length - 1] ?? null) : null,
      offset: item.offset,
    });
    report.bitLength += bits;
    reportBits.set(key, report);
  };

  const mainItem = (item: ShortItem): void => {
    switch (item.tag) {
      case MAIN_INPUT:
        addField(item, 'input');
        break;
      case MAIN_OUTPUT:
        addField(item, 'output');
        break;
      case MAIN_FEATURE:
        addField(item, 'feature');
        break;
      case MAIN_COLLECTION: {
        if (open.length >= MAX_STACK_DEPTH) {
          throw new HidDescriptorError('stackTooDeep', item.offset, `collections nested deeper than ${MAX_STACK_DEPTH}`);
        }
        const first = resolvePages(locals.usages, globals.usagePage)[0];
        collections.push({
          type: item.unsigned & 0xff,
          usage: first ? first.min : null,
          parent: open.length > 0 ? (open[open.length - 1] ?? null) : null,
          depth: open.length,
          offset: item.offset,
        });
        open.push(collections.length - 1);
        break;
      }
      case MAIN_END_COLLECTION:
        if (open.pop() === undefined) {
          throw new HidDescriptorError('unbalancedCollection', item.offset, 'End Collection without an open collection');
        }
        break;
      default:
        // Reserved main tags carry nothing we can place; skipping keeps newer descriptors readable.
        break;
    }
    // Local items apply to one main item only (HID 1.11 §6.2.2.8).
    locals = emptyLocals();
  };

  const globalItem = (item: ShortItem): void => {
    switch (item.tag) {
      case GLOBAL_USAGE_PAGE:
        globals.usagePage = item.unsigned & 0xffff;
        break;
      case GLOBAL_LOGICAL_MIN:
        globals.logicalMin = item.signed;
        break;
      case GLOBAL_LOGICAL_MAX:
        globals.logicalMax = { signed: item.signed, unsigned: item.unsigned };
        break;
      case GLOBAL_PHYSICAL_MIN:
        globals.physicalMin = item.signed;
        break;
      case GLOBAL_PHYSICAL_MAX:
        globals.physicalMax = { signed: item.signed, unsigned: item.unsigned };
        break;
      case GLOBAL_UNIT_EXPONENT:
        // Spec: a 4-bit two's-complement nibble; some devices write a full signed byte instead.
        globals.unitExponent = (item.unsigned & ~0x0f) === 0 ? ((item.unsigned ^ 0x08) - 0x08) : item.signed;
        break;
      case GLOBAL_UNIT:
        globals.unit = item.unsigned;
        break;
      case GLOBAL_REPORT_SIZE:
        if (item.unsigned > MAX_REPORT_SIZE) {
          throw new HidDescriptorError('reportSizeTooLarge', item.offset, `Report Size ${item.unsigned} exceeds ${MAX_REPORT_SIZE} bits`);
        }
        globals.reportSize = item.unsigned;
        break;
      case GLOBAL_REPORT_ID:
        if (item.unsigned === 0 || item.unsigned > 0xff) {
          throw new HidDescriptorError('badReportId', item.offset, `Report ID ${item.unsigned} is outside 1..255`);
        }
        globals.reportId = item.unsigned;
        usesReportIds = true;
        break;
      case GLOBAL_REPORT_COUNT:
        if (item.unsigned > MAX_REPORT_COUNT) {
          throw new HidDescriptorError('reportCountTooLarge', item.offset, `Report Count ${item.unsigned} exceeds ${MAX_REPORT_COUNT}`);
        }
        globals.reportCount = item.unsigned;
        break;
      case GLOBAL_PUSH:
        if (globalStack.length >= MAX_STACK_DEPTH) {
          throw new HidDescriptorError('stackTooDeep', item.offset, `Push nested deeper than ${MAX_STACK_DEPTH}`);
        }
        globalStack.push({ ...globals });
        break;
      case GLOBAL_POP: {
        const saved = globalStack.pop();
        if (!saved) throw new HidDescriptorError('popWithoutPush', item.offset, 'Pop without a matching Push');
        globals = saved;
        break;
      }
      default:
        break;
    }
  };

  const localItem = (item: ShortItem): void => {
    switch (item.tag) {
      case LOCAL_USAGE: {
        const { value, extended } = localUsage(item);
        addUsage({ min: value, max: value, extended });
        break;
      }
      case LOCAL_USAGE_MIN:
        locals.min = localUsage(item);
        completeRange();
        break;
      case LOCAL_USAGE_MAX:
        locals.max = localUsage(item);
        completeRange();
        break;
      case LOCAL_DELIMITER:
        locals.inDelimiter = item.unsigned === 1;
        if (!locals.inDelimiter) locals.delimiterTaken = false;
        break;
      default:
        // Designator and string indexes/ranges: nothing a softphone needs.
        break;
    }
  };

  for (const item of readItems(bytes)) {
    if (item.type === 'main') mainItem(item);
    else if (item.type === 'global') globalItem(item);
    else if (item.type === 'local') localItem(item);
  }

  const unclosed = open[0];
  if (unclosed !== undefined) {
    const at = collections[unclosed]?.offset ?? bytes.length;
    throw new HidDescriptorError('unclosedCollection', at, `Collection is never closed (${open.length} still open at the end)`);
  }

  return { collections, fields, reports: [...reportBits.values()], usesReportIds };
}
