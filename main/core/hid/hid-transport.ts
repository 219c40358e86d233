// HidTransport: what a host gives the core for USB HID. The Electron host implements it with
// node-hid (plus a descriptor reader, since node-hid does not expose descriptors); tests use a
// replay device built from real descriptors. Everything is async because node-hid's is.

/** One HID device path as the OS lists it. */
export interface HidDeviceInfo {
  /** What open() takes. On Windows one path per top-level collection; elsewhere one per interface. */
  path: string;
  vendorId: number;
  productId: number;
  /** Product string for logs; may be empty. */
  product: string;
  /** Usage page and usage of the collection this entry stands for (hidapi lists one per pair). */
  usagePage: number;
  usage: number;
  /** The report descriptor of this path; empty when the host could not read it. */
  descriptor: Uint8Array;
}

export interface HidInputHandlers {
  /**
   * One input report as hidapi delivers it: the report-ID byte first when the device numbers its
   * reports, none when it does not. Windows may pad it to the collection's longest input report.
   */
  onReport(report: Uint8Array): void;
  /** The read failed (usually: the device went away). No more reports follow. */
  onError(error: Error): void;
}

export interface HidConnection {
  readonly path: string;
  /**
   * Writes one output report: the report-ID byte first (0 when the device has no report IDs),
   * then the report. Writes reach the device in the order they were called.
   */
  write(report: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export type HidDeviceChange = { kind: 'arrived'; device: HidDeviceInfo } | { kind: 'removed'; path: string };

export interface HidTransport {
  list(): Promise<HidDeviceInfo[]>;
  /** Opens a path shared with other apps where the OS allows it (macOS: nonExclusive). */
  open(path: string, handlers: HidInputHandlers): Promise<HidConnection>;
  /** Hot-plug: a path appeared or went away. Returns the unsubscribe function. */
  onDeviceChange(listener: (change: HidDeviceChange) => void): () => void;
}
