// What the parser makes of a report descriptor: collections, and one field per Input, Output or
// Feature item, each placed in its report (ID + kind) at the bit offset the HID spec gives it.

export type ReportKind = 'input' | 'output' | 'feature';

/** The data bits of a main item (HID 1.11 §6.2.2.5). */
export interface MainItemFlags {
  constant: boolean;
  variable: boolean;
  relative: boolean;
  wrap: boolean;
  nonLinear: boolean;
  noPreferred: boolean;
  nullState: boolean;
  /** Output and Feature only; the bit is reserved on Input. */
  volatile: boolean;
  bufferedBytes: boolean;
}

/**
 * A usage or a Usage Minimum..Maximum range, as 32-bit values (page << 16 | id); a single usage
 * has min === max.
 */
export interface UsageRange {
  min: number;
  max: number;
}

export const COLLECTION_PHYSICAL = 0x00;
export const COLLECTION_APPLICATION = 0x01;
export const COLLECTION_LOGICAL = 0x02;

export interface Collection {
  /** 0 physical, 1 application, 2 logical, 3 report, 4 named array, 5 usage switch, 6 usage modifier, 0x80+ vendor. */
  type: number;
  /** The collection's usage (32-bit), or null when no Usage item preceded it. */
  usage: number | null;
  /** Index of the enclosing collection in `collections`, or null at top level. */
  parent: number | null;
  depth: number;
  /** Byte offset of the Collection item. */
  offset: number;
}

export interface ReportField {
  kind: ReportKind;
  /** 0 when the descriptor declared no Report ID before this item. */
  reportId: number;
  /** First bit of the field, counted from the first bit after the report-ID byte. */
  bitOffset: number;
  /** Report Size: bits per element. */
  reportSize: number;
  /** Report Count: number of elements. */
  reportCount: number;
  flags: MainItemFlags;
  logicalMin: number;
  logicalMax: number;
  physicalMin: number;
  physicalMax: number;
  unit: number;
  unitExponent: number;
  /** Usages in declaration order, pages resolved (see resolvePages in the parser). */
  usages: readonly UsageRange[];
  /** Innermost enclosing collection (index in `collections`), or null outside any collection. */
  collection: number | null;
  /** Byte offset of the main item. */
  offset: number;
}

export interface ReportInfo {
  kind: ReportKind;
  reportId: number;
  /** Sum of all fields of this report ID and kind, across every collection. */
  bitLength: number;
}

export interface ReportDescriptor {
  collections: readonly Collection[];
  fields: readonly ReportField[];
  reports: readonly ReportInfo[];
  /** True when any Report ID item appeared: every report then starts with its ID byte. */
  usesReportIds: boolean;
}

export function usagePageOf(usage: number): number {
  return Math.floor(usage / 0x10000);
}

export function usageIdOf(usage: number): number {
  return usage % 0x10000;
}

export function makeUsage(page: number, id: number): number {
  return page * 0x10000 + id;
}

/** How many usages the field lists (ranges counted in full). */
export function usageCount(field: ReportField): number {
  let n = 0;
  for (const range of field.usages) n += range.max - range.min + 1;
  return n;
}

/**
 * The usage of list position `index` (0-based), or undefined past the end: for a variable field
 * the position is the element index, for an array field it is value - logicalMin.
 */
export function usageAt(field: ReportField, index: number): number | undefined {
  if (index < 0 || !Number.isInteger(index)) return undefined;
  let rest = index;
  for (const range of field.usages) {
    const span = range.max - range.min + 1;
    if (rest < span) return range.min + rest;
    rest -= span;
  }
  return undefined;
}

/**
 * The usage of element `index` of a variable field: HID 1.11 §6.2.2.8 lets the last usage apply
 * to the remaining elements when there are fewer usages than elements.
 */
export function elementUsage(field: ReportField, index: number): number | undefined {
  if (index < 0 || index >= field.reportCount) return undefined;
  const direct = usageAt(field, index);
  if (direct !== undefined) return direct;
  const last = field.usages[field.usages.length - 1];
  return last?.max;
}

/** Length in bytes of a report, without its report-ID byte; 0 when the report does not exist. */
export function reportByteLength(descriptor: ReportDescriptor, kind: ReportKind, reportId: number): number {
  const report = descriptor.reports.find((r) => r.kind === kind && r.reportId === reportId);
  return report ? Math.ceil(report.bitLength / 8) : 0;
}

/** Index of the top-level collection that contains collection `index`. */
export function topLevelOf(descriptor: ReportDescriptor, index: number): number {
  let current = index;
  for (;;) {
    const parent = descriptor.collections[current]?.parent;
    if (parent === null || parent === undefined) return current;
    current = parent;
  }
}
