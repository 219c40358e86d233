// A stand-in for the node-hid module (swapped in with vi.mock): the same named exports the
// transport imports, over a device table the test edits as devices come and go.
import { EventEmitter } from 'node:events';
import type { NodeHidDevice } from '../../../../main/app/hid/node-hid-transport.ts';

export interface WriteRecord {
  path: string;
  bytes: number[];
  startedAt: number;
  finishedAt: number;
}

export const bus = {
  devices: [] as NodeHidDevice[],
  enumerations: 0,
  /** What the next open() rejects with (e.g. another app holds the device), once. */
  openFailure: null as Error | null,
  opened: [] as { path: string; options: { nonExclusive?: boolean } | undefined; handle: FakeHidAsync }[],
  writes: [] as WriteRecord[],
  /** Milliseconds each write takes, in call order; a longer first write tests the ordering. */
  writeDelays: [] as number[],
  step: 0,
};

export function resetBus(): void {
  bus.devices = [];
  bus.enumerations = 0;
  bus.openFailure = null;
  bus.opened = [];
  bus.writes = [];
  bus.writeDelays = [];
  bus.step = 0;
}

export class FakeHidAsync extends EventEmitter {
  closed = false;

  constructor(readonly path: string) {
    super();
  }

  static async open(path: string, options?: { nonExclusive?: boolean }): Promise<FakeHidAsync> {
    await Promise.resolve();
    const failure = bus.openFailure;
    if (failure) {
      bus.openFailure = null;
      throw failure;
    }
    if (!bus.devices.some((d) => d.path === path)) throw new Error('could not open device');
    const handle = new FakeHidAsync(path);
    bus.opened.push({ path, options, handle });
    return handle;
  }

  async write(values: number[] | Buffer): Promise<number> {
    if (this.closed) throw new Error('Cannot write to closed device');
    const startedAt = bus.step++;
    const delay = bus.writeDelays.shift() ?? 0;
    await new Promise((resolve) => setTimeout(resolve, delay));
    const bytes = [...values];
    bus.writes.push({ path: this.path, bytes, startedAt, finishedAt: bus.step++ });
    return bytes.length;
  }

  close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners();
    return Promise.resolve();
  }
}

export const HIDAsync = FakeHidAsync;

export function devicesAsync(): Promise<NodeHidDevice[]> {
  bus.enumerations++;
  return Promise.resolve(bus.devices.map((d) => ({ ...d })));
}
