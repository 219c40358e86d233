// What one call sends: a silent stand-in first, the microphone once it opens, nothing while held,
// and every microphone track stopped when the call ends.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Web } from 'sip.js';
import { CallMedia } from '../../../renderer/src/media/call-media.ts';
import { SilentSource } from '../../../renderer/src/media/silent-source.ts';
import { FakeAudioContext, FakeMixContext, FakeStream, FakeTrack } from './media-fakes.ts';
import { Mixer } from '../../../renderer/src/media/mixer.ts';

class FakeSender {
  constructor(public track: FakeTrack | null) {}
  readonly dtmf = null;
  replaceTrack(track: FakeTrack | null): Promise<void> {
    this.track = track;
    return Promise.resolve();
  }
}

class FakePc {
  readonly senders: FakeSender[] = [];
  iceConnectionState = 'connected';
  getSenders(): FakeSender[] {
    return this.senders;
  }
  getStats(): Promise<Map<string, unknown>> {
    return Promise.resolve(new Map<string, unknown>());
  }
}

/** Does what sip.js's Web SDH does with local media: asks the factory once, adds its track. */
class FakeSdh {
  peerConnection: FakePc | undefined = new FakePc();
  readonly localMediaStream = new FakeStream();
  readonly remoteMediaStream = new FakeStream();
  factory: () => FakeStream | null = () => null;
  private asked = false;
  getDescription(): Promise<{ body: string; contentType: string }> {
    const pc = this.peerConnection;
    if (!pc) return Promise.reject(new Error('closed'));
    if (!this.asked) {
      this.asked = true;
      const track = this.factory()?.getAudioTracks()[0];
      if (track) {
        pc.senders.push(new FakeSender(track));
        this.localMediaStream.addTrack(track);
      }
    }
    return Promise.resolve({ body: 'v=0', contentType: 'application/sdp' });
  }
  setDescription(): Promise<void> {
    return Promise.resolve();
  }
  sendDtmf(): boolean {
    return true;
  }
  close(): void {
    this.peerConnection?.senders.forEach((s) => s.track?.stop());
    this.peerConnection = undefined;
  }
}

class FakeAudio {
  autoplay = false;
  srcObject: unknown = null;
  play(): Promise<void> {
    return Promise.resolve();
  }
  pause(): void {
    // nothing plays under Node
  }
}

const AUDIO = { inputDeviceId: '', outputDeviceId: '', ringDeviceIds: [''] };

describe('CallMedia', () => {
  let sdh: FakeSdh;
  let silence: SilentSource;
  let context: FakeAudioContext;
  let lost: number;
  let call: CallMedia;

  function sender(): FakeSender {
    const s = sdh.peerConnection?.senders[0];
    if (!s) throw new Error('no sender');
    return s;
  }

  beforeEach(() => {
    vi.stubGlobal('MediaStream', FakeStream);
    vi.stubGlobal('Audio', FakeAudio);
    sdh = new FakeSdh();
    context = new FakeAudioContext();
    silence = new SilentSource(() => context);
    lost = 0;
    call = new CallMedia('m1', 'c1', sdh as unknown as Web.SessionDescriptionHandler, AUDIO, 300, silence, () => {
      lost++;
    });
    sdh.factory = () => call.outgoingStream() as unknown as FakeStream | null;
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('offers at once with silence, then puts the microphone on the sender', async () => {
    await call.run(() => call.getDescription(undefined));
    expect(sender().track?.label).toBe('silence');
    expect((await call.stats()).micLive).toBe(false);

    const mic = new FakeTrack('mic');
    await call.useMicrophone(mic as unknown as MediaStreamTrack);
    expect(sender().track).toBe(mic);
    expect((await call.stats()).micLive).toBe(true);
    // The stand-in is stopped and given back; the silent context never ran.
    expect(silence.inUse).toBe(0);
    expect(context.calls).not.toContain('resume');
    expect(sdh.localMediaStream.getAudioTracks()).toEqual([mic]);
  });

  it('uses the microphone directly when it opened before the SDH asked', async () => {
    const mic = new FakeTrack('mic');
    await call.useMicrophone(mic as unknown as MediaStreamTrack);
    await call.run(() => call.getDescription(undefined));
    expect(sender().track).toBe(mic);
    expect(context.calls).toEqual([]);
  });

  it('keeps the mute state across the switch to the microphone', async () => {
    await call.run(() => call.getDescription(undefined));
    call.setMuted(true);
    expect((await call.stats()).micEnabled).toBe(false);
    const mic = new FakeTrack('mic');
    await call.useMicrophone(mic as unknown as MediaStreamTrack);
    expect(mic.enabled).toBe(false);
    expect((await call.stats()).micEnabled).toBe(false);
    call.setMuted(false);
    expect(mic.enabled).toBe(true);
    expect((await call.stats()).micEnabled).toBe(true);
  });

  it('sends nothing while held, even when the microphone opens during the hold', async () => {
    await call.run(() => call.getDescription(undefined));
    await call.run(() => call.getDescription({ hold: true }));
    expect(sender().track).toBeNull();

    const mic = new FakeTrack('mic');
    await call.useMicrophone(mic as unknown as MediaStreamTrack);
    expect(sender().track).toBeNull();
    expect((await call.stats()).micLive).toBe(false);
    expect(silence.inUse).toBe(0);

    await call.run(() => call.getDescription({ hold: false }));
    expect(sender().track).toBe(mic);
    expect((await call.stats()).micLive).toBe(true);
  });

  it('stops the microphone when the call ends, also while held', async () => {
    await call.run(() => call.getDescription(undefined));
    const mic = new FakeTrack('mic');
    await call.useMicrophone(mic as unknown as MediaStreamTrack);
    await call.run(() => call.getDescription({ hold: true }));
    call.close();
    expect(mic.readyState).toBe('ended');
    expect(silence.inUse).toBe(0);
  });

  it('stops a microphone that opens after the call ended, and one that opened before the SDH asked', async () => {
    const early = new FakeTrack('early');
    await call.useMicrophone(early as unknown as MediaStreamTrack);
    call.close();
    expect(early.readyState).toBe('ended');

    const late = new FakeTrack('late');
    await call.useMicrophone(late as unknown as MediaStreamTrack);
    expect(late.readyState).toBe('ended');
  });

  it('reports a microphone that went away by itself, and swaps in the reopened one', async () => {
    await call.run(() => call.getDescription(undefined));
    const first = new FakeTrack('usb');
    await call.useMicrophone(first as unknown as MediaStreamTrack);
    first.stop();
    expect(lost).toBe(0);
    first.endBySource();
    expect(lost).toBe(1);

    const second = new FakeTrack('default');
    await call.useMicrophone(second as unknown as MediaStreamTrack);
    expect(sender().track).toBe(second);
  });
});

describe('CallMedia in a conference', () => {
  let sdh: FakeSdh;
  let call: CallMedia;
  let mixContext: FakeMixContext;
  let mixer: Mixer;

  beforeEach(() => {
    vi.stubGlobal('MediaStream', FakeStream);
    vi.stubGlobal('Audio', FakeAudio);
    sdh = new FakeSdh();
    const context = new FakeAudioContext();
    call = new CallMedia('m1', 'c1', sdh as unknown as Web.SessionDescriptionHandler, AUDIO, 300, new SilentSource(() => context));
    sdh.factory = () => call.outgoingStream() as unknown as FakeStream | null;
    mixContext = new FakeMixContext();
    mixer = new Mixer(() => mixContext);
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends the microphone mixed with the other parties, and the microphone alone again after', async () => {
    const mic = new FakeTrack('mic');
    await call.useMicrophone(mic as unknown as MediaStreamTrack);
    await call.run(() => call.getDescription(undefined));
    const bob = new FakeStream([new FakeTrack('bob')]);
    const carol = new FakeStream([new FakeTrack('carol')]);
    await call.setMix([bob, carol] as unknown as MediaStream[], mixer);
    const mix = mixContext.mixes[0]!;
    expect(sdh.peerConnection?.senders[0]?.track).toBe(mix.track);
    expect(mix.inputs.map((s) => s.getAudioTracks()[0]?.label)).toEqual(['mic', 'bob', 'carol']);
    expect(mixContext.resumes).toBe(1);
    expect((await call.stats()).mixing).toBe(true);

    // Muting silences the microphone's input; the others still go through.
    call.setMuted(true);
    expect(mic.enabled).toBe(false);
    expect(mix.track.enabled).toBe(true);

    await call.setMix([], mixer);
    expect(sdh.peerConnection?.senders[0]?.track).toBe(mic);
    expect(mix.disconnected).toBe(true);
    expect(mix.track.readyState).toBe('ended');
    expect((await call.stats()).mixing).toBe(false);
  });

  it('on hold nothing is sent, mix or not; a microphone that opens later joins the mix', async () => {
    await call.run(() => call.getDescription(undefined));
    await call.setMix([new FakeStream([new FakeTrack('bob')])] as unknown as MediaStream[], mixer);
    expect(mixContext.mixes[0]!.inputs[0]?.getAudioTracks()[0]?.label).toBe('silence');
    const mic = new FakeTrack('mic');
    await call.useMicrophone(mic as unknown as MediaStreamTrack);
    expect(mixContext.mixes).toHaveLength(2);
    expect(mixContext.mixes[1]!.inputs[0]?.getAudioTracks()[0]).toBe(mic);
    expect(mixContext.mixes[0]!.disconnected).toBe(true);
    await call.run(() => call.getDescription({ hold: true }));
    expect(sdh.peerConnection?.senders[0]?.track).toBeNull();
    call.close();
    expect(mixContext.mixes[1]!.disconnected).toBe(true);
  });
});

describe('CallMedia output device', () => {
  /** An <audio> whose setSinkId knows which outputs exist. */
  class SinkAudio extends FakeAudio {
    static present = new Set(['', 'headset', 'speakers']);
    sinkId = '';
    setSinkId(id: string): Promise<void> {
      if (!SinkAudio.present.has(id)) return Promise.reject(new DOMException('not found', 'NotFoundError'));
      this.sinkId = id;
      return Promise.resolve();
    }
  }

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('falls back to the system default when its output goes away, and returns to it when it comes back', async () => {
    vi.stubGlobal('MediaStream', FakeStream);
    vi.stubGlobal('Audio', SinkAudio);
    const sdh = new FakeSdh();
    const context = new FakeAudioContext();
    const call = new CallMedia('m1', 'c1', sdh as unknown as Web.SessionDescriptionHandler, AUDIO, 300, new SilentSource(() => context));
    await call.setOutput('headset');
    expect((await call.stats()).outputDeviceId).toBe('headset');
    await call.followOutputs(['speakers']);
    expect((await call.stats()).outputDeviceId).toBe('');
    await call.followOutputs(['speakers', 'headset']);
    expect((await call.stats()).outputDeviceId).toBe('headset');
    // An output the browser refuses outright: the default plays the call.
    SinkAudio.present.delete('headset');
    await call.setOutput('speakers');
    await call.setOutput('headset');
    expect((await call.stats()).outputDeviceId).toBe('');
  });
});
