// The ringtone and the call-waiting tone. The ringtone loops on every output the user chose at
// once (users often want the speakers as well as the headset) and stops everywhere together; a
// call arriving during another plays the call-waiting tone on the call's own output instead, so
// the other party is not drowned out by a ring. Each account may ring with its own tone.
import ringUrl from '../../../resources/ringtones/ring.wav?url';
import chimeUrl from '../../../resources/ringtones/chime.wav?url';
import pulseUrl from '../../../resources/ringtones/pulse.wav?url';
import waitingUrl from '../../../resources/ringtones/call-waiting.wav?url';
import beepUrl from '../../../resources/ringtones/answer-beep.wav?url';
import type { Ringtone } from '../../../preload/contract.ts';
import type { RingerState, RingRoute } from './ring-route.ts';

export const RINGTONE_URLS: Record<Ringtone, string> = { classic: ringUrl, chime: chimeUrl, pulse: pulseUrl };


/** One looping <audio> element on one output. */
class Player {
  readonly element: HTMLAudioElement;
  private sinkId = '';
  private wantedSinkId: string;
  private src: string;

  constructor(src: string, sinkId: string) {
    this.src = src;
    this.element = new Audio(src);
    this.element.loop = true;
    this.element.preload = 'auto';
    this.wantedSinkId = sinkId;
    void this.applySink();
  }

  get device(): string {
    return this.wantedSinkId;
  }

  get playing(): boolean {
    return !this.element.paused;
  }

  setSource(src: string): void {
    if (src === this.src) return;
    this.src = src;
    this.element.src = src;
  }

  setDevice(deviceId: string): void {
    this.wantedSinkId = deviceId;
    void this.applySink();
  }

  start(onRefused: () => void): void {
    this.element.currentTime = 0;
    this.element.play().catch(onRefused);
  }

  resume(): void {
    this.element.play().catch(() => undefined);
  }

  stop(): void {
    this.element.pause();
  }

  get appliedSinkId(): string {
    return this.sinkId;
  }

  private async applySink(): Promise<void> {
    const id = this.wantedSinkId;
    if (id === this.sinkId || typeof this.element.setSinkId !== 'function') return;
    try {
      await this.element.setSinkId(id);
      this.sinkId = id;
    } catch (err) {
      // The device went away or is not allowed: the system default plays it instead.
      console.warn('ringtone setSinkId failed', err);
      if (id !== '') {
        this.wantedSinkId = '';
        void this.applySink();
      }
    }
  }
}

export class Ringer {
  private route: RingRoute = { mode: 'off', ringDeviceIds: [''], tone: 'classic', callDeviceId: '' };
  private readonly rings: Player[] = [];
  private waiting: Player | null = null;
  private retryArmed = false;
  /** Calls answered by themselves that have had their beep. */
  private readonly beeped = new Set<string>();
  private beeps = 0;

  constructor(
    private readonly urls: Record<Ringtone, string> = RINGTONE_URLS,
    private readonly waitingSrc: string = waitingUrl,
  ) {}

  get isRinging(): boolean {
    return this.route.mode === 'ring';
  }

  /**
   * One short beep on the calls' output for a call answered by itself (auto-answer), once per
   * call, so the user knows the line is open.
   */
  beepOnce(callId: string, deviceId: string): void {
    if (this.beeped.has(callId)) return;
    this.beeped.add(callId);
    this.beeps++;
    const audio = new Audio(beepUrl);
    const sink = deviceId !== '' && typeof audio.setSinkId === 'function' ? audio.setSinkId(deviceId).catch(() => undefined) : Promise.resolve();
    void sink.then(() => audio.play()).catch(() => undefined);
  }

  /** Forgets calls that are gone (their beep cannot come again). */
  forgetBeeps(liveIds: readonly string[]): void {
    for (const id of this.beeped) if (!liveIds.includes(id)) this.beeped.delete(id);
  }

  state(): RingerState {
    const sounding = this.route.mode === 'ring' ? this.rings : this.route.mode === 'waiting' && this.waiting ? [this.waiting] : [];
    const sinkIds = sounding.map((p) => p.appliedSinkId);
    return {
      mode: this.route.mode,
      ringing: this.route.mode === 'ring',
      playing: sounding.length > 0 && sounding.every((p) => p.playing),
      tone: this.route.tone,
      sinkIds,
      sinkId: sinkIds[0] ?? '',
      beeps: this.beeps,
    };
  }

  /** Applies what should sound now; starting, stopping and moving players as needed. */
  set(route: RingRoute): void {
    const before = this.route;
    const devices = [...new Set(route.ringDeviceIds.length > 0 ? route.ringDeviceIds : [''])];
    this.route = { ...route, ringDeviceIds: devices };
    this.layoutRings(devices, route.tone);
    this.waiting ??= new Player(this.waitingSrc, route.callDeviceId);
    this.waiting.setDevice(route.callDeviceId);

    if (route.mode !== 'ring') for (const p of this.rings) p.stop();
    if (route.mode !== 'waiting') this.waiting.stop();
    if (route.mode === before.mode && route.tone === before.tone) {
      // Same mode: only players that are new (another output chosen) need starting.
      if (route.mode === 'ring') for (const p of this.rings) if (!p.playing) p.start(this.armRetry);
      return;
    }
    if (route.mode === 'ring') for (const p of this.rings) p.start(this.armRetry);
    else if (route.mode === 'waiting') this.waiting.start(this.armRetry);
  }

  private layoutRings(devices: readonly string[], tone: Ringtone): void {
    // Drop players for outputs no longer chosen; add players for new ones.
    for (let i = this.rings.length - 1; i >= 0; i--) {
      const p = this.rings[i];
      if (p && !devices.includes(p.device)) {
        p.stop();
        this.rings.splice(i, 1);
      }
    }
    for (const id of devices) if (!this.rings.some((p) => p.device === id)) this.rings.push(new Player(this.urls[tone], id));
    for (const p of this.rings) p.setSource(this.urls[tone]);
  }

  /** Autoplay refused (a plain browser without a user gesture yet): sound on the first one. */
  private readonly armRetry = (): void => {
    if (this.retryArmed) return;
    this.retryArmed = true;
    const retry = (): void => {
      this.retryArmed = false;
      window.removeEventListener('pointerdown', retry, true);
      window.removeEventListener('keydown', retry, true);
      if (this.route.mode === 'ring') for (const p of this.rings) p.resume();
      else if (this.route.mode === 'waiting') this.waiting?.resume();
    };
    window.addEventListener('pointerdown', retry, true);
    window.addEventListener('keydown', retry, true);
  };
}
