// The telephony layout of real devices against layouts decoded by hand (expected-layouts.ts), the
// hook/mute positions NOTES.md §3 lists for the others, and the classification rules on
// hand-made descriptors.
import { describe, expect, it } from 'vitest';
import { parseReportDescriptor } from '../../../main/core/hid/descriptor/parse-report-descriptor.ts';
import type { Control, TelephonyLayout } from '../../../main/core/hid/layout.ts';
import { controlType, telephonyLayout } from '../../../main/core/hid/telephony-layout.ts';
import { handDecoded } from './expected-layouts.ts';
import { fixtureNames, loadFixture } from './fixtures.ts';

function find(layout: TelephonyLayout, name: Control['name']): { reportId: number; bitOffset: number } | undefined {
  for (const report of layout.reports) {
    const control = report.controls.find((c) => c.name === name);
    if (control) return { reportId: report.reportId, bitOffset: control.bitOffset };
  }
  return undefined;
}

describe('telephony layout of real devices, decoded by hand', () => {
  it.each(Object.keys(handDecoded))('%s', (name) => {
    expect(telephonyLayout(loadFixture(name))).toEqual(handDecoded[name]);
  });

  it('decodes the Yealink telephony block as the Jabra one because the bytes are the same', () => {
    const jabra = loadFixture('jabra-evolve-link-ms');
    const yealink = loadFixture('yealink-wh66');
    expect(Array.from(yealink.subarray(0, 0x76))).toEqual(Array.from(jabra.subarray(0, 0x76)));
  });

  it('covers at least six devices, among them Jabra, Poly, EPOS/Sennheiser, Yealink, Dell and one without telephony', () => {
    const names = Object.keys(handDecoded);
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const vendor of ['jabra', 'plantronics', 'epos', 'sennheiser', 'yealink', 'dell']) {
      expect(names.some((n) => n.startsWith(vendor))).toBe(true);
    }
    expect(names.some((n) => handDecoded[n]?.telephony === false)).toBe(true);
  });
});

describe('hook switch and mute of the other devices, as NOTES.md §3 lists them', () => {
  // [fixture, hook report, hook bit, mute report, mute bit] from the NOTES.md table.
  const table: [string, number, number, number, number][] = [
    ['jabra-biz-2400-ii', 2, 0, 2, 2],
    ['jabra-speak-810', 2, 0, 2, 2],
    ['plantronics-bt700', 0x20, 0, 0x20, 1],
    ['plantronics-voyager-base-cd', 1, 0, 1, 1],
    ['epos-impact-dw-d', 2, 2, 2, 5],
    ['logitech-mx-brio', 8, 1, 8, 0],
  ];
  it.each(table)('%s: hook R%i bit %i, mute R%i bit %i', (name, hookReport, hookBit, muteReport, muteBit) => {
    const layout = telephonyLayout(loadFixture(name));
    expect(layout.telephony).toBe(true);
    expect(find(layout, 'hookSwitch')).toEqual({ reportId: hookReport, bitOffset: hookBit });
    expect(find(layout, 'phoneMute')).toEqual({ reportId: muteReport, bitOffset: muteBit });
  });

  it('gives every telephony device a hook switch, a phone mute and an off-hook or mute LED', () => {
    for (const name of fixtureNames()) {
      const layout = telephonyLayout(loadFixture(name));
      if (!layout.telephony) continue;
      expect(find(layout, 'hookSwitch'), name).toBeDefined();
      expect(find(layout, 'phoneMute'), name).toBeDefined();
      const outputs = layout.reports.filter((r) => r.direction === 'output').flatMap((r) => r.controls.map((c) => c.name));
      expect(outputs.includes('offHookLed') || outputs.includes('muteLed'), name).toBe(true);
    }
  });

  it('records the length of every report it names, padding included', () => {
    // BT700: one LED per 1-byte report; EPOS DW: 8 bits in R2 and R3.
    const bt700 = telephonyLayout(loadFixture('plantronics-bt700'));
    expect(bt700.reports.map((r) => [r.direction, r.reportId, r.byteLength])).toEqual([
      ['input', 0x20, 1],
      ['output', 0x21, 1],
      ['output', 0x23, 1],
      ['output', 0x24, 1],
      ['output', 0x25, 1],
    ]);
  });
});

describe('classification and naming rules', () => {
  const layoutOf = (hex: string): TelephonyLayout => telephonyLayout(Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex')));

  it('types a control by its flags and logical range (HUT §3.4.1)', () => {
    const field = (flags: number, min: number) => {
      const minItem = min < 0 ? `15 ${(min & 0xff).toString(16).padStart(2, '0')}` : '15 00';
      const d = parseReportDescriptor(Uint8Array.from(Buffer.from(`05 0b 09 05 a1 01 ${minItem} 25 01 75 02 95 01 09 20 81 ${flags.toString(16).padStart(2, '0')} c0`.replace(/\s+/g, ''), 'hex')));
      const f = d.fields[0];
      if (!f) throw new Error('no field');
      return f;
    };
    expect(controlType(field(0x22, 0), 'state')).toBe('toggleSwitch'); // Abs, NoPref
    expect(controlType(field(0x02, 0), 'state')).toBe('momentary'); // Abs, Pref
    expect(controlType(field(0x06, 0), 'state')).toBe('toggleButton'); // Rel, Pref, On/Off usage
    expect(controlType(field(0x06, 0), 'event')).toBe('oneShot'); // Rel, Pref, one-shot usage
    expect(controlType(field(0x26, -1), 'state')).toBeNull(); // Rel, NoPref, -1..1: two buttons
  });

  it('leaves out the two-button form (-1..1 relative), which has no ControlType', () => {
    const layout = layoutOf('05 0b 09 05 a1 01 85 01 15 ff 25 01 75 02 95 01 09 2f 81 26 09 20 15 00 75 01 81 22 75 05 81 01 c0');
    expect(layout.reports).toEqual([
      {
        reportId: 1,
        direction: 'input',
        byteLength: 1,
        controls: [{ name: 'hookSwitch', usagePage: 0x0b, usage: 0x20, bitOffset: 2, bitSize: 1, type: 'toggleSwitch', logicalMin: 0, logicalMax: 1 }],
      },
    ]);
  });

  it('ignores constant fields, feature reports and usages outside the telephony collection', () => {
    // Hook Switch declared Constant (the Razer 1532:0511 microphone), LED Mute as a feature, and a
    // Hook Switch in a second, Consumer collection.
    const layout = layoutOf(
      '05 0b 09 05 a1 01 85 01 15 00 25 01 75 01 95 01 09 20 81 03 05 08 09 09 b1 22 95 07 81 01 c0' +
        '05 0c 09 01 a1 01 85 02 05 0b 09 20 75 08 95 01 81 22 c0',
    );
    expect(layout).toEqual({ telephony: false, collection: { usagePage: 0x0b, usage: 0x05 }, reports: [] });
  });

  it('names the element that lists the usage, not the padding the last usage repeats over', () => {
    const layout = layoutOf('05 0b 09 05 a1 01 15 00 25 01 75 01 95 08 09 20 81 22 c0');
    expect(layout.reports[0]?.controls.map((c) => [c.name, c.bitOffset])).toEqual([['hookSwitch', 0]]);
    expect(layout.reports[0]?.reportId).toBe(0);
  });

  it('takes usages from a Usage Minimum..Maximum range without expanding it', () => {
    // Telephony 0x20..0x2F as one variable field of 16 bits: Hook at bit 0, Flash 1, Mute 15.
    const layout = layoutOf('05 0b 09 05 a1 01 15 00 25 01 75 01 95 10 19 20 29 2f 81 02 c0');
    expect(layout.reports[0]?.controls.map((c) => [c.name, c.bitOffset])).toEqual([
      ['hookSwitch', 0],
      ['flash', 1],
      ['redial', 4],
      ['drop', 6],
      ['phoneMute', 15],
    ]);
  });

  it('prefers a Headset collection with controls over an empty or Phone one', () => {
    const empty = '05 0b 09 05 a1 01 c0';
    const phone = '05 0b 09 01 a1 01 85 01 15 00 25 01 75 01 95 01 09 20 81 22 05 08 09 17 91 22 c0';
    const headset = '05 0b 09 05 a1 01 85 02 15 00 25 01 75 01 95 01 09 20 81 22 05 08 09 17 91 22 c0';
    expect(layoutOf(empty + phone).collection).toEqual({ usagePage: 0x0b, usage: 0x01 });
    expect(layoutOf(empty + phone + headset).collection).toEqual({ usagePage: 0x0b, usage: 0x05 });
    expect(layoutOf(empty + phone + headset).reports.map((r) => r.reportId)).toEqual([2, 2]);
  });

  it('counts a telephony collection with only a ringer output as usable, one with only a mute button as not', () => {
    expect(layoutOf('05 0b 09 05 a1 01 15 00 25 01 75 01 95 01 09 9e 91 22 75 07 91 01 c0').telephony).toBe(true);
    expect(layoutOf('05 0b 09 05 a1 01 15 00 25 01 75 01 95 01 09 2f 81 06 75 07 81 01 c0').telephony).toBe(false);
  });
});
