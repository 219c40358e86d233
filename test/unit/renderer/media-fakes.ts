// Stand-ins for the few WebRTC and Web Audio objects the media engine's pieces touch, so their
// rules (who stops which track, what sits on the sender) run under plain Node.
import type { AudioContextLike } from '../../../renderer/src/media/silent-source.ts';

let nextId = 0;

export class FakeTrack {
  readonly kind = 'audio';
  readonly id = `track-${String(nextId++)}`;
  readyState: 'live' | 'ended' = 'live';
  enabled = true;
  readonly clones: FakeTrack[] = [];
  private readonly endedListeners: Array<() => void> = [];
  constructor(readonly label: string) {}
  getSettings(): { deviceId: string } {
    return { deviceId: `device-${this.label}` };
  }
  clone(): FakeTrack {
    const c = new FakeTrack(this.label);
    c.enabled = this.enabled;
    this.clones.push(c);
    return c;
  }
  stop(): void {
    // As in browsers: stop() ends the track without an 'ended' event.
    this.readyState = 'ended';
  }
  addEventListener(type: string, listener: () => void): void {
    if (type === 'ended') this.endedListeners.push(listener);
  }
  /** The source went away by itself (device unplugged). */
  endBySource(): void {
    this.readyState = 'ended';
    this.endedListeners.forEach((l) => { l(); });
  }
}

export class FakeStream {
  readonly tracks: FakeTrack[];
  constructor(tracks: FakeTrack[] = []) {
    this.tracks = [...tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  addTrack(t: FakeTrack): void {
    if (!this.tracks.includes(t)) this.tracks.push(t);
  }
  removeTrack(t: FakeTrack): void {
    const i = this.tracks.indexOf(t);
    if (i >= 0) this.tracks.splice(i, 1);
  }
  addEventListener(): void {
    // remote streams: CallMedia listens for 'addtrack'; nothing is ever added here
  }
}

export class FakeAudioContext implements AudioContextLike {
  state: 'running' | 'suspended' | 'closed' = 'running';
  readonly calls: string[] = [];
  readonly destinationTrack = new FakeTrack('silence');
  resume(): Promise<void> {
    this.calls.push('resume');
    this.state = 'running';
    return Promise.resolve();
  }
  suspend(): Promise<void> {
    this.calls.push('suspend');
    this.state = 'suspended';
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.calls.push('close');
    this.state = 'closed';
    return Promise.resolve();
  }
  createMediaStreamDestination(): { stream: MediaStream } {
    return { stream: new FakeStream([this.destinationTrack]) as unknown as MediaStream };
  }
  createConstantSource(): { offset: { value: number }; connect(node: unknown): unknown; start(): void } {
    const calls = this.calls;
    return {
      offset: { value: 1 },
      connect: (node: unknown) => node,
      start() {
        calls.push('source-start');
      },
    };
  }
}

/** An AudioContext for conference mixes: records which streams went into which destination. */
export class FakeMixContext {
  state: 'running' | 'suspended' | 'closed' = 'suspended';
  /** Per destination made: the streams connected into it, and whether it was taken down. */
  readonly mixes: { track: FakeTrack; inputs: FakeStream[]; disconnected: boolean }[] = [];
  resumes = 0;
  resume(): Promise<void> {
    this.resumes++;
    this.state = 'running';
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.state = 'closed';
    return Promise.resolve();
  }
  createMediaStreamDestination(): { stream: MediaStream; disconnect(): void } {
    const mix = { track: new FakeTrack('mix'), inputs: [] as FakeStream[], disconnected: false };
    this.mixes.push(mix);
    return {
      stream: new FakeStream([mix.track]) as unknown as MediaStream,
      disconnect: () => {
        mix.disconnected = true;
      },
    };
  }
  createMediaStreamSource(stream: MediaStream): { connect(node: unknown): unknown; disconnect(): void } {
    return {
      connect: (node: unknown) => {
        // Sources connect only to the destination made just before them.
        this.mixes.at(-1)?.inputs.push(stream as unknown as FakeStream);
        return node;
      },
      disconnect: () => undefined,
    };
  }
}
