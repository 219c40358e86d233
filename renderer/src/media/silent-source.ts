// Silent audio tracks that stand in for the microphone while getUserMedia is still opening it (or
// when there is no microphone at all): the SDH can make its offer at once, and the real track later
// replaces the silent one on the sender without renegotiation. The silence comes from an
// AudioContext; it never touches a microphone.
//
// The context stays suspended (a suspended track sends no RTP, which is fine for the few tens of
// ms before the microphone opens) and is woken only for a call that gets no microphone: the
// RTCDTMFSender sends tones only while its track produces frames, and such a call must still be
// able to dial through a menu. Waking it on every call would put the audio thread's start-up on
// the offer's path.
//
// Its first construction in a fresh Chromium blocks the page for 150-550 ms (the audio service
// starts), so `prepare()` is called once at start-up, off any call's path; it also makes the first
// getUserMedia about ten times faster.

/** What this module needs of an AudioContext (a real one in the page, a fake in unit tests). */
export interface AudioContextLike {
  resume(): Promise<void>;
  suspend(): Promise<void>;
  close(): Promise<void>;
  createMediaStreamDestination(): { readonly stream: MediaStream };
  /** A source is needed: a destination with no input produces no frames, so no RTP and no DTMF. */
  createConstantSource(): { offset: { value: number }; connect(node: unknown): unknown; start(): void };
}

export type AudioContextFactory = () => AudioContextLike;

interface Silence {
  context: AudioContextLike;
  /** Never handed out or stopped: calls get clones of it. */
  track: MediaStreamTrack;
}

export class SilentSource {
  private silence: Silence | null = null;
  private readonly users = new Set<MediaStreamTrack>();

  constructor(private readonly createContext: AudioContextFactory) {}

  /** Creates the suspended context now, so no call pays for its construction. */
  prepare(): boolean {
    try {
      this.ensure();
      return true;
    } catch (err) {
      console.warn('no audio context for silent tracks', err);
      return false;
    }
  }

  /** A silent track of one's own (no frames until wake()); give it back with release(). */
  acquire(): MediaStreamTrack {
    const silence = this.ensure();
    const track = silence.track.clone();
    this.users.add(track);
    return track;
  }

  /** Makes the silent tracks produce frames (for DTMF) while any is out. */
  wake(): void {
    if (this.users.size === 0) return;
    // Asked every time, whatever `state` says: a resume refused before any user gesture may be
    // allowed now.
    void this.silence?.context.resume().catch(() => undefined);
  }

  /** Stops the track; the context is suspended when no call holds a silent track any more. */
  release(track: MediaStreamTrack): void {
    track.stop();
    if (!this.users.delete(track) || this.users.size > 0) return;
    void this.silence?.context.suspend().catch(() => undefined);
  }

  /** How many silent tracks are out (for tests and diagnostics). */
  get inUse(): number {
    return this.users.size;
  }

  close(): void {
    this.users.forEach((t) => { t.stop(); });
    this.users.clear();
    const silence = this.silence;
    this.silence = null;
    if (silence) {
      silence.track.stop();
      void silence.context.close().catch(() => undefined);
    }
  }

  private ensure(): Silence {
    if (this.silence) return this.silence;
    const context = this.createContext();
    const destination = context.createMediaStreamDestination();
    const zero = context.createConstantSource();
    zero.offset.value = 0;
    zero.connect(destination);
    zero.start();
    const track = destination.stream.getAudioTracks()[0];
    if (!track) throw new Error('the audio context gave no track');
    // Idle until a call needs silence: a suspended context renders nothing.
    void context.suspend().catch(() => undefined);
    this.silence = { context, track };
    return this.silence;
  }
}
