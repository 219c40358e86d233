// Asserting what a device shows: only the LEDs it has are compared, so one flow test runs over
// devices with different sets of LEDs.
import { expect } from 'vitest';
import type { InputName, OutputName } from '../../../../main/core/hid/layout.ts';
import type { ReplayDevice } from '../../../support/hid-replay.ts';

export function hasOutput(device: ReplayDevice, name: OutputName, vendor = false): boolean {
  const reports = vendor ? (device.layout.vendorChannel?.reports ?? []) : device.layout.reports;
  return reports.some((r) => r.direction === 'output' && r.controls.some((c) => c.name === name));
}

export function hasInput(device: ReplayDevice, name: InputName): boolean {
  return device.layout.reports.some((r) => r.direction === 'input' && r.controls.some((c) => c.name === name));
}

export function expectLeds(device: ReplayDevice, expected: Partial<Record<OutputName, number>>, vendor = false): void {
  const shown = device.leds({ vendor });
  const want: Partial<Record<OutputName, number>> = {};
  const got: Partial<Record<OutputName, number>> = {};
  for (const [name, value] of Object.entries(expected) as [OutputName, number][]) {
    if (!hasOutput(device, name, vendor)) continue;
    want[name] = value;
    got[name] = shown[name];
  }
  expect(got, `${device.info.product}${vendor ? ' (vendor channel)' : ''}`).toEqual(want);
}

export const ALL_OFF: Partial<Record<OutputName, number>> = {
  offHookLed: 0,
  ringLed: 0,
  ringer: 0,
  muteLed: 0,
  microphoneLed: 0,
  holdLed: 0,
  onLineLed: 0,
};
