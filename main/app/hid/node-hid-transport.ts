// The Electron host's HidTransport: node-hid 3.x's async API (its reads run on a worker thread, so
// main never blocks on USB) joined with report descriptors from a DescriptorSource, because
// node-hid does not expose them (NOTES.md §4.1).
import { devicesAsync, HIDAsync } from 'node-hid';
import type { DescriptorSource } from '../../core/hid/descriptor/descriptor-source.ts';
import type {
  HidConnection,
  HidDeviceChange,
  HidDeviceInfo,
  HidInputHandlers,
  HidTransport,
} from '../../core/hid/hid-transport.ts';
import type { Logger } from '../../core/ports.ts';

export const TELEPHONY_PAGE = 0x0b;
/** Jabra's vendor collection, which mirrors telephony on GN pages (NOTES.md §2.6). */
export const JABRA_VENDOR_PAGE = 0xff00;
export const JABRA_VENDOR_ID = 0x0b0e;
export const DEFAULT_POLL_MS = 2000;

/** The part of node-hid's device entry this transport reads. */
export interface NodeHidDevice {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  product?: string | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
  interface: number;
}

/** The part of node-hid's HIDAsync this transport uses. */
export interface NodeHidHandle {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  write(values: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

export interface NodeHidApi {
  devicesAsync(): Promise<NodeHidDevice[]>;
  open(path: string, options?: { nonExclusive?: boolean }): Promise<NodeHidHandle>;
}

/** node-hid itself; the native binding loads on the first call, not on import. */
export const nodeHid: NodeHidApi = {
  devicesAsync: () => devicesAsync(),
  open: (path, options) => HIDAsync.open(path, options),
};

export interface NodeHidTransportOptions {
  descriptors: DescriptorSource;
  platform: NodeJS.Platform;
  logger: Logger;
  hid?: NodeHidApi;
  /** How often hot-plug polls devicesAsync(); each poll is a USB enumeration, so not too often. */
  pollMs?: number;
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** An open path. Writes are chained so they reach the device in the order they were called. */
class NodeHidConnection implements HidConnection {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly path: string,
    private readonly handle: NodeHidHandle,
  ) {}

  write(report: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`HID device ${this.path} is closed`));
    // The caller's first byte is already the report ID (0 when the device numbers none), which is
    // what hidapi expects on every OS; copied because the caller may reuse its buffer.
    const bytes = Buffer.from(report);
    const written = this.tail.then(async () => {
      if (this.closed) throw new Error(`HID device ${this.path} is closed`);
      await this.handle.write(bytes);
    });
    // A failed write must not stop the ones queued after it.
    this.tail = written.catch(() => undefined);
    return written;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

/**
 * HidTransport over node-hid. Hot-plug is found by polling devicesAsync() (node-hid has no
 * events); a new path is announced only once two polls in a row saw it, so a device that is
 * still enumerating (or bouncing) is not opened twice.
 */
export class NodeHidTransport implements HidTransport {
  private readonly hid: NodeHidApi;
  private readonly descriptors: DescriptorSource;
  private readonly platform: NodeJS.Platform;
  private readonly logger: Logger;
  private readonly pollMs: number;
  private readonly listeners = new Set<(change: HidDeviceChange) => void>();
  /** Paths announced (or present at the first poll); null until that first poll. */
  private known: Set<string> | null = null;
  /** Paths seen once and waiting for a second poll to confirm them. */
  private readonly candidates = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private disposed = false;

  constructor(options: NodeHidTransportOptions) {
    this.hid = options.hid ?? nodeHid;
    this.descriptors = options.descriptors;
    this.platform = options.platform;
    this.logger = options.logger;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  async list(): Promise<HidDeviceInfo[]> {
    const listed = await this.hid.devicesAsync();
    return this.join(this.select(listed));
  }

  async open(path: string, handlers: HidInputHandlers): Promise<HidConnection> {
    // macOS seizes the device unless told otherwise, which would take the headset from Teams or
    // Zoom; elsewhere opens are shared anyway (NOTES.md §0.10).
    const options = this.platform === 'darwin' ? { nonExclusive: true } : undefined;
    let handle: NodeHidHandle;
    try {
      handle = await this.hid.open(path, options);
    } catch (error) {
      throw new Error(`opening HID device ${path} failed: ${toError(error).message}`, { cause: error });
    }
    const connection = new NodeHidConnection(path, handle);
    handle.on('data', (data: Buffer) => {
      // node-hid turns a throw in here into a device 'error', which would close a healthy device.
      try {
        handlers.onReport(new Uint8Array(data));
      } catch (error) {
        this.logger.error(`hid: handling a report from ${path} failed: ${toError(error).message}`);
      }
    });
    handle.on('error', (error: unknown) => {
      // The read loop has stopped (usually: unplugged). If the path comes back, the poll must
      // announce it again rather than treat it as the device it already knew.
      this.known?.delete(path);
      connection.close().catch((closeError: unknown) => {
        this.logger.debug(`hid: closing ${path} after a read error failed: ${toError(closeError).message}`);
      });
      handlers.onError(toError(error));
    });
    return connection;
  }

  onDeviceChange(listener: (change: HidDeviceChange) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1 && !this.disposed) this.schedule(0);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopPolling();
    };
  }

  /** Stops polling for good; open connections are the caller's to close. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.stopPolling();
  }

  /**
   * Windows lists one path per top-level collection, and a write with another collection's report
   * ID fails there: keep the telephony collection (and Jabra's vendor one). Elsewhere one path
   * carries every collection, so every entry stays and the controller opens each path once.
   */
  private select(listed: readonly NodeHidDevice[]): NodeHidDevice[] {
    const withPath = listed.filter((d) => typeof d.path === 'string' && d.path.length > 0);
    if (this.platform !== 'win32') return withPath;
    return withPath.filter(
      (d) => d.usagePage === TELEPHONY_PAGE || (d.vendorId === JABRA_VENDOR_ID && d.usagePage === JABRA_VENDOR_PAGE),
    );
  }

  private async join(devices: readonly NodeHidDevice[]): Promise<HidDeviceInfo[]> {
    const byPath = new Map<string, Uint8Array>();
    if (devices.length > 0) {
      try {
        const listing = await this.descriptors.list();
        for (const entry of listing.interfaces) byPath.set(entry.path, entry.descriptor);
        for (const { path, reason } of listing.unreadable) this.logger.debug(`hid: no descriptor for ${path}: ${reason}`);
      } catch (error) {
        // Without descriptors nothing is usable, but the listing still says what is plugged in.
        this.logger.warn(`hid: reading report descriptors failed: ${toError(error).message}`);
      }
    }
    return devices.map((d) => ({
      path: d.path ?? '',
      vendorId: d.vendorId,
      productId: d.productId,
      product: d.product ?? '',
      usagePage: d.usagePage ?? 0,
      usage: d.usage ?? 0,
      descriptor: byPath.get(d.path ?? '') ?? new Uint8Array(0),
    }));
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null || this.disposed || this.listeners.size === 0) return;
    // Unref'd: a pending poll never keeps the process alive, and the chain (not an interval)
    // means a slow enumeration is never overlapped by the next one.
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, delayMs);
    this.timer.unref();
  }

  private stopPolling(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.known = null;
    this.candidates.clear();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.pollOnce();
    } catch (error) {
      this.logger.warn(`hid: polling for devices failed: ${toError(error).message}`);
    } finally {
      this.polling = false;
      this.schedule(this.pollMs);
    }
  }

  private async pollOnce(): Promise<void> {
    const listed = this.select(await this.hid.devicesAsync());
    if (this.listeners.size === 0 || this.disposed) return;
    const present = new Set(listed.map((d) => d.path ?? ''));
    if (this.known === null) {
      // The first poll is the baseline: what is present now the controller found through list().
      this.known = present;
      return;
    }
    const known = this.known;
    for (const path of [...known]) {
      if (present.has(path)) continue;
      known.delete(path);
      this.emit({ kind: 'removed', path });
    }
    for (const path of [...this.candidates]) if (!present.has(path)) this.candidates.delete(path);
    const confirmed: NodeHidDevice[] = [];
    const fresh = new Set<string>();
    for (const device of listed) {
      const path = device.path ?? '';
      if (known.has(path)) continue;
      // Several entries share a path (one per usage pair): a path first seen in this poll waits.
      if (fresh.has(path)) continue;
      if (this.candidates.has(path)) {
        confirmed.push(device);
      } else {
        this.candidates.add(path);
        fresh.add(path);
      }
    }
    if (confirmed.length === 0) return;
    const infos = await this.join(confirmed);
    // Unsubscribed (or disposed, which unsubscribes everyone) while the descriptors were read.
    if (this.listeners.size === 0) return;
    // hidapi lists one entry per usage pair on one path: announce each path once, with the entry
    // that has a descriptor.
    const announced = new Map<string, HidDeviceInfo>();
    for (const info of infos) {
      const seen = announced.get(info.path);
      if (!seen || (seen.descriptor.length === 0 && info.descriptor.length > 0)) announced.set(info.path, info);
    }
    for (const info of announced.values()) {
      this.candidates.delete(info.path);
      known.add(info.path);
      this.logger.debug(`hid: arrived ${hex4(info.vendorId)}:${hex4(info.productId)} at ${info.path}`);
      this.emit({ kind: 'arrived', device: info });
    }
  }

  private emit(change: HidDeviceChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error(`hid: device change listener failed: ${toError(error).message}`);
      }
    }
  }
}
