// The node-hid transport against a fake node-hid module whose devices carry real report
// descriptors (test/fixtures/hid), read through the real sysfs descriptor source on Linux.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeHidTransport } from '../../../../main/app/hid/node-hid-transport.ts';
import type { NodeHidDevice } from '../../../../main/app/hid/node-hid-transport.ts';
import type { DescriptorSource } from '../../../../main/core/hid/descriptor/descriptor-source.ts';
import { SysfsDescriptorSource } from '../../../../main/core/hid/descriptor/sysfs-descriptor-source.ts';
import { HeadsetController } from '../../../../main/core/hid/headset-controller.ts';
import type { CallControl } from '../../../../main/core/hid/headset-controller.ts';
import type { HidDeviceChange, HidInputHandlers } from '../../../../main/core/hid/hid-transport.ts';
import { encodeOutputReport } from '../../../../main/core/hid/report-codec.ts';
import { telephonyLayout } from '../../../../main/core/hid/telephony-layout.ts';
import type { Logger } from '../../../../main/core/ports.ts';
import { systemClock } from '../../../../main/core/ports.ts';
import { loadFixture } from '../../hid/fixtures.ts';
import { bus, resetBus } from './fake-node-hid.ts';

vi.mock('node-hid', () => import('./fake-node-hid.ts'));

const JABRA = loadFixture('jabra-evolve-link-ms');
const BT700 = loadFixture('plantronics-bt700');
const G535 = loadFixture('logitech-g535');

interface LogLine {
  level: keyof Logger;
  msg: string;
}

function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: keyof Logger) =>
    (msg: string): void => {
      lines.push({ level, msg });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const idleCalls: CallControl = {
  answer: () => Promise.resolve(),
  hangup: () => Promise.resolve(),
  reject: () => Promise.resolve(),
  setMuted: () => Promise.resolve(),
  hold: () => Promise.resolve(),
  swapOrHold: () => Promise.resolve(),
  redial: () => Promise.resolve(),
};

function jabraEntry(p: string, usagePage = 0x0b, usage = 0x05): NodeHidDevice {
  return { vendorId: 0x0b0e, productId: 0x0307, product: 'Jabra EVOLVE LINK MS', path: p, usagePage, usage, interface: 3 };
}
function bt700Entry(p: string, usagePage = 0x0b, usage = 0x05): NodeHidDevice {
  return { vendorId: 0x047f, productId: 0x02e6, product: 'Poly BT700', path: p, usagePage, usage, interface: 3 };
}
function g535Entry(p: string): NodeHidDevice {
  return { vendorId: 0x046d, productId: 0x0ac4, product: 'G535', path: p, usagePage: 0x0c, usage: 0x01, interface: 3 };
}

/** Descriptors by path, as the native addon will give them on Windows and macOS. */
function mapSource(entries: Record<string, Uint8Array>): DescriptorSource {
  return {
    list: () =>
      Promise.resolve({
        interfaces: Object.entries(entries).map(([p, descriptor]) => ({ path: p, vendorId: 0, productId: 0, name: '', descriptor })),
        unreadable: [],
      }),
  };
}

const dirs: string[] = [];
function sysfs(nodes: Record<string, { descriptor: Uint8Array; id: string; name: string }>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'hidraw-'));
  dirs.push(root);
  for (const [name, node] of Object.entries(nodes)) {
    const dir = path.join(root, name, 'device');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'report_descriptor'), node.descriptor);
    writeFileSync(path.join(dir, 'uevent'), `HID_ID=0003:${node.id}\nHID_NAME=${node.name}\n`);
  }
  return root;
}

function handlers(): HidInputHandlers & { reports: Uint8Array[]; errors: Error[] } {
  const reports: Uint8Array[] = [];
  const errors: Error[] = [];
  return {
    reports,
    errors,
    onReport: (r) => reports.push(r),
    onError: (e) => errors.push(e),
  };
}

const transports: NodeHidTransport[] = [];
function transport(platform: NodeJS.Platform, descriptors: DescriptorSource, logger: Logger = recordingLogger()): NodeHidTransport {
  const t = new NodeHidTransport({ descriptors, platform, logger });
  transports.push(t);
  return t;
}

beforeEach(() => {
  resetBus();
});
afterEach(() => {
  for (const t of transports.splice(0)) t.dispose();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.useRealTimers();
});

describe('listing', () => {
  it('joins node-hid entries with the sysfs descriptors of their hidraw paths (Linux)', async () => {
    const root = sysfs({
      hidraw0: { descriptor: JABRA, id: '00000B0E:00000307', name: 'Jabra' },
      hidraw1: { descriptor: G535, id: '0000046D:00000AC4', name: 'G535' },
    });
    bus.devices = [jabraEntry('/dev/hidraw0', 0x0b, 0x05), jabraEntry('/dev/hidraw0', 0x0c, 0x01), g535Entry('/dev/hidraw1'), g535Entry('/dev/hidraw9')];
    const t = transport('linux', new SysfsDescriptorSource(root, '/dev'));
    const listed = await t.list();
    expect(listed.map((d) => [d.path, d.usagePage, d.descriptor.length])).toEqual([
      ['/dev/hidraw0', 0x0b, JABRA.length],
      ['/dev/hidraw0', 0x0c, JABRA.length],
      ['/dev/hidraw1', 0x0c, G535.length],
      // Listed by hidapi but not (or no longer) in sysfs: no descriptor, still listed.
      ['/dev/hidraw9', 0x0c, 0],
    ]);
    expect(listed[0]).toMatchObject({ vendorId: 0x0b0e, productId: 0x0307, product: 'Jabra EVOLVE LINK MS', usage: 0x05 });
    expect([...(listed[0]?.descriptor ?? [])]).toEqual([...JABRA]);
  });

  it('keeps only the telephony collection, and Jabra’s vendor one, of each device on Windows', async () => {
    const jabraPath = (col: string): string => `\\\\?\\hid#vid_0b0e&pid_0307&mi_03&${col}#7&1a2b3c4d&0&000${col.slice(-1)}#{4d1e55b2-f16f-11cf-88cb-001111000030}`;
    const polyPath = (col: string): string => `\\\\?\\hid#vid_047f&pid_02e6&mi_03&${col}#8&2b3c4d5e&0&000${col.slice(-1)}#{4d1e55b2-f16f-11cf-88cb-001111000030}`;
    bus.devices = [
      jabraEntry(jabraPath('col01'), 0x0c, 0x01),
      jabraEntry(jabraPath('col02'), 0x0b, 0x05),
      jabraEntry(jabraPath('col03'), 0xff00, 0x05),
      bt700Entry(polyPath('col01'), 0x0c, 0x01),
      bt700Entry(polyPath('col02'), 0x0b, 0x05),
      bt700Entry(polyPath('col03'), 0xff99, 0x01),
      g535Entry('\\\\?\\hid#vid_046d&pid_0ac4&mi_03#9&3c4d5e6f&0&0000#{4d1e55b2-f16f-11cf-88cb-001111000030}'),
    ];
    const t = transport(
      'win32',
      mapSource({ [jabraPath('col02')]: JABRA, [jabraPath('col03')]: JABRA, [polyPath('col02')]: BT700 }),
    );
    const listed = await t.list();
    expect(listed.map((d) => [d.path, d.usagePage])).toEqual([
      [jabraPath('col02'), 0x0b],
      [jabraPath('col03'), 0xff00],
      [polyPath('col02'), 0x0b],
    ]);
    expect(listed.every((d) => d.descriptor.length > 0)).toBe(true);
  });

  it('still lists the devices, without descriptors, when the descriptor source fails', async () => {
    bus.devices = [jabraEntry('/dev/hidraw0')];
    const logger = recordingLogger();
    const t = transport('linux', { list: () => Promise.reject(new Error('EACCES')) }, logger);
    const listed = await t.list();
    expect(listed.map((d) => [d.path, d.descriptor.length])).toEqual([['/dev/hidraw0', 0]]);
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('EACCES'))).toBe(true);
  });
});

describe('opening', () => {
  it('opens nonExclusive on macOS, so Teams or Zoom keep the headset too', async () => {
    bus.devices = [jabraEntry('DevSrvsID:4294969111')];
    const t = transport('darwin', mapSource({ 'DevSrvsID:4294969111': JABRA }));
    const connection = await t.open('DevSrvsID:4294969111', handlers());
    expect(bus.opened.map((o) => [o.path, o.options])).toEqual([['DevSrvsID:4294969111', { nonExclusive: true }]]);
    await connection.close();
  });

  it('opens with hidapi defaults elsewhere', async () => {
    bus.devices = [jabraEntry('/dev/hidraw0')];
    const t = transport('linux', mapSource({}));
    await t.open('/dev/hidraw0', handlers());
    expect(bus.opened.map((o) => o.options)).toEqual([undefined]);
  });

  it('rejects an open that fails (device busy) with an Error naming the path, and the controller only logs it', async () => {
    bus.devices = [jabraEntry('/dev/hidraw0')];
    bus.openFailure = new Error('could not open device');
    const t = transport('linux', mapSource({ '/dev/hidraw0': JABRA }));
    await expect(t.open('/dev/hidraw0', handlers())).rejects.toThrow(/\/dev\/hidraw0.*could not open device/);

    bus.openFailure = new Error('could not open device');
    const logger = recordingLogger();
    const controller = new HeadsetController({ transport: t, calls: idleCalls, clock: systemClock, logger });
    await expect(controller.start()).resolves.toBeUndefined();
    expect(controller.devices()).toEqual([]);
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('open failed'))).toBe(true);
    await controller.stop();
  });

  it('hands each input report over as a plain Uint8Array copy', async () => {
    bus.devices = [jabraEntry('/dev/hidraw0')];
    const t = transport('linux', mapSource({}));
    const h = handlers();
    await t.open('/dev/hidraw0', h);
    const buf = Buffer.from([0x02, 0x01, 0x00]);
    bus.opened[0]?.handle.emit('data', buf);
    buf[1] = 0xff;
    expect(h.reports.map((r) => [Buffer.isBuffer(r), [...r]])).toEqual([[false, [0x02, 0x01, 0x00]]]);
  });

  it('closes the device when its read fails and reports the error once', async () => {
    bus.devices = [jabraEntry('/dev/hidraw0')];
    const t = transport('linux', mapSource({}));
    const h = handlers();
    const connection = await t.open('/dev/hidraw0', h);
    const handle = bus.opened[0]?.handle;
    handle?.emit('error', new Error('could not read from HID device'));
    await Promise.resolve();
    expect(h.errors.map((e) => e.message)).toEqual(['could not read from HID device']);
    expect(handle?.closed).toBe(true);
    await expect(connection.write(new Uint8Array([0x02, 0x01]))).rejects.toThrow(/closed/);
  });
});

describe('writing', () => {
  it('sends the report-ID byte first, as the encoder lays it out from the real descriptor', async () => {
    bus.devices = [jabraEntry('/dev/hidraw0'), bt700Entry('/dev/hidraw1')];
    const t = transport('linux', mapSource({}));
    const jabraOut = telephonyLayout(JABRA).reports.find((r) => r.direction === 'output');
    const polyOut = telephonyLayout(BT700).reports.find((r) => r.direction === 'output');
    if (!jabraOut || !polyOut) throw new Error('fixture without an output report');
    const jabra = await t.open('/dev/hidraw0', handlers());
    const poly = await t.open('/dev/hidraw1', handlers());
    await jabra.write(encodeOutputReport(jabraOut, { offHookLed: 1 }));
    await poly.write(encodeOutputReport(polyOut, {}));
    // A device without report IDs gets 0 first (the ID byte hidapi strips again).
    await jabra.write(new Uint8Array([0x00, 0x05]));
    expect(bus.writes.map((w) => [w.path, w.bytes[0]])).toEqual([
      ['/dev/hidraw0', jabraOut.reportId],
      ['/dev/hidraw1', polyOut.reportId],
      ['/dev/hidraw0', 0],
    ]);
    expect(jabraOut.reportId).toBe(2);
    expect(bus.writes[0]?.bytes).toEqual([...encodeOutputReport(jabraOut, { offHookLed: 1 })]);
  });

  it('writes in call order, one at a time, and one failure does not stop the rest', async () => {
    bus.devices = [jabraEntry('/dev/hidraw0')];
    const t = transport('linux', mapSource({}));
    const connection = await t.open('/dev/hidraw0', handlers());
    bus.writeDelays = [30, 0, 0];
    const handle = bus.opened[0]?.handle;
    if (!handle) throw new Error('not opened');
    const realWrite = handle.write.bind(handle);
    let calls = 0;
    handle.write = (values) => (++calls === 2 ? Promise.reject(new Error('write failed')) : realWrite(values));
    const results = await Promise.allSettled([
      connection.write(new Uint8Array([2, 1])),
      connection.write(new Uint8Array([2, 2])),
      connection.write(new Uint8Array([2, 3])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(bus.writes.map((w) => w.bytes)).toEqual([
      [2, 1],
      [2, 3],
    ]);
    // The second successful write started only after the first finished, despite its 30 ms.
    const [first, third] = bus.writes;
    expect(third?.startedAt).toBeGreaterThan(first?.finishedAt ?? Infinity);
  });
});

describe('hot-plug', () => {
  const POLL = 2000;

  function watch(t: NodeHidTransport): { changes: HidDeviceChange[]; stop: () => void } {
    const changes: HidDeviceChange[] = [];
    const stop = t.onDeviceChange((c) => changes.push(c));
    return { changes, stop };
  }

  it('finds an arrival after it has been seen by two polls, with its descriptor, and a removal on the next poll', async () => {
    vi.useFakeTimers();
    bus.devices = [g535Entry('/dev/hidraw1')];
    const t = transport('linux', mapSource({ '/dev/hidraw0': JABRA, '/dev/hidraw1': G535 }));
    const { changes } = watch(t);
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([]);

    bus.devices = [g535Entry('/dev/hidraw1'), jabraEntry('/dev/hidraw0', 0x0b, 0x05), jabraEntry('/dev/hidraw0', 0x0c, 0x01)];
    await vi.advanceTimersByTimeAsync(POLL);
    expect(changes).toEqual([]);
    await vi.advanceTimersByTimeAsync(POLL);
    expect(changes.map((c) => (c.kind === 'arrived' ? [c.kind, c.device.path, c.device.descriptor.length] : [c.kind, c.path]))).toEqual([
      ['arrived', '/dev/hidraw0', JABRA.length],
    ]);

    bus.devices = [g535Entry('/dev/hidraw1')];
    await vi.advanceTimersByTimeAsync(POLL);
    expect(changes.at(-1)).toEqual({ kind: 'removed', path: '/dev/hidraw0' });
    expect(changes).toHaveLength(2);
  });

  it('announces a device that bounces while it enumerates once, when it has settled', async () => {
    vi.useFakeTimers();
    const t = transport('win32', mapSource({ a: JABRA }));
    const { changes } = watch(t);
    await vi.advanceTimersByTimeAsync(0);
    const present = [jabraEntry('a')];
    for (const devices of [present, [], present, present, present]) {
      bus.devices = devices;
      await vi.advanceTimersByTimeAsync(POLL);
    }
    expect(changes.map((c) => c.kind)).toEqual(['arrived']);
  });

  it('re-announces a path whose read failed if it is still listed, so the device is reopened', async () => {
    vi.useFakeTimers();
    bus.devices = [jabraEntry('/dev/hidraw0')];
    const t = transport('linux', mapSource({ '/dev/hidraw0': JABRA }));
    const { changes } = watch(t);
    await vi.advanceTimersByTimeAsync(0);
    await t.open('/dev/hidraw0', handlers());
    bus.opened[0]?.handle.emit('error', new Error('could not read from HID device'));
    await vi.advanceTimersByTimeAsync(2 * POLL);
    expect(changes.map((c) => c.kind)).toEqual(['arrived']);
  });

  it('never overlaps polls, survives a failing enumeration, and stops on unsubscribe and on dispose', async () => {
    vi.useFakeTimers();
    const logger = recordingLogger();
    const t = transport('linux', mapSource({}), logger);
    const { stop } = watch(t);
    await vi.advanceTimersByTimeAsync(0);
    expect(bus.enumerations).toBe(1);
    await vi.advanceTimersByTimeAsync(3 * POLL);
    expect(bus.enumerations).toBe(4);
    stop();
    await vi.advanceTimersByTimeAsync(3 * POLL);
    expect(bus.enumerations).toBe(4);

    watch(t);
    bus.devices = [{ vendorId: 1, productId: 2, interface: 0, path: 'x' }];
    const failing = vi.spyOn(bus.devices, 'map').mockImplementation(() => {
      throw new Error('enumeration failed');
    });
    await vi.advanceTimersByTimeAsync(POLL);
    failing.mockRestore();
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('enumeration failed'))).toBe(true);
    const before = bus.enumerations;
    await vi.advanceTimersByTimeAsync(POLL);
    expect(bus.enumerations).toBe(before + 1);
    t.dispose();
    await vi.advanceTimersByTimeAsync(3 * POLL);
    expect(bus.enumerations).toBe(before + 1);
  });

  it('drives a real HeadsetController: an arriving Jabra is opened once and gets its LED report', async () => {
    vi.useFakeTimers();
    const t = transport('linux', mapSource({ '/dev/hidraw0': JABRA }));
    const controller = new HeadsetController({ transport: t, calls: idleCalls, clock: systemClock, logger: recordingLogger() });
    await controller.start();
    await vi.advanceTimersByTimeAsync(0);
    bus.devices = [jabraEntry('/dev/hidraw0', 0x0b, 0x05), jabraEntry('/dev/hidraw0', 0x0c, 0x01)];
    await vi.advanceTimersByTimeAsync(3 * POLL);
    expect(bus.opened.map((o) => o.path)).toEqual(['/dev/hidraw0']);
    expect(controller.devices().map((d) => d.path)).toEqual(['/dev/hidraw0']);
    expect(bus.writes.some((w) => w.bytes[0] === 2)).toBe(true);
    // The fake's writes take a (fake) timer tick: let the LEDs-off writes of stop() finish.
    const stopped = controller.stop();
    await vi.advanceTimersByTimeAsync(10);
    await stopped;
  });
});
