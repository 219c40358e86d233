// The media of one call: sip.js's own web SessionDescriptionHandler (which owns the
// RTCPeerConnection, hold directions and RTCDTMFSender) plus the <audio> element that plays the
// remote party on the chosen output device.
//
// What the call sends: the SDH first gets a silent track (so the offer or answer is made without
// waiting for the microphone); when the microphone opens, its track replaces the silent one on
// the sender (no renegotiation). Hold takes the track off the sender; mute disables it.
import type { Web } from 'sip.js';
import type { AudioSettings } from '../../../preload/contract.ts';
import { CallMix, type Mixer } from './mixer.ts';
import { callQuality, type CallQuality, type StatsEntry } from './call-quality.ts';
import type { SilentSource } from './silent-source.ts';

export interface MediaStats {
  mediaId: string;
  callId: string;
  bytesReceived: number;
  bytesSent: number;
  packetsReceived: number;
  iceState: RTCIceConnectionState | 'closed';
  /** Whether the microphone track this call sends is enabled (false while muted). */
  micEnabled: boolean;
  /** Whether a real microphone track (not the silent stand-in) is on the sender now. */
  micLive: boolean;
  /** The RFC 4733 tones actually played by the RTCDTMFSender so far, in order. */
  dtmfSent: string;
  /** In a conference: what the call sends is a mix of the microphone and the other parties. */
  mixing: boolean;
  /** Offers made with an ICE restart (the call recovered after a reconnect or a network change). */
  iceRestarts: number;
  /** The microphone device the call captures from ('' before it opened), and the output it plays on. */
  inputDeviceId: string;
  outputDeviceId: string;
}

/** SDH options as they cross the boundary (JSON only); modifiers never do. */
export interface JsonSdhOptions {
  hold?: boolean;
  offerOptions?: { iceRestart?: boolean };
}

export class CallMedia {
  muted = false;
  private readonly player: HTMLAudioElement;
  /** The output the call plays on now, and the one the settings want (they differ while it is unplugged). */
  private sinkId = '';
  private wantedSinkId = '';
  private closed = false;
  private dtmfSent = '';
  private iceRestarts = 0;
  /** Recent stats snapshots (for quality over the last couple of seconds). */
  private snapshots: { at: number; entries: StatsEntry[] }[] = [];
  /** Held by us: the sender gets no track, so nothing is sent. */
  private held = false;
  /** What the sender carries when not held: the silent stand-in, then the microphone. Null until the SDH asks for media. */
  private outgoing: MediaStreamTrack | null = null;
  /** The silent stand-in while it is the outgoing track, to give back to the source. */
  private silent: MediaStreamTrack | null = null;
  /** This call's own clone of the microphone, once opened. */
  private mic: MediaStreamTrack | null = null;
  /** In a conference: the mix this call sends instead of the outgoing track, and what it mixes. */
  private mix: CallMix | null = null;
  private mixWith: MediaStream[] = [];
  private mixer: Mixer | null = null;
  private readonly watchedDtmf = new WeakSet<RTCDTMFSender>();
  /** Ops run one after another per call, in the order main sent them. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly mediaId: string,
    readonly callId: string,
    readonly sdh: Web.SessionDescriptionHandler,
    public audio: AudioSettings,
    private readonly iceGatheringTimeoutMs: number,
    private readonly silence: SilentSource,
    /** The microphone track ended by itself (unplugged, permission revoked) during the call. */
    private readonly onMicrophoneLost: () => void = () => undefined,
  ) {
    this.player = new Audio();
    this.player.autoplay = true;
    this.player.srcObject = sdh.remoteMediaStream;
    // The SDH adds remote tracks after setRemoteDescription; start playback when they arrive.
    sdh.remoteMediaStream.addEventListener('addtrack', () => { this.play(); });
    void this.setOutput(audio.outputDeviceId);
  }

  /** Runs one op after every earlier op of this call has settled. */
  run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.chain.then(op, op);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async getDescription(options: JsonSdhOptions | undefined): Promise<{ body: string; contentType: string }> {
    if (options?.hold !== undefined) this.held = options.hold;
    if (options?.offerOptions?.iceRestart === true) this.iceRestarts += 1;
    // The per-call timeout bounds ICE gathering; the Web SDH supports it as an option.
    const result = await this.sdh.getDescription({ ...options, iceGatheringTimeout: this.iceGatheringTimeoutMs });
    await this.syncSender();
    return { body: result.body, contentType: result.contentType };
  }

  async setDescription(sdp: string, options: JsonSdhOptions | undefined): Promise<void> {
    if (options?.hold !== undefined) this.held = options.hold;
    await this.sdh.setDescription(sdp, options);
    await this.syncSender();
    this.play();
  }

  /**
   * sip.js holds with a=sendonly, which would keep sending the live microphone to the held party:
   * they would hear everything said while they wait. On hold the sender gets no track (no RTP at
   * all); otherwise it carries the outgoing track. Only after the SDH has added that track itself
   * (its first getDescription), or sip.js would add a second sender.
   */
  private async syncSender(): Promise<void> {
    const sender = this.sdh.peerConnection?.getSenders()[0];
    if (!sender || !this.outgoing) return;
    const wanted = this.held ? null : (this.mix?.track ?? this.outgoing);
    if (sender.track !== wanted) await sender.replaceTrack(wanted);
    this.releaseSilence();
  }

  /**
   * The SDH's media for this call (its mediaStreamFactory answers with this): the microphone if
   * it is already open, else a silent stand-in; null when neither can be had.
   */
  outgoingStream(): MediaStream | null {
    if (!this.outgoing) {
      if (this.mic) this.outgoing = this.mic;
      else {
        try {
          this.silent = this.silence.acquire();
        } catch (err) {
          console.warn('no silent track', err);
          return null;
        }
        this.outgoing = this.silent;
      }
    }
    this.outgoing.enabled = !this.muted;
    return new MediaStream([this.outgoing]);
  }

  /**
   * The microphone opened for this call: it becomes the outgoing track, on the sender at once
   * unless held. Ordered after any SDP operation in flight (they read and set the sender too).
   */
  async useMicrophone(track: MediaStreamTrack): Promise<void> {
    if (this.closed) {
      track.stop();
      return;
    }
    const previous = this.mic;
    this.mic = track;
    track.enabled = !this.muted;
    // Fired only when the source ends by itself, never for our own stop().
    track.addEventListener('ended', () => {
      if (!this.closed && this.mic === track) this.onMicrophoneLost();
    });
    await this.run(async () => {
      if (this.closed || this.mic !== track) return;
      if (this.outgoing) {
        const local = this.sdh.localMediaStream;
        local.getAudioTracks().forEach((t) => { local.removeTrack(t); });
        local.addTrack(track);
        this.outgoing = track;
        // A conference mixes the outgoing track: mix the microphone now instead of the silence.
        if (this.mix) await this.rebuildMix();
        else await this.syncSender();
      }
      if (previous && previous !== track) previous.stop();
    });
  }

  /**
   * Conference: sends the outgoing track (the microphone; muting it still silences the user)
   * mixed with these streams, the other parties' audio; none sends the outgoing track alone.
   */
  async setMix(others: MediaStream[], mixer: Mixer): Promise<void> {
    this.mixWith = others;
    this.mixer = mixer;
    await this.rebuildMix();
  }

  private async rebuildMix(): Promise<void> {
    const old = this.mix;
    this.mix = null;
    if (this.mixWith.length > 0 && this.mixer && !this.closed) {
      this.mix = CallMix.build(this.mixer.running(), this.outgoing, this.mixWith);
    }
    await this.syncSender();
    old?.dispose();
  }

  /** Whether this call sends a conference mix now (for tests and diagnostics). */
  get mixing(): boolean {
    return this.mix !== null;
  }

  /** Gives the silent stand-in back once it is neither outgoing nor on the sender. */
  private releaseSilence(): void {
    const silent = this.silent;
    if (!silent || this.outgoing === silent) return;
    if (this.sdh.peerConnection?.getSenders().some((s) => s.track === silent)) return;
    this.silent = null;
    this.silence.release(silent);
  }

  async rollbackDescription(): Promise<void> {
    const pc = this.sdh.peerConnection;
    if (!pc) throw new Error('peer connection closed');
    // sip.js's Web SDH has no rollback of its own; the RTCPeerConnection does, on the side that
    // made the pending offer.
    if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
    else if (pc.signalingState === 'have-remote-offer') await pc.setRemoteDescription({ type: 'rollback' });
  }

  sendDtmf(tones: string, duration: number | undefined, interToneGap: number | undefined): boolean {
    const dtmf = this.dtmfSender();
    if (dtmf && !this.watchedDtmf.has(dtmf)) {
      this.watchedDtmf.add(dtmf);
      dtmf.addEventListener('tonechange', (e) => {
        if (e.tone) this.dtmfSent += e.tone;
      });
    }
    // insertDTMF replaces tones still queued; keys pressed quickly must all be heard, so queue
    // the new tones behind them.
    const queued = dtmf?.toneBuffer ?? '';
    return this.sdh.sendDtmf(queued + tones, { duration: duration ?? 100, interToneGap: interToneGap ?? 70 });
  }

  private dtmfSender(): RTCDTMFSender | null {
    return this.sdh.peerConnection?.getSenders()[0]?.dtmf ?? null;
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    if (this.outgoing) this.outgoing.enabled = !muted;
    if (this.mic) this.mic.enabled = !muted;
  }

  /** Plays the call on this output from now on ('' is the system default). */
  async setOutput(deviceId: string): Promise<void> {
    this.wantedSinkId = deviceId;
    await this.applySink(deviceId);
  }

  /**
   * The outputs changed (one plugged in or out): a call whose output went away plays on the system
   * default, and goes back to its own when it returns.
   */
  async followOutputs(available: readonly string[]): Promise<void> {
    const wanted = this.wantedSinkId;
    await this.applySink(wanted === '' || available.includes(wanted) ? wanted : '');
  }

  private async applySink(deviceId: string): Promise<void> {
    if (deviceId === this.sinkId || typeof this.player.setSinkId !== 'function') return;
    try {
      await this.player.setSinkId(deviceId);
      this.sinkId = deviceId;
    } catch (err) {
      // The device went away or is not allowed: the system default plays it instead.
      console.warn('setSinkId failed', err);
      if (deviceId !== '') await this.applySink('');
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.mix?.dispose();
    this.mix = null;
    this.mixWith = [];
    this.sdh.close();
    // The SDH stops only what is on the sender: a track taken off for hold, or a microphone that
    // opened before the SDH asked for media, would keep the microphone open.
    this.mic?.stop();
    this.mic = null;
    this.outgoing = null;
    if (this.silent) this.silence.release(this.silent);
    this.silent = null;
    this.player.pause();
    this.player.srcObject = null;
  }

  /**
   * Quality over the last two seconds or so (RTT, jitter, loss, MOS, path, diagnosis). `held` is
   * true when either side holds the call: silence one way is expected then.
   */
  async quality(condition: { held: boolean; muted: boolean }, now: number = performance.now()): Promise<CallQuality> {
    const pc = this.sdh.peerConnection;
    const entries: StatsEntry[] = [];
    if (pc && !this.closed) (await pc.getStats()).forEach((e: StatsEntry) => entries.push(e));
    this.snapshots = this.snapshots.filter((s) => now - s.at <= 3500);
    const previous = this.snapshots.find((s) => now - s.at >= 1500) ?? this.snapshots[0] ?? null;
    this.snapshots.push({ at: now, entries });
    return callQuality(previous?.entries ?? null, entries, {
      held: condition.held || this.held,
      muted: condition.muted || this.muted,
      intervalS: previous ? (now - previous.at) / 1000 : 0,
    });
  }

  async stats(): Promise<MediaStats> {
    const out: MediaStats = {
      mediaId: this.mediaId,
      callId: this.callId,
      bytesReceived: 0,
      bytesSent: 0,
      packetsReceived: 0,
      iceState: 'closed',
      micEnabled: this.outgoing ? this.outgoing.enabled : !this.muted,
      micLive: false,
      dtmfSent: this.dtmfSent,
      mixing: this.mix !== null,
      iceRestarts: this.iceRestarts,
      inputDeviceId: this.mic?.getSettings().deviceId ?? '',
      outputDeviceId: this.sinkId,
    };
    const pc = this.sdh.peerConnection;
    if (!pc) return out;
    out.iceState = pc.iceConnectionState;
    const sent = pc.getSenders()[0]?.track ?? null;
    out.micLive = sent !== null && sent === this.mic && sent.readyState === 'live';
    const report = await pc.getStats();
    report.forEach((s: { type?: string; kind?: string; bytesReceived?: number; bytesSent?: number; packetsReceived?: number }) => {
      if (s.kind !== 'audio') return;
      if (s.type === 'inbound-rtp') {
        out.bytesReceived += s.bytesReceived ?? 0;
        out.packetsReceived += s.packetsReceived ?? 0;
      } else if (s.type === 'outbound-rtp') {
        out.bytesSent += s.bytesSent ?? 0;
      }
    });
    return out;
  }

  private play(): void {
    if (this.closed) return;
    // Autoplay is granted by the Electron host and by the test browser's flags; elsewhere a
    // rejected play() is retried on the next track or description.
    this.player.play().catch(() => undefined);
  }
}
