// The telephony layout of a USB HID headset or desk phone, as read from its report descriptor:
// where each call-control input and each LED output sits in which report. Everything the host
// does with a device goes through this, never through known models or fixed bit positions.

/** HUT §3.4.1 control types, from the main item's flags and logical range. */
export type ControlType = 'toggleSwitch' | 'toggleButton' | 'momentary' | 'oneShot';

export type InputName = 'hookSwitch' | 'phoneMute' | 'flash' | 'redial' | 'drop' | 'reject' | 'lineBusy' | 'keypad';
export type OutputName = 'offHookLed' | 'ringLed' | 'muteLed' | 'holdLed' | 'microphoneLed' | 'onLineLed' | 'ringer';
export type ControlName = InputName | OutputName;

export interface Control {
  name: ControlName;
  usagePage: number;
  usage: number;
  /** Counted from the first bit after the report-ID byte (or from bit 0 without report IDs). */
  bitOffset: number;
  bitSize: number;
  type: ControlType;
  logicalMin: number;
  logicalMax: number;
  /** Array items (the keypad): the usage that index `logicalMin` stands for, and the last one. */
  usageMin?: number;
  usageMax?: number;
}

export interface ReportLayout {
  /** 0 when the device uses no report IDs. */
  reportId: number;
  direction: 'input' | 'output';
  /** Length of the report in bytes, without the report-ID byte: every field of it, ours or not. */
  byteLength: number;
  controls: Control[];
}

export interface TelephonyLayout {
  /** True when the telephony collection has at least a hook switch or a usable LED to drive. */
  telephony: boolean;
  /** Usage page and usage of the top-level collection the controls come from (0x0B:0x05 etc.). */
  collection: { usagePage: number; usage: number } | null;
  reports: ReportLayout[];
  /**
   * Jabra's GN vendor channel (pages 0xFF30/0xFF40 in a collection of their own, cloned by
   * Yealink), when the descriptor has one. A device that host software switched to this channel
   * reports call control here instead of on the telephony page; reject is 0xFF30:0xFFFD.
   */
  vendorChannel?: VendorChannel;
}

export interface VendorChannel {
  collection: { usagePage: number; usage: number };
  reports: ReportLayout[];
}
