// The media engine: main's SIP stack runs in Node and forwards each call's
// SessionDescriptionHandler operations here (the 'media:requested' event); this engine runs
// sip.js's own web SDH per call and answers with 'media:respond'. It is created once, outside the
// component tree, and lives as long as the page: no view change can touch a call's media.
//
// Latency: the microphone is opened at start and kept live (calls get clones), and one spare SDH
// is kept whose RTCPeerConnection pre-gathers ICE candidates (iceCandidatePoolSize 1), so that
// dialing does not wait for device start-up or candidate gathering.
import { Core, Web } from 'sip.js';
import type { AudioSettings, IceServer, MediaRequest, SettingsView } from '../../../preload/contract.ts';
import type { CommandArgs, RendererApi } from '../lib/api.ts';
import { CallMedia, type MediaStats } from './call-media.ts';
import { LocalMedia, type MediaDevicesLike } from './local-media.ts';

type Sdh = Web.SessionDescriptionHandler;

interface Spare {
  sdh: Sdh;
  key: string;
  createdAt: number;
}

export interface MediaEngineOptions {
  devices: MediaDevicesLike;
  /** Longest wait for the microphone before announcing readiness anyway. */
  warmupTimeoutMs?: number;
  /** A spare older than this is replaced: pooled candidates go stale when the network changes. */
  spareMaxAgeMs?: number;
}

/** The engine's view of the settings it needs before any call exists. */
interface MediaDefaults {
  iceServers: IceServer[];
  audio: AudioSettings;
}

const NO_DEFAULTS: MediaDefaults = {
  iceServers: [],
  audio: { inputDeviceId: '', outputDeviceId: '', ringtoneDeviceId: '' },
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
  private readonly calls = new Map<string, CallMedia>();
  private readonly bySdh = new Map<Sdh, CallMedia>();
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
    this.local = new LocalMedia(options.devices);
    this.warmupTimeoutMs = options.warmupTimeoutMs ?? 2000;
    this.spareMaxAgeMs = options.spareMaxAgeMs ?? 5 * 60_000;
    const loggers = new Core.LoggerFactory();
    loggers.level = Core.Levels.warn;
    this.logger = loggers.getLogger('hookswitch.media');
  }

  /** Subscribes, opens the microphone, prepares a spare and tells main it takes requests. */
  async start(): Promise<void> {
    this.unsubscribe.push(
      this.api.on('media:requested', ({ requestId, request }) => void this.serve(requestId, request)),
      this.api.on('settings:changed', (settings) => { this.applySettings(settings); }),
      // A new socket is a new sender to the host: say ready again, refresh what may be stale.
      this.api.onReconnected(() => void this.reload()),
    );
    this.refreshTimer = setInterval(() => { this.refreshSpare(); }, 60_000);
    window.addEventListener('online', this.replaceSpare);
    await this.reload();
  }

  stop(): void {
    this.unsubscribe.splice(0).forEach((u) => { u(); });
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    window.removeEventListener('online', this.replaceSpare);
    for (const call of this.calls.values()) call.close();
    this.calls.clear();
    this.spare?.sdh.close();
    this.spare = null;
    this.local.stop();
  }

  /** Per-call counters for tests and diagnostics (exposed as window.__hookswitchMedia). */
  async stats(): Promise<MediaStats[]> {
    return Promise.all([...this.calls.values()].map((c) => c.stats()));
  }

  private async reload(): Promise<void> {
    const settings = await this.api.invoke('settings:get', undefined);
    if (settings.ok) this.applySettings(settings.value);
    else this.prepareSpare();
    const warmed = this.local.warm(this.defaults.audio.inputDeviceId);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => { resolve(false); }, this.warmupTimeoutMs));
    this.devicesOk = await Promise.race([warmed, timeout]);
    const ready = await this.api.invoke('media:ready', { devices: this.devicesOk });
    if (!ready.ok) console.warn('media:ready refused', ready.error.code);
  }

  private applySettings(settings: SettingsView): void {
    const previous = this.defaults;
    this.defaults = { iceServers: settings.account.iceServers, audio: settings.audio };
    if (previous.audio.inputDeviceId !== settings.audio.inputDeviceId) {
      void this.local.warm(settings.audio.inputDeviceId);
    }
    for (const call of this.calls.values()) {
      call.audio = { ...call.audio, outputDeviceId: settings.audio.outputDeviceId };
      void call.setOutput(settings.audio.outputDeviceId);
    }
    this.prepareSpare();
  }

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

  /** The SDH's mediaStreamFactory: a clone of the live microphone, for the call's input device. */
  private readonly streamFactory: Web.MediaStreamFactory = async (constraints, sdh) => {
    if (!constraints.audio) return new MediaStream();
    const call = this.bySdh.get(sdh);
    const deviceId = call ? call.audio.inputDeviceId : this.defaults.audio.inputDeviceId;
    const stream = await this.local.streamFor(deviceId);
    return call ? call.prepareLocalStream(stream) : stream;
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
    const sent = await this.api.invoke('media:respond', response);
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
        const call = new CallMedia(request.mediaId, request.callId, sdh, request.audio, request.iceGatheringTimeoutMs);
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
      case 'close': {
        const call = this.calls.get(request.mediaId);
        if (call) {
          this.calls.delete(request.mediaId);
          this.bySdh.delete(call.sdh);
          call.close();
        }
        return null;
      }
    }
  }
}
