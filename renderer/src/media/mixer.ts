// Conference mixing for the media engine: for each call in a conference, what it sends is the
// user's microphone plus the remote audio of the other calls, summed in one AudioContext. The
// user hears every party through the calls' own <audio> players, so each party hears the user
// and every other party. A call left alone sends its microphone again.
//
// Chromium pulls remote WebRTC audio into Web Audio only while the stream is also played by a
// media element; the calls' players do that.

/** What the mixer needs of an AudioContext (a real one in the page, a fake in unit tests). */
export interface MixContextLike {
  readonly state: string;
  resume(): Promise<void>;
  close(): Promise<void>;
  createMediaStreamSource(stream: MediaStream): { connect(node: unknown): unknown; disconnect(): void };
  createMediaStreamDestination(): { readonly stream: MediaStream; disconnect(): void };
}

export type MixContextFactory = () => MixContextLike;

/** One call's mix: its own sources into one destination whose track goes on the call's sender. */
export class CallMix {
  private constructor(
    readonly track: MediaStreamTrack,
    private readonly nodes: { disconnect(): void }[],
  ) {}

  static build(context: MixContextLike, microphone: MediaStreamTrack | null, others: readonly MediaStream[]): CallMix {
    const destination = context.createMediaStreamDestination();
    const nodes: { disconnect(): void }[] = [destination];
    const inputs = [...(microphone ? [new MediaStream([microphone])] : []), ...others.filter((s) => s.getAudioTracks().length > 0)];
    for (const stream of inputs) {
      const source = context.createMediaStreamSource(stream);
      source.connect(destination);
      nodes.push(source);
    }
    const track = destination.stream.getAudioTracks()[0];
    if (!track) throw new Error('the mixing context gave no track');
    return new CallMix(track, nodes);
  }

  dispose(): void {
    for (const node of this.nodes) node.disconnect();
    this.track.stop();
  }
}

/** The one AudioContext all conference mixes run in, made when the first conference starts. */
export class Mixer {
  private context: MixContextLike | null = null;

  constructor(private readonly createContext: MixContextFactory) {}

  running(): MixContextLike {
    this.context ??= this.createContext();
    // Asked every time, whatever `state` says: a resume refused before any user gesture may be
    // allowed now.
    if (this.context.state !== 'running') void this.context.resume().catch(() => undefined);
    return this.context;
  }

  close(): void {
    void this.context?.close().catch(() => undefined);
    this.context = null;
  }
}
