// The microphone is open only while some call holds a lease on it: one capture per device shared
// by clones, stopped with the last lease, reopened for the next call.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalMedia, type MediaDevicesLike } from '../../../renderer/src/media/local-media.ts';
import { FakeStream, FakeTrack } from './media-fakes.ts';

function overconstrained(): Error {
  const err = new Error('no such device');
  err.name = 'OverconstrainedError';
  return err;
}

interface Pending {
  resolve(): void;
}

describe('LocalMedia', () => {
  let opened: MediaStreamConstraints[];
  let gone: Set<string>;
  let created: FakeTrack[];
  let hold: Pending[] | null;
  let devices: MediaDevicesLike;
  let media: LocalMedia;

  beforeEach(() => {
    vi.stubGlobal('MediaStream', FakeStream);
    opened = [];
    gone = new Set();
    created = [];
    hold = null;
    devices = {
      getUserMedia: (constraints) => {
        opened.push(constraints);
        const audio = constraints.audio;
        const id = typeof audio === 'object' ? (audio.deviceId as { exact: string }).exact : '';
        if (gone.has(id)) return Promise.reject(overconstrained());
        const track = new FakeTrack(id);
        created.push(track);
        const stream = new FakeStream([track]) as unknown as MediaStream;
        if (!hold) return Promise.resolve(stream);
        const waiting = hold;
        return new Promise((resolve) => waiting.push({ resolve: () => { resolve(stream); } }));
      },
      enumerateDevices: () => Promise.resolve([{ kind: 'audioinput' } as MediaDeviceInfo]),
    };
    media = new LocalMedia(devices);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('opens nothing until a call asks', async () => {
    expect(media.isOpen()).toBe(false);
    expect(await media.hasMicrophone()).toBe(true);
    expect(opened).toEqual([]);
  });

  it('shares one capture between calls on one device, each with its own clone', async () => {
    const [a, b] = (await Promise.all([media.acquire('call-a', ''), media.acquire('call-b', '')])) as unknown as FakeTrack[];
    expect(opened).toEqual([{ audio: true, video: false }]);
    expect(a).not.toBe(b);
    expect(media.isOpen()).toBe(true);
    // Muting one call's clone leaves the other alone.
    a!.enabled = false;
    expect(b!.enabled).toBe(true);
  });

  it('stops the capture with the last lease, and opens a new one for the next call', async () => {
    await media.acquire('call-a', 'mic-1');
    await media.acquire('call-b', 'mic-1');
    media.release('call-a');
    expect(created[0]!.readyState).toBe('live');
    expect(media.isOpen()).toBe(true);
    media.release('call-b');
    expect(created[0]!.readyState).toBe('ended');
    expect(media.isOpen()).toBe(false);

    await media.acquire('call-c', 'mic-1');
    expect(opened).toHaveLength(2);
    expect(created[1]!.readyState).toBe('live');
  });

  it('closes a capture that opens after its only call already ended', async () => {
    hold = [];
    const pending = media.acquire('call-a', '');
    expect(media.isOpen()).toBe(true);
    media.release('call-a');
    expect(media.isOpen()).toBe(false);
    hold[0]!.resolve();
    expect(await pending).toBeNull();
    expect(created[0]!.readyState).toBe('ended');
  });

  it('opens the configured device and each device separately', async () => {
    await media.acquire('call-a', 'usb-headset');
    await media.acquire('call-b', '');
    expect(opened).toEqual([
      { audio: { deviceId: { exact: 'usb-headset' } }, video: false },
      { audio: true, video: false },
    ]);
    media.release('call-a');
    expect(created.map((t) => t.readyState)).toEqual(['ended', 'live']);
  });

  it('falls back to the system default when the configured device is gone', async () => {
    gone.add('usb-headset');
    const track = (await media.acquire('call-a', 'usb-headset')) as unknown as FakeTrack;
    expect(track.label).toBe('');
    expect(opened).toEqual([
      { audio: { deviceId: { exact: 'usb-headset' } }, video: false },
      { audio: true, video: false },
    ]);
  });

  it('reopens when the device went away during a call', async () => {
    await media.acquire('call-a', '');
    created[0]!.endBySource();
    // The same call asks again (its lease moves), and so does another one.
    await media.acquire('call-a', '');
    await media.acquire('call-b', '');
    expect(opened).toHaveLength(2);
    expect(media.isOpen()).toBe(true);
  });

  it('rejects when no microphone can be had, and asks again for the next call', async () => {
    const denied = new LocalMedia({ getUserMedia: () => Promise.reject(new Error('NotAllowedError')) });
    await expect(denied.acquire('call-a', '')).rejects.toThrow('NotAllowedError');
    expect(denied.isOpen()).toBe(false);
    expect(await denied.hasMicrophone()).toBe(false);

    let fail = true;
    const flaky = new LocalMedia({
      getUserMedia: () => (fail ? Promise.reject(new Error('NotReadableError')) : devices.getUserMedia({ audio: true })),
    });
    await expect(flaky.acquire('call-a', '')).rejects.toThrow('NotReadableError');
    fail = false;
    await expect(flaky.acquire('call-b', '')).resolves.not.toBeNull();
  });

  it('stop() closes every capture', async () => {
    await media.acquire('call-a', 'mic-1');
    await media.acquire('call-b', 'mic-2');
    media.stop();
    expect(created.every((t) => t.readyState === 'ended')).toBe(true);
    expect(media.isOpen()).toBe(false);
  });
});
