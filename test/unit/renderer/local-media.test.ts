// The pre-warmed microphone: opened once, cloned per call, reopened only when the device changes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalMedia } from '../../../renderer/src/media/local-media.ts';

class FakeTrack {
  readyState: 'live' | 'ended' = 'live';
  enabled = true;
  clones: FakeTrack[] = [];
  constructor(readonly deviceId: string) {}
  clone(): FakeTrack {
    const c = new FakeTrack(this.deviceId);
    this.clones.push(c);
    return c;
  }
  stop(): void {
    this.readyState = 'ended';
  }
}

class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getAudioTracks(): FakeTrack[] {
    return this.tracks;
  }
  getTracks(): FakeTrack[] {
    return this.tracks;
  }
}

function overconstrained(): Error {
  const err = new Error('no such device');
  err.name = 'OverconstrainedError';
  return err;
}

describe('LocalMedia', () => {
  let opened: Array<MediaStreamConstraints>;
  let gone: Set<string>;
  let created: FakeTrack[];
  let media: LocalMedia;

  beforeEach(() => {
    vi.stubGlobal('MediaStream', FakeStream);
    opened = [];
    gone = new Set();
    created = [];
    media = new LocalMedia({
      getUserMedia: (constraints) => {
        opened.push(constraints);
        const audio = constraints.audio;
        const id = typeof audio === 'object' ? (audio.deviceId as { exact: string }).exact : '';
        if (gone.has(id)) return Promise.reject(overconstrained());
        const track = new FakeTrack(id);
        created.push(track);
        return Promise.resolve(new FakeStream([track]) as unknown as MediaStream);
      },
    });
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('opens the microphone once and hands each call its own clone', async () => {
    expect(await media.warm('')).toBe(true);
    const a = (await media.streamFor('')) as unknown as FakeStream;
    const b = (await media.streamFor('')) as unknown as FakeStream;
    expect(opened).toEqual([{ audio: true, video: false }]);
    expect(a.tracks[0]).not.toBe(b.tracks[0]);
    // Muting one call's clone leaves the other alone.
    a.tracks[0]!.enabled = false;
    expect(b.tracks[0]!.enabled).toBe(true);
  });

  it('shares one getUserMedia between concurrent warm-ups', async () => {
    await Promise.all([media.warm('mic-1'), media.warm('mic-1'), media.streamFor('mic-1')]);
    expect(opened).toEqual([{ audio: { deviceId: { exact: 'mic-1' } }, video: false }]);
  });

  it('reopens for another device and stops the old stream', async () => {
    await media.warm('mic-1');
    const first = (await media.streamFor('mic-1')) as unknown as FakeStream;
    await media.warm('mic-2');
    expect(opened).toHaveLength(2);
    expect(created.map((t) => t.readyState)).toEqual(['ended', 'live']);
    // The clone a live call holds keeps running; only the warm stream is replaced.
    expect(first.tracks[0]!.readyState).toBe('live');
  });

  it('reopens when the live track ended (device unplugged)', async () => {
    await media.warm('');
    const s = (await media.streamFor('')) as unknown as FakeStream;
    expect(s.tracks).toHaveLength(1);
    (media as unknown as { stream: FakeStream }).stream.tracks[0]!.stop();
    await media.streamFor('');
    expect(opened).toHaveLength(2);
  });

  it('falls back to the system default when the configured device is gone', async () => {
    gone.add('usb-headset');
    expect(await media.warm('usb-headset')).toBe(true);
    expect(opened).toEqual([
      { audio: { deviceId: { exact: 'usb-headset' } }, video: false },
      { audio: true, video: false },
    ]);
  });

  it('reports false when no microphone can be had', async () => {
    const denied = new LocalMedia({ getUserMedia: () => Promise.reject(new Error('NotAllowedError')) });
    expect(await denied.warm('')).toBe(false);
  });
});
