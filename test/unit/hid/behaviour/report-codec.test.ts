// The codec against real descriptors: LEDs that share a report are written together, Poly's one
// report per LED works, inputs decode from where the descriptor puts them, bad reports are refused.
import { describe, expect, it } from 'vitest';
import type { ReportLayout, TelephonyLayout } from '../../../../main/core/hid/layout.ts';
import {
  decodeInputReport,
  decodeOutputReport,
  encodeInputReport,
  encodeOutputReport,
} from '../../../../main/core/hid/report-codec.ts';
import { telephonyLayout } from '../../../../main/core/hid/telephony-layout.ts';
import { loadHidFixture } from '../../../support/hid-replay.ts';

function layoutOf(file: string): TelephonyLayout {
  return telephonyLayout(loadHidFixture(file).descriptor);
}

function output(layout: TelephonyLayout, name: string): ReportLayout {
  const report = layout.reports.find((r) => r.direction === 'output' && r.controls.some((c) => c.name === name));
  if (!report) throw new Error(`no ${name}`);
  return report;
}

describe('output reports are written whole', () => {
  it('Jabra: Mute on keeps Off-Hook on in the shared report 2', () => {
    const layout = layoutOf('jabra-evolve-link-ms.hex');
    const report = output(layout, 'muteLed');
    const bytes = encodeOutputReport(report, { offHookLed: 1, muteLed: 1, ringLed: 0 });
    expect(bytes[0]).toBe(2);
    expect(bytes.length).toBe(report.byteLength + 1);
    const decoded = decodeOutputReport(layout, bytes);
    expect(decoded.ok && decoded.value.values).toMatchObject({ offHookLed: 1, muteLed: 1, ringLed: 0, holdLed: 0, ringer: 0 });
  });

  it('Poly BT700: one report per LED, each carrying only its own LED', () => {
    const layout = layoutOf('plantronics-bt700.hex');
    const shadow = { offHookLed: 1, muteLed: 1, ringLed: 0, holdLed: 0 };
    const mute = encodeOutputReport(output(layout, 'muteLed'), shadow);
    const offHook = encodeOutputReport(output(layout, 'offHookLed'), shadow);
    expect([...mute]).toEqual([0x23, 0x01]);
    expect([...offHook]).toEqual([0x24, 0x01]);
    expect([...encodeOutputReport(output(layout, 'ringLed'), shadow)]).toEqual([0x21, 0x00]);
  });

  it('EPOS IMPACT DW: Ringer, Off-Hook and Ring land on their own bits of report 3', () => {
    const layout = layoutOf('epos-impact-dw-d.hex');
    const bytes = encodeOutputReport(output(layout, 'ringer'), { ringer: 1, ringLed: 1, offHookLed: 0 });
    const decoded = decodeOutputReport(layout, bytes);
    expect(decoded.ok && decoded.value.values).toMatchObject({ ringer: 1, ringLed: 1, offHookLed: 0, muteLed: 0 });
  });
});

describe('input reports', () => {
  it('decodes the hook switch where each descriptor puts it', () => {
    for (const file of ['jabra-evolve-link-ms.hex', 'plantronics-blackwire-c5220.hex', 'epos-impact-dw-d.hex', 'dell-sp325.hex']) {
      const layout = layoutOf(file);
      const report = layout.reports.find((r) => r.direction === 'input' && r.controls.some((c) => c.name === 'hookSwitch'));
      if (!report) throw new Error(file);
      const bytes = encodeInputReport(layout, report, { hookSwitch: 1 });
      const decoded = decodeInputReport(layout, bytes);
      expect(decoded.ok && decoded.value.values, file).toMatchObject({ hookSwitch: 1, phoneMute: 0 });
    }
  });

  it('reads the Jabra keypad as the pressed key usage', () => {
    const layout = layoutOf('jabra-evolve-link-ms.hex');
    const report = layout.reports.find((r) => r.direction === 'input');
    if (!report) throw new Error('no input');
    const bytes = encodeInputReport(layout, report, { keypad: 0xb5 });
    const decoded = decodeInputReport(layout, bytes);
    expect(decoded.ok && decoded.value.values.keypad).toBe(0xb5);
    // At rest every Jabra report carries index 0 in the keypad field: no key, not Phone Key 0.
    const idle = decodeInputReport(layout, encodeInputReport(layout, report, {}));
    expect(idle.ok && idle.value.values.keypad).toBe(0);
  });

  it('sign-extends fields with a negative logical minimum', () => {
    const layout: TelephonyLayout = {
      telephony: true,
      collection: { usagePage: 0x0b, usage: 0x05 },
      reports: [
        {
          reportId: 0,
          direction: 'input',
          byteLength: 1,
          controls: [
            { name: 'hookSwitch', usagePage: 0x0b, usage: 0x20, bitOffset: 2, bitSize: 2, type: 'toggleButton', logicalMin: -1, logicalMax: 1 },
          ],
        },
      ],
    };
    // No report IDs: the transport hands over the bare report.
    const off = decodeInputReport(layout, Uint8Array.of(0b0000_1100));
    expect(off.ok && off.value.values.hookSwitch).toBe(-1);
    const on = decodeInputReport(layout, Uint8Array.of(0b0000_0100));
    expect(on.ok && on.value.values.hookSwitch).toBe(1);
    const report = layout.reports[0];
    if (!report) throw new Error('no report');
    expect([...encodeInputReport(layout, report, { hookSwitch: -1 })]).toEqual([0b0000_1100]);
  });

  it('refuses empty, unknown and short reports; accepts Windows padding', () => {
    const layout = layoutOf('jabra-evolve-link-ms.hex');
    expect(decodeInputReport(layout, new Uint8Array(0))).toMatchObject({ ok: false, error: 'empty' });
    expect(decodeInputReport(layout, Uint8Array.of(0x77, 1, 0))).toMatchObject({ ok: false, error: 'unknown-report', reportId: 0x77 });
    expect(decodeInputReport(layout, Uint8Array.of(2, 1))).toMatchObject({ ok: false, error: 'too-short', reportId: 2 });
    const padded = decodeInputReport(layout, Uint8Array.of(2, 1, 0, 0, 0, 0, 0, 0));
    expect(padded.ok && padded.value.values.hookSwitch).toBe(1);
  });

  it('finds the Jabra GN vendor report 4 inputs', () => {
    const layout = layoutOf('jabra-evolve-link-ms.hex');
    const report = layout.vendorChannel?.reports.find((r) => r.direction === 'input');
    if (!report) throw new Error('no vendor input');
    const decoded = decodeInputReport(layout, encodeInputReport(layout, report, { reject: 1 }));
    expect(decoded.ok && decoded.value.report.reportId).toBe(4);
    expect(decoded.ok && decoded.value.values).toMatchObject({ reject: 1, hookSwitch: 0 });
  });
});
