// The ringtone: one looping <audio> element on its own output device (users often want the ring
// on the speakers while the call itself goes to the headset).
import ringUrl from '../../../resources/ringtones/ring.wav?url';

export class Ringer {
  private readonly player: HTMLAudioElement;
  private ringing = false;
  private sinkId = '';
  private wantedSinkId = '';
  private retryArmed = false;

  constructor(src: string = ringUrl) {
    this.player = new Audio(src);
    this.player.loop = true;
    this.player.preload = 'auto';
  }

  get isRinging(): boolean {
    return this.ringing;
  }

  /** For support and end-to-end tests: what the user should hear, and where. */
  state(): { ringing: boolean; playing: boolean; sinkId: string } {
    return { ringing: this.ringing, playing: !this.player.paused, sinkId: this.sinkId };
  }

  /** '' is the system default output. */
  setDevice(deviceId: string): void {
    this.wantedSinkId = deviceId;
    void this.applySink();
  }

  setRinging(on: boolean): void {
    if (on === this.ringing) return;
    this.ringing = on;
    if (on) {
      this.player.currentTime = 0;
      this.play();
    } else {
      this.player.pause();
    }
  }

  private async applySink(): Promise<void> {
    const id = this.wantedSinkId;
    if (id === this.sinkId || typeof this.player.setSinkId !== 'function') return;
    try {
      await this.player.setSinkId(id);
      this.sinkId = id;
    } catch (err) {
      console.warn('ringtone setSinkId failed', err);
    }
  }

  private play(): void {
    this.player.play().catch(() => {
      // Autoplay refused (a plain browser without a user gesture yet): ring on the first one.
      if (this.retryArmed) return;
      this.retryArmed = true;
      const retry = (): void => {
        this.retryArmed = false;
        window.removeEventListener('pointerdown', retry, true);
        window.removeEventListener('keydown', retry, true);
        if (this.ringing) this.player.play().catch(() => undefined);
      };
      window.addEventListener('pointerdown', retry, true);
      window.addEventListener('keydown', retry, true);
    });
  }
}
