// The report-descriptor parser on hand-made descriptors: every item kind, the page-resolution
// rule of HID 1.11 §6.2.2.8 (NOTES.md §1.6), bit offsets per report and direction, and bad input
// ending in HidDescriptorError with the right byte offset.
import { describe, expect, it } from 'vitest';
import { HidDescriptorError } from '../../../main/core/hid/descriptor/descriptor-error.ts';
import { readItems } from '../../../main/core/hid/descriptor/item-reader.ts';
import { parseReportDescriptor } from '../../../main/core/hid/descriptor/parse-report-descriptor.ts';
import {
  elementUsage,
  reportByteLength,
  topLevelOf,
  usageAt,
  usageCount,
  type ReportDescriptor,
  type ReportField,
} from '../../../main/core/hid/descriptor/report-descriptor.ts';

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

function parse(hex: string): ReportDescriptor {
  return parseReportDescriptor(bytes(hex));
}

function field(d: ReportDescriptor, index: number): ReportField {
  const f = d.fields[index];
  if (!f) throw new Error(`no field ${index}`);
  return f;
}

function errorOf(hex: string | Uint8Array): HidDescriptorError {
  try {
    parseReportDescriptor(typeof hex === 'string' ? bytes(hex) : hex);
  } catch (err) {
    if (err instanceof HidDescriptorError) return err;
    throw err;
  }
  throw new Error('no error');
}

/** Application collection around `body`, page Generic Desktop. */
const app = (body: string): string => `05 01 09 00 a1 01 ${body} c0`;

describe('items', () => {
  it('reads short items of 0, 1, 2 and 4 data bytes with unsigned and signed values', () => {
    const items = [...readItems(bytes('c0 15 81 26 00 80 27 ff ff ff ff'))];
    expect(items.map((i) => [i.offset, i.type, i.tag, i.size, i.unsigned, i.signed])).toEqual([
      [0, 'main', 0xc, 0, 0, 0],
      [1, 'global', 0x1, 1, 0x81, -127],
      [3, 'global', 0x2, 2, 0x8000, -32768],
      [6, 'global', 0x2, 4, 0xffffffff, -1],
    ]);
  });

  it('skips long items whole, data included', () => {
    // FE <size 3> <tag 0x10> AA BB CC would be three items if misread.
    const d = parse(app('fe 03 10 a1 a1 a1 75 08 95 01 09 01 81 02'));
    expect(d.fields).toHaveLength(1);
    expect(d.collections).toHaveLength(1);
  });

  it('ignores reserved item types and unknown tags', () => {
    // 0x0C/0x0D/0x0E/0x0F: type 3 (reserved); 0xF4: global tag 15; 0xE8: local tag 14; 0xD0: main tag 13.
    const d = parse(app('0c 0d aa 0e aa bb 0f aa bb cc dd f4 e8 d0 75 08 95 01 09 01 81 02'));
    expect(d.fields).toHaveLength(1);
    expect(field(d, 0).bitOffset).toBe(0);
  });
});

describe('global items', () => {
  it('sign-extends Logical Minimum by its data size', () => {
    expect(field(parse(app('15 81 25 7f 75 08 95 01 81 02')), 0)).toMatchObject({ logicalMin: -127, logicalMax: 127 });
    expect(field(parse(app('16 00 80 26 ff 7f 75 10 95 01 81 02')), 0)).toMatchObject({ logicalMin: -32768, logicalMax: 32767 });
    expect(field(parse(app('17 00 00 00 80 27 ff ff ff 7f 75 20 95 01 81 02')), 0)).toMatchObject({
      logicalMin: -(2 ** 31),
      logicalMax: 2 ** 31 - 1,
    });
  });

  it('reads Logical Maximum as unsigned when the minimum is not negative (0..255 written 25 FF)', () => {
    expect(field(parse(app('15 00 25 ff 75 08 95 01 81 02')), 0)).toMatchObject({ logicalMin: 0, logicalMax: 255 });
    expect(field(parse(app('15 00 26 ff 00 75 08 95 01 81 02')), 0)).toMatchObject({ logicalMin: 0, logicalMax: 255 });
    // The order of the two items does not matter: the sign is decided at the main item.
    expect(field(parse(app('25 ff 15 80 75 08 95 01 81 02')), 0)).toMatchObject({ logicalMin: -128, logicalMax: -1 });
  });

  it('keeps physical range, unit and unit exponent; physical 0..0 means the logical range', () => {
    const d = parse(app('15 00 26 ff 00 35 00 46 e8 03 65 13 55 0e 75 08 95 01 81 02 45 00 81 02 55 fd 81 02'));
    expect(field(d, 0)).toMatchObject({ physicalMin: 0, physicalMax: 1000, unit: 0x13, unitExponent: -2 });
    expect(field(d, 1)).toMatchObject({ physicalMin: 0, physicalMax: 255 });
    // A full signed byte (0xFD = -3) also occurs in the wild.
    expect(field(d, 2).unitExponent).toBe(-3);
  });

  it('restores the whole global state on Pop, report ID and usage page included', () => {
    const d = parse(
      app('85 01 05 0b 15 00 25 01 75 01 95 01 a4 85 02 05 08 75 04 95 02 09 09 81 02 b4 09 20 81 02 75 07 81 01'),
    );
    expect(d.fields.map((f) => [f.reportId, f.reportSize, f.reportCount, f.bitOffset])).toEqual([
      [2, 4, 2, 0],
      [1, 1, 1, 0],
      [1, 7, 1, 1],
    ]);
    expect(field(d, 0).usages).toEqual([{ min: 0x00080009, max: 0x00080009 }]);
    expect(field(d, 1).usages).toEqual([{ min: 0x000b0020, max: 0x000b0020 }]);
  });

  it('keeps globals across collections (they are not reset by Collection or End Collection)', () => {
    const d = parse(`${app('85 03 15 00 25 01 75 01 95 03')} 05 0b 09 05 a1 01 09 20 81 02 c0`);
    expect(field(d, 0)).toMatchObject({ reportId: 3, reportSize: 1, reportCount: 3, logicalMax: 1 });
  });
});

describe('local items', () => {
  it('clears usages after every main item', () => {
    const d = parse(app('75 01 95 01 09 30 81 02 81 02'));
    expect(field(d, 0).usages).toHaveLength(1);
    expect(field(d, 1).usages).toHaveLength(0);
  });

  it('reads 32-bit usages as page and id, and keeps their page whatever Usage Page says', () => {
    const d = parse(app('05 09 0b 20 00 0b 00 75 01 95 01 81 02'));
    expect(field(d, 0).usages).toEqual([{ min: 0x000b0020, max: 0x000b0020 }]);
  });

  it('keeps Usage Minimum..Maximum as one range, in either order, 16- or 32-bit', () => {
    const d = parse(app('05 0b 19 b0 29 bb 75 04 95 01 81 00 29 bb 19 b0 81 00 1b b0 00 0b 00 2b bb 00 0b 00 81 00'));
    for (const f of d.fields) expect(f.usages).toEqual([{ min: 0x000b00b0, max: 0x000b00bb }]);
    expect(usageCount(field(d, 0))).toBe(12);
    expect(usageAt(field(d, 0), 11)).toBe(0x000b00bb);
    expect(usageAt(field(d, 0), 12)).toBeUndefined();
  });

  it('ignores an inverted range, a lone Usage Minimum, designators and strings', () => {
    const d = parse(app('05 09 19 05 29 01 19 07 39 01 49 01 59 02 79 01 89 01 99 02 09 03 75 01 95 01 81 02'));
    expect(field(d, 0).usages).toEqual([{ min: 0x00090003, max: 0x00090003 }]);
  });

  it('keeps only the first usage of a delimiter set (alternate usages)', () => {
    const d = parse(app('05 09 a9 01 09 01 09 02 a9 00 09 03 75 01 95 02 81 02'));
    expect(field(d, 0).usages.map((u) => u.min)).toEqual([0x00090001, 0x00090003]);
  });

  it('applies the last usage to the remaining elements of a variable field (HID 1.11 §6.2.2.8)', () => {
    const f = field(parse(app('05 0b 09 20 09 2f 75 01 95 04 81 02')), 0);
    expect([0, 1, 2, 3, 4].map((i) => elementUsage(f, i))).toEqual([0x000b0020, 0x000b002f, 0x000b002f, 0x000b002f, undefined]);
  });
});

describe('usage page of a Usage declared before its Usage Page (NOTES.md §1.6)', () => {
  // HID 1.11 §6.2.2.8: "When the parser encounters a main item it concatenates the last declared
  // Usage Page with a Usage". Chromium instead pages a usage when it is read; Linux pages at the
  // main item but stops at a usage already on that page. This parser follows Linux.
  it('Jabra/Yealink `09 07 05 09 81 02`: the last declared page wins, Button 7', () => {
    const d = parse('05 0b 09 05 a1 01 15 00 25 01 09 07 05 09 75 01 95 01 81 02 c0');
    expect(field(d, 0).usages).toEqual([{ min: 0x00090007, max: 0x00090007 }]);
  });

  it('Poly/EPOS/Dell `09 07 05 09 09 01`: Button 1 is on the last page already, so 0x07 stays Telephony', () => {
    const d = parse('05 0b 09 05 a1 01 15 00 25 01 09 07 05 09 09 01 75 01 95 01 81 02 c0');
    expect(field(d, 0).usages).toEqual([
      { min: 0x000b0007, max: 0x000b0007 },
      { min: 0x00090001, max: 0x00090001 },
    ]);
    expect(elementUsage(field(d, 0), 0)).toBe(0x000b0007);
  });

  it('moves every trailing usage declared under an earlier page', () => {
    const d = parse(app('05 0b 09 17 09 09 05 08 75 01 95 02 91 22'));
    expect(field(d, 0).usages.map((u) => u.min)).toEqual([0x00080017, 0x00080009]);
  });

  it('never moves a 32-bit usage', () => {
    const d = parse(app('0b 07 00 0b 00 05 09 75 01 95 01 81 02'));
    expect(field(d, 0).usages).toEqual([{ min: 0x000b0007, max: 0x000b0007 }]);
  });

  it('applies to the usage of a Collection too', () => {
    const d = parse('09 05 05 0b a1 01 c0');
    expect(d.collections[0]?.usage).toBe(0x000b0005);
  });
});

describe('collections', () => {
  it('records type, usage, parent and depth of nested collections', () => {
    const d = parse('05 0b 09 05 a1 01 09 06 a1 02 a1 00 c0 c0 a1 01 c0 c0 05 0c 09 01 a1 01 c0');
    expect(d.collections.map((c) => [c.type, c.usage, c.parent, c.depth, c.offset])).toEqual([
      [1, 0x000b0005, null, 0, 4],
      [2, 0x000b0006, 0, 1, 8],
      [0, null, 1, 2, 10],
      [1, null, 0, 1, 14],
      [1, 0x000c0001, null, 0, 22],
    ]);
    expect(topLevelOf(d, 2)).toBe(0);
    expect(topLevelOf(d, 4)).toBe(4);
  });

  it('puts each field in its innermost collection, and fields outside any collection in none', () => {
    const d = parse('75 08 95 01 81 01 05 0b 09 05 a1 01 09 06 a1 02 81 00 c0 81 01 c0');
    expect(d.fields.map((f) => f.collection)).toEqual([null, 1, 0]);
  });
});

describe('main items', () => {
  it('decodes every flag bit; Volatile only on Output and Feature', () => {
    const d = parse(app('75 01 95 01 82 ff 01 92 ff 01 b2 ff 01 81 00'));
    const all = { constant: true, variable: true, relative: true, wrap: true, nonLinear: true, noPreferred: true, nullState: true, bufferedBytes: true };
    expect(field(d, 0).flags).toEqual({ ...all, volatile: false });
    expect(field(d, 1).flags).toEqual({ ...all, volatile: true });
    expect(field(d, 2).flags).toEqual({ ...all, volatile: true });
    expect(Object.values(field(d, 3).flags).every((v) => !v)).toBe(true);
    expect(d.fields.map((f) => f.kind)).toEqual(['input', 'output', 'feature', 'input']);
  });

  it('accumulates bit offsets per report ID and per direction, across collections', () => {
    const d = parse(
      // Collection A: R1 in 3 bits, R1 out 2 bits, R2 in 8 bits, R1 feature 4 bits.
      app('85 01 75 01 95 03 81 02 95 02 91 02 85 02 75 08 95 01 81 02 85 01 75 04 b1 02') +
        // Collection B: R1 in continues at bit 3, R1 out at bit 2, R1 feature at bit 4.
        app('85 01 75 05 95 01 81 02 91 02 b1 02'),
    );
    expect(d.fields.map((f) => [f.kind, f.reportId, f.bitOffset, f.reportSize * f.reportCount])).toEqual([
      ['input', 1, 0, 3],
      ['output', 1, 0, 2],
      ['input', 2, 0, 8],
      ['feature', 1, 0, 4],
      ['input', 1, 3, 5],
      ['output', 1, 2, 5],
      ['feature', 1, 4, 5],
    ]);
    expect(d.usesReportIds).toBe(true);
    expect(reportByteLength(d, 'input', 1)).toBe(1);
    expect(reportByteLength(d, 'output', 1)).toBe(1);
    expect(reportByteLength(d, 'feature', 1)).toBe(2);
    expect(reportByteLength(d, 'input', 2)).toBe(1);
    expect(reportByteLength(d, 'output', 2)).toBe(0);
  });

  it('uses report 0 when there is no Report ID item', () => {
    const d = parse(app('75 08 95 02 81 02 91 02'));
    expect(d.usesReportIds).toBe(false);
    expect(d.reports).toEqual([
      { kind: 'input', reportId: 0, bitLength: 16 },
      { kind: 'output', reportId: 0, bitLength: 16 },
    ]);
  });

  it('reads an array: usage of value v is position v - Logical Minimum', () => {
    const f = field(parse(app('05 0b 19 b0 29 bb 15 01 25 0c 75 04 95 01 81 00')), 0);
    expect(f.flags.variable).toBe(false);
    expect(usageAt(f, 5 - f.logicalMin)).toBe(0x000b00b4);
  });
});

describe('bad input', () => {
  it.each([
    ['empty', '', 'empty', 0],
    ['a short item cut off', '05 01 09 00 a1 01 75 08 95 01 81 02 26 ff', 'truncatedItem', 12],
    ['a 4-byte item cut off', '05 01 09 00 a1 01 17 00 00', 'truncatedItem', 6],
    ['a long item cut off', '05 01 09 00 a1 01 fe 05 10 00', 'truncatedItem', 6],
    ['End Collection without Collection', '05 01 09 00 a1 01 c0 c0', 'unbalancedCollection', 7],
    ['a Collection never closed', '05 01 09 00 a1 01 09 01 a1 00 c0', 'unclosedCollection', 4],
    ['Pop without Push', app('a4 b4 b4'), 'popWithoutPush', 8],
    ['Report ID 0', app('85 00'), 'badReportId', 6],
    ['Report ID 256', app('86 00 01'), 'badReportId', 6],
    ['an absurd Report Count', app('97 ff ff ff ff'), 'reportCountTooLarge', 6],
    ['Report Count just past the limit', app('96 01 30'), 'reportCountTooLarge', 6],
    ['an absurd Report Size', app('76 01 01'), 'reportSizeTooLarge', 6],
    ['a report past 16 KiB', app('75 ff 96 00 02 81 02 81 02'), 'reportTooLong', 13],
  ])('%s', (_what, hex, code, offset) => {
    const err = errorOf(hex);
    expect(err.code).toBe(code);
    expect(err.offset).toBe(offset);
    expect(err.message).toContain(`byte ${offset} (0x${offset.toString(16).padStart(4, '0')})`);
  });

  it('refuses collections and pushes nested past the limit of 64', () => {
    expect(() => parse('a1 00 '.repeat(64) + 'c0 '.repeat(64))).not.toThrow();
    expect(errorOf('a1 00 '.repeat(65))).toMatchObject({ code: 'stackTooDeep', offset: 128 });
    expect(() => parse(app('a4 '.repeat(64)))).not.toThrow();
    expect(errorOf(app('a4 '.repeat(65)))).toMatchObject({ code: 'stackTooDeep', offset: 6 + 64 });
  });
});
