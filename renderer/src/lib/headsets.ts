// The pure parts of the headset page: which devices are used for calls, the live input values,
// the LEDs being tried and the support-bundle download. Kept out of components and rune classes
// so they are unit-tested without a DOM or the Svelte compiler.
import {
  HeadsetInput,
  HeadsetOutput,
  type HeadsetInputEvent,
  type HeadsetKey,
  type HeadsetView,
} from '../../../preload/contract.ts';

/** Inputs and outputs in the contract's order, so every device lists them the same way. */
export const INPUT_ORDER: readonly HeadsetInput[] = HeadsetInput.options;
export const OUTPUT_ORDER: readonly HeadsetOutput[] = HeadsetOutput.options;

export function sortedInputs(view: HeadsetView): HeadsetInput[] {
  return INPUT_ORDER.filter((name) => view.inputs.includes(name));
}

export function sortedOutputs(view: HeadsetView): HeadsetOutput[] {
  return OUTPUT_ORDER.filter((name) => view.outputs.includes(name));
}

/** `0b0e:245e`, as `npm run hid` and USB tools print it. */
export function vidPid(view: Pick<HeadsetView, 'vendorId' | 'productId'>): string {
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  return `${hex(view.vendorId)}:${hex(view.productId)}`;
}

/** Only devices that can control calls get a "use for calls" choice. */
export function canChooseUse(view: HeadsetView): boolean {
  return view.status !== 'no-call-controls';
}

/** The ignored list after the user (un)checked "use for calls" for `key`; other keys stay as they were. */
export function withUse(ignored: readonly HeadsetKey[], key: HeadsetKey, use: boolean): HeadsetKey[] {
  const rest = ignored.filter((k) => k !== key);
  return use ? rest : [...rest, key];
}

// ---------------------------------------------------------------------------------------------
// Live inputs

export interface InputReading {
  /** The value of the last report; lit while it is not 0. */
  value: number;
  /** The keypad's last key pressed (it goes back to 0 on release, the key stays shown). */
  lastKey: string | null;
}

/** Per device id, per input: what the device reported last. */
export type LiveInputs = Readonly<Record<string, Partial<Record<HeadsetInput, InputReading>>>>;

/** Phone Key usages 0xB0..0xBB (HID telephony page) are 0-9, then * and #. */
const KEYPAD_FIRST = 0xb0;
const KEYPAD_KEYS = '0123456789*#';

/** The key a keypad value stands for; null for "no key" (0) and for values outside the keypad. */
export function keypadKey(value: number): string | null {
  const index = value - KEYPAD_FIRST;
  return index >= 0 && index < KEYPAD_KEYS.length ? (KEYPAD_KEYS[index] ?? null) : null;
}

/** The live values after one input report; a new object, so rune state sees the change. */
export function applyInput(live: LiveInputs, event: HeadsetInputEvent): LiveInputs {
  const device = { ...(live[event.id] ?? {}) };
  for (const { name, value } of event.values) {
    const key = name === 'keypad' ? keypadKey(value) : null;
    device[name] = { value, lastKey: key ?? device[name]?.lastKey ?? null };
  }
  return { ...live, [event.id]: device };
}

/** Drops the readings of devices that are gone (ids change on replug). */
export function keepDevices<T>(byId: Readonly<Record<string, T>>, views: readonly HeadsetView[]): Record<string, T> {
  const ids = new Set(views.map((v) => v.id));
  return Object.fromEntries(Object.entries(byId).filter(([id]) => ids.has(id)));
}

// ---------------------------------------------------------------------------------------------
// LEDs being tried

/** The outputs switched on after one switch changed, in the contract's order. */
export function withOutput(on: readonly HeadsetOutput[], name: HeadsetOutput, lit: boolean): HeadsetOutput[] {
  return OUTPUT_ORDER.filter((o) => (o === name ? lit : on.includes(o)));
}

// ---------------------------------------------------------------------------------------------
// Support bundle download

/** The browser parts a download needs; tests pass fakes. */
export interface DownloadPort {
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
  /** A detached <a> element; it is attached only for the click. */
  createAnchor(): Pick<HTMLAnchorElement, 'href' | 'download' | 'click' | 'remove'>;
  attach(anchor: object): void;
  /** Runs `fn` after the click was handled (the URL must live until the browser read it). */
  later(fn: () => void): void;
}

export function browserDownloadPort(doc: Document = document): DownloadPort {
  return {
    createObjectURL: (blob) => URL.createObjectURL(blob),
    revokeObjectURL: (url) => {
      URL.revokeObjectURL(url);
    },
    createAnchor: () => doc.createElement('a'),
    attach: (anchor) => {
      if (anchor instanceof Node) doc.body.append(anchor);
    },
    later: (fn) => setTimeout(fn, 1000),
  };
}

/**
 * Saves text as a file through a temporary <a download>: Chromium and Electron both treat it as a
 * download (Electron shows its save dialog), and no server round trip or Node API is needed.
 */
export function downloadText(port: DownloadPort, fileName: string, text: string, type = 'application/json'): void {
  const url = port.createObjectURL(new Blob([text], { type }));
  const anchor = port.createAnchor();
  anchor.href = url;
  anchor.download = fileName;
  port.attach(anchor);
  try {
    anchor.click();
  } finally {
    anchor.remove();
    port.later(() => {
      port.revokeObjectURL(url);
    });
  }
}
