// The media of one call: sip.js's own web SessionDescriptionHandler (which owns the
// RTCPeerConnection, hold directions and RTCDTMFSender) plus the <audio> element that plays the
// remote party on the chosen output device.
import type { Web } from 'sip.js';
import type { AudioSettings } from '../../../preload/contract.ts';

export interface MediaStats {
  mediaId: string;
  callId: string;
  bytesReceived: number;
  bytesSent: number;
  packetsReceived: number;
  iceState: RTCIceConnectionState | 'closed';
  /** Whether the microphone track this call sends is enabled (false while muted). */
  micEnabled: boolean;
  /** The RFC 4733 tones actually played by the RTCDTMFSender so far, in order. */
  dtmfSent: string;
}

/** SDH options as they cross the boundary (JSON only); modifiers never do. */
export interface JsonSdhOptions {
  hold?: boolean;
  offerOptions?: { iceRestart?: boolean };
}

export class CallMedia {
  muted = false;
  private readonly player: HTMLAudioElement;
  private sinkId = '';
  private closed = false;
  private dtmfSent = '';
  /** Held by us: the microphone track is taken off the sender (kept here) so nothing is sent. */
  private held = false;
  private heldTrack: MediaStreamTrack | null = null;
  private readonly watchedDtmf = new WeakSet<RTCDTMFSender>();
  /** Ops run one after another per call, in the order main sent them. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly mediaId: string,
    readonly callId: string,
    readonly sdh: Web.SessionDescriptionHandler,
    public audio: AudioSettings,
    private readonly iceGatheringTimeoutMs: number,
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
    // The per-call timeout bounds ICE gathering; the Web SDH supports it as an option.
    const result = await this.sdh.getDescription({ ...options, iceGatheringTimeout: this.iceGatheringTimeoutMs });
    await this.applyHold();
    return { body: result.body, contentType: result.contentType };
  }

  async setDescription(sdp: string, options: JsonSdhOptions | undefined): Promise<void> {
    if (options?.hold !== undefined) this.held = options.hold;
    await this.sdh.setDescription(sdp, options);
    await this.applyHold();
    this.play();
  }

  /**
   * sip.js holds with a=sendonly, which would keep sending the live microphone to the held party:
   * they would hear everything said while they wait. On hold the sender gets no track (no RTP at
   * all); on resume it gets the microphone back.
   */
  private async applyHold(): Promise<void> {
    const pc = this.sdh.peerConnection;
    if (!pc) return;
    const sender = pc.getSenders().find((s) => s.track?.kind === 'audio') ?? (this.heldTrack ? pc.getSenders()[0] : undefined);
    if (!sender) return;
    if (this.held && sender.track) {
      this.heldTrack = sender.track;
      await sender.replaceTrack(null);
    } else if (!this.held && this.heldTrack) {
      const track = this.heldTrack;
      this.heldTrack = null;
      await sender.replaceTrack(track);
    }
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
    this.sdh.localMediaStream.getAudioTracks().forEach((t) => (t.enabled = !muted));
  }

  /** Applies the mute state to a stream the SDH is about to send. */
  prepareLocalStream(stream: MediaStream): MediaStream {
    stream.getAudioTracks().forEach((t) => (t.enabled = !this.muted));
    return stream;
  }

  async setOutput(deviceId: string): Promise<void> {
    if (deviceId === this.sinkId || typeof this.player.setSinkId !== 'function') return;
    try {
      await this.player.setSinkId(deviceId);
      this.sinkId = deviceId;
    } catch (err) {
      // The device went away or is not allowed: keep playing on the current one.
      console.warn('setSinkId failed', err);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sdh.close();
    // A track taken off the sender for hold is not stopped by the SDH: stop it, or the
    // microphone would stay open.
    this.heldTrack?.stop();
    this.heldTrack = null;
    this.player.pause();
    this.player.srcObject = null;
  }

  async stats(): Promise<MediaStats> {
    const out: MediaStats = {
      mediaId: this.mediaId,
      callId: this.callId,
      bytesReceived: 0,
      bytesSent: 0,
      packetsReceived: 0,
      iceState: 'closed',
      micEnabled: !this.muted,
      dtmfSent: this.dtmfSent,
    };
    const pc = this.sdh.peerConnection;
    if (!pc) return out;
    out.iceState = pc.iceConnectionState;
    const mic = pc.getSenders().find((s) => s.track?.kind === 'audio')?.track;
    if (mic) out.micEnabled = mic.enabled;
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
