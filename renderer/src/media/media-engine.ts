// The media engine: main's SIP stack runs in Node and forwards each call's
// SessionDescriptionHandler operations here (the 'media:requested' event); this engine runs
// sip.js's own web SDH per call and answers with 'media:respond'. It is created once, outside the
// component tree, and lives as long as the page: no view change can touch a call's media.
//
// Privacy: the microphone is open only while a call exists (the system's microphone indicator is
// off between calls). Latency: a call's SDH is handed a silent track at once, the microphone is
// opened as soon as the first offer or answer is on its way to main, and its track replaces the
// silent one on the sender (usually before the far end even has the INVITE); one spare SDH is kept
// whose RTCPeerConnection pre-gathers ICE candidates (iceCandidatePoolSize 1). So dialing waits
// neither for the device nor for candidate gathering.
import { Core, Web } from 'sip.js';
import type { AudioSettings, IceServer, MediaRequest, SettingsView } from '../../../preload/contract.ts';
import type { CommandArgs, RendererApi } from '../lib/api.ts';
import { CallMedia, type MediaStats } from './call-media.ts';
import type { CallQuality } from './call-quality.ts';
import { LocalMedia, type MediaDevicesLike } from './local-media.ts';
import { Mixer, type MixContextFactory } from './mixer.ts';
import { SilentSource, type AudioContextFactory } from './silent-source.ts';

type Sdh = Web.SessionDescriptionHandler;

interface Spare {
  sdh: Sdh;
  key: string;
  createdAt: number;
}

export interface MediaEngineOptions {
  devices: MediaDevicesLike;
  /** Makes the context of the silent stand-in tracks; defaults to the page's AudioContext. */
  audioContext?: AudioContextFactory;
  /** Makes the context conferences are mixed in; defaults to the page's AudioContext. */
  mixContext?: MixContextFactory;
  /** Longest wait for the device list before announcing readiness anyway. */
  warmupTimeoutMs?: number;
  /** A spare older than this is replaced: pooled candidates go stale when the network changes. */
  spareMaxAgeMs?: number;
}

/** Times a call reopens its microphone after the device went away mid-call, before it gives up. */
const MAX_MIC_REOPENS = 2;

/** The engine's view of the settings it needs before any call exists. */
interface MediaDefaults {
  iceServers: IceServer[];
  audio: AudioSettings;
}

const NO_DEFAULTS: MediaDefaults = {
  iceServers: [],
  audio: { inputDeviceId: '', outputDeviceId: '', ringDeviceIds: [''] },
};

function rtcIceServers(servers: IceServer[]): RTCIceServer[] {
  return servers.map((s) => {
    const out: RTCIceServer = { urls: s.urls };
    if (s.username !== undefined) out.username = s.username;
    if (s.credential !== undefined) out.credential = s.credential;
    return out;
  });
}

function errorMessage(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 2000);
}

export class MediaEngine {
  private readonly local: LocalMedia;
  private readonly devices: MediaDevicesLike;
  private readonly silence: SilentSource;
  private readonly mixer: Mixer;
  private readonly calls = new Map<string, CallMedia>();
  private readonly bySdh = new Map<Sdh, CallMedia>();
  /** Settles when the call's microphone has opened (or failed to). */
  private readonly micOpening = new WeakMap<CallMedia, Promise<void>>();
  private readonly micReopens = new WeakMap<CallMedia, number>();
  private silencePrepared = false;
  private spare: Spare | null = null;
  private defaults: MediaDefaults = NO_DEFAULTS;
  private readonly logger: Core.Logger;
  private readonly unsubscribe: Array<() => void> = [];
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private readonly warmupTimeoutMs: number;
  private readonly spareMaxAgeMs: number;
  private devicesOk = false;

  constructor(
    private readonly api: RendererApi,
    options: MediaEngineOptions,
  ) {
    this.devices = options.devices;
    this.local = new LocalMedia(options.devices);
    this.silence = new SilentSource(options.audioContext ?? (() => new AudioContext()));
    this.mixer = new Mixer(options.mixContext ?? (() => new AudioContext()));
    this.warmupTimeoutMs = options.warmupTimeoutMs ?? 2000;
    this.spareMaxAgeMs = options.spareMaxAgeMs ?? 5 * 60_000;
    const loggers = new Core.LoggerFactory();
    loggers.level = Core.Levels.warn;
    this.logger = loggers.getLogger('hookswitch.media');
  }

  /** Subscribes, prepares a spare and tells main it takes requests. Opens no microphone. */
  async start(): Promise<void> {
    this.unsubscribe.push(
      this.api.on('media:requested', ({ requestId, request }) => void this.serve(requestId, request)),
      this.api.on('settings:changed', (settings) => { this.applySettings(settings); }),
      // A new socket is a new sender to the host: say ready again, refresh what may be stale.
      this.api.onReconnected(() => void this.reload()),
    );
    this.refreshTimer = setInterval(() => { this.refreshSpare(); }, 60_000);
    window.addEventListener('online', this.replaceSpare);
    this.devices.addEventListener?.('devicechange', this.devicesChanged);
    await this.reload();
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => { u(); });
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    window.removeEventListener('online', this.replaceSpare);
    this.devices.removeEventListener?.('devicechange', this.devicesChanged);
    for (const call of this.calls.values()) call.close();
    this.calls.clear();
    this.bySdh.clear();
    this.spare?.sdh.close();
    this.spare = null;
    this.local.stop();
    this.silence.close();
    this.mixer.close();
  }

  /** Whether a microphone is open or opening now (tests check it is not between calls). */
  micOpen(): boolean {
    return this.local.isOpen();
  }

  /** The call's quality now (the quality panel); null when the call has no media here. */
  async quality(callId: string, condition: { held: boolean; muted: boolean }): Promise<CallQuality | null> {
    const media = [...this.calls.values()].filter((c) => c.callId === callId).at(-1);
    return media ? media.quality(condition) : null;
  }

  /** Per-call counters for tests and diagnostics (exposed as window.__hookswitchMedia). */
  async stats(): Promise<MediaStats[]> {
    return Promise.all([...this.calls.values()].map((c) => c.stats()));
  }

  private async reload(): Promise<void> {
    const settings = await this.api.invoke('settings:get', undefined);
    if (settings.ok) this.applySettings(settings.value);
    else this.prepareSpare();
    const listed = this.local.hasMicrophone();
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => { resolve(false); }, this.warmupTimeoutMs));
    this.devicesOk = await Promise.race([listed, timeout]);
    const ready = await this.api.invoke('media:ready', { devices: this.devicesOk });
    if (!ready.ok) console.warn('media:ready refused', ready.error.code);
    this.prepareSilence();
  }

  /**
   * Builds the silent source's AudioContext once, after readiness and off any call's path: its
   * first construction blocks the page for hundreds of ms, and it starts the audio service, which
   * makes the first call's getUserMedia about ten times faster. It opens no microphone.
   */
  private prepareSilence(): void {
    if (this.silencePrepared) return;
    this.silencePrepared = true;
    setTimeout(() => {
      if (this.calls.size === 0) this.silence.prepare();
    }, 0);
  }

  private applySettings(settings: SettingsView): void {
    const inputBefore = this.defaults.audio.inputDeviceId;
    // The spare is made for the first account's ICE servers (most calls go out on it).
    this.defaults = { iceServers: settings.accounts[0]?.iceServers ?? [], audio: settings.audio };
    for (const call of this.calls.values()) {
      call.audio = { ...call.audio, inputDeviceId: settings.audio.inputDeviceId, outputDeviceId: settings.audio.outputDeviceId };
      void call.setOutput(settings.audio.outputDeviceId);
      // Another microphone chosen during a call: it goes on the call's sender at once (no
      // renegotiation). Nothing is opened for calls that have not asked for media yet.
      if (settings.audio.inputDeviceId !== inputBefore && this.micOpening.has(call)) {
        this.micReopens.delete(call);
        this.openMicrophone(call, settings.audio.inputDeviceId);
      }
    }
    this.prepareSpare();
  }

  /** A device was plugged in or out: calls whose output went away play on the system default. */
  private readonly devicesChanged = (): void => {
    void this.local.outputs().then((outputs) => {
      if (outputs === null) return;
      for (const call of this.calls.values()) void call.followOutputs(outputs);
    });
  };

  // -------------------------------------------------------------------------------------------
  // Spare SDH

  private keyOf(iceServers: IceServer[]): string {
    return JSON.stringify(rtcIceServers(iceServers));
  }

  private newSdh(iceServers: IceServer[]): Sdh {
    return new Web.SessionDescriptionHandler(this.logger, this.streamFactory, {
      // Never sip.js's default (a public STUN server): always the configured list, maybe empty.
      peerConnectionConfiguration: {
        iceServers: rtcIceServers(iceServers),
        bundlePolicy: 'balanced',
        rtcpMuxPolicy: 'require',
        // Gather candidates now, before there is an offer to put them in.
        iceCandidatePoolSize: 1,
      },
      iceGatheringTimeout: 300,
    });
  }

  /** Keeps one spare ready for the configured ICE servers. */
  private prepareSpare(): void {
    const key = this.keyOf(this.defaults.iceServers);
    if (this.spare && this.spare.key === key) return;
    this.spare?.sdh.close();
    this.spare = { sdh: this.newSdh(this.defaults.iceServers), key, createdAt: Date.now() };
  }

  private readonly replaceSpare = (): void => {
    this.spare?.sdh.close();
    this.spare = null;
    this.prepareSpare();
  };

  private refreshSpare(): void {
    if (this.spare && Date.now() - this.spare.createdAt > this.spareMaxAgeMs) this.replaceSpare();
  }

  /** The spare if it was made for these ICE servers (it is then handed over), else a new SDH. */
  private takeSdh(iceServers: IceServer[]): Sdh {
    const spare = this.spare;
    if (spare && spare.key === this.keyOf(iceServers) && spare.sdh.peerConnection?.signalingState === 'stable') {
      this.spare = null;
      // Make the next spare after this request has been answered, off the critical path.
      setTimeout(() => { this.prepareSpare(); }, 0);
      return spare.sdh;
    }
    return this.newSdh(iceServers);
  }

  /**
   * The SDH's mediaStreamFactory: answers at once with the call's outgoing track (a silent
   * stand-in until its microphone opens). Only where no silent track can be made does the offer
   * wait for the microphone.
   */
  private readonly streamFactory: Web.MediaStreamFactory = async (constraints, sdh) => {
    if (!constraints.audio) return new MediaStream();
    const call = this.bySdh.get(sdh);
    if (!call) throw new Error('media asked for an SDH that belongs to no call');
    const now = call.outgoingStream();
    if (now) return now;
    this.startMicrophone(call);
    await this.micOpening.get(call);
    const later = call.outgoingStream();
    if (!later) throw new Error('no microphone and no silent track');
    return later;
  };

  /** Opens the call's microphone once, for its configured input device. */
  private startMicrophone(call: CallMedia): void {
    if (this.micOpening.has(call) || !this.calls.has(call.mediaId)) return;
    this.openMicrophone(call, call.audio.inputDeviceId);
  }

  /** Opens the call's microphone in the background; the call starts with silence meanwhile. */
  private openMicrophone(call: CallMedia, deviceId: string): void {
    const opening = this.local.acquire(call.mediaId, deviceId).then(
      (track) => {
        if (!track) return;
        call.useMicrophone(track).catch((err: unknown) => {
          console.warn('microphone could not be put on the call', errorMessage(err));
        });
      },
      (err: unknown) => {
        // The call goes on without sending sound rather than failing after the far end rang;
        // its silent track is woken so that DTMF still works.
        console.warn('microphone not available', errorMessage(err));
        this.silence.wake();
      },
    );
    this.micOpening.set(call, opening);
  }

  /** The call's microphone ended by itself (unplugged mid-call): reopen on the system default. */
  private readonly microphoneLost = (call: CallMedia): void => {
    const reopens = this.micReopens.get(call) ?? 0;
    if (reopens >= MAX_MIC_REOPENS || !this.calls.has(call.mediaId)) return;
    this.micReopens.set(call, reopens + 1);
    this.openMicrophone(call, '');
  };

  // -------------------------------------------------------------------------------------------
  // Requests from main

  private async serve(requestId: number, request: MediaRequest): Promise<void> {
    let response: CommandArgs<'media:respond'>;
    try {
      const value = await this.perform(request);
      response = { requestId, ok: true, value };
    } catch (err) {
      response = { requestId, ok: false, error: errorMessage(err) };
    }
    const sending = this.api.invoke('media:respond', response);
    // The call's first description is on its way to main: open its microphone now, so the
    // device's start-up does not compete with making the offer or answer.
    if (request.op === 'getDescription') {
      const call = this.calls.get(request.mediaId);
      if (call) this.startMicrophone(call);
    }
    const sent = await sending;
    if (!sent.ok) console.warn('media:respond refused', sent.error.code);
  }

  private call(mediaId: string): CallMedia {
    const call = this.calls.get(mediaId);
    if (!call) throw new Error(`no media ${mediaId}`);
    return call;
  }

  private async perform(request: MediaRequest): Promise<unknown> {
    switch (request.op) {
      case 'create': {
        if (this.calls.has(request.mediaId)) return null;
        const sdh = this.takeSdh(request.iceServers);
        const call: CallMedia = new CallMedia(
          request.mediaId,
          request.callId,
          sdh,
          request.audio,
          request.iceGatheringTimeoutMs,
          this.silence,
          () => { this.microphoneLost(call); },
        );
        this.calls.set(request.mediaId, call);
        this.bySdh.set(sdh, call);
        return null;
      }
      case 'getDescription': {
        const call = this.call(request.mediaId);
        return call.run(() => call.getDescription(request.options));
      }
      case 'setDescription': {
        const call = this.call(request.mediaId);
        return call.run(async () => {
          await call.setDescription(request.sdp, request.options);
          return null;
        });
      }
      case 'rollbackDescription': {
        const call = this.call(request.mediaId);
        return call.run(async () => {
          await call.rollbackDescription();
          return null;
        });
      }
      case 'sendDtmf': {
        const call = this.call(request.mediaId);
        return call.run(() => Promise.resolve(call.sendDtmf(request.tones, request.duration, request.interToneGap)));
      }
      case 'setMuted': {
        this.call(request.mediaId).setMuted(request.muted);
        return null;
      }
      case 'mix': {
        const call = this.call(request.mediaId);
        const others = request.with.flatMap((id) => {
          const other = this.calls.get(id);
          return other ? [other.sdh.remoteMediaStream] : [];
        });
        return call.run(async () => {
          await call.setMix(others, this.mixer);
          return null;
        });
      }
      case 'close': {
        const call = this.calls.get(request.mediaId);
        if (call) {
          this.calls.delete(request.mediaId);
          this.bySdh.delete(call.sdh);
          call.close();
          // With the last call on the device, the capture stops and the indicator goes off.
          this.local.release(request.mediaId);
        }
        return null;
      }
    }
  }
}
