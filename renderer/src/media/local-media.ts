// The microphone, opened once and kept live. The first getUserMedia in a fresh Chromium costs
// about 400 ms; opening it before the user dials keeps that out of call set-up. Every call gets
// its own clone of the live track, so muting or ending one call never touches another.

export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
}

function audioConstraints(deviceId: string): MediaTrackConstraints | true {
  return deviceId === '' ? true : { deviceId: { exact: deviceId } };
}

export class LocalMedia {
  private stream: MediaStream | null = null;
  /** The settings value the live stream was opened for ('' = system default). */
  private deviceId: string | null = null;
  private opening: Promise<MediaStream | null> | null = null;

  constructor(private readonly devices: MediaDevicesLike) {}

  /** Opens (or re-opens for another device) the live microphone stream; false when none could be had. */
  async warm(deviceId: string): Promise<boolean> {
    return (await this.live(deviceId)) !== null;
  }

  /** A stream for one call: a clone of the live track when it is for the same device. */
  async streamFor(deviceId: string): Promise<MediaStream> {
    const live = await this.live(deviceId);
    const track = live?.getAudioTracks()[0];
    if (track) return new MediaStream([track.clone()]);
    // No live stream (device gone, permission changed): ask once more for this call alone.
    return this.open(deviceId);
  }

  stop(): void {
    this.stream?.getTracks().forEach((t) => { t.stop(); });
    this.stream = null;
    this.opening = null;
    this.deviceId = null;
  }

  private isLive(deviceId: string): boolean {
    return (
      this.stream !== null &&
      this.deviceId === deviceId &&
      this.stream.getAudioTracks().some((t) => t.readyState === 'live')
    );
  }

  private async live(deviceId: string): Promise<MediaStream | null> {
    if (this.isLive(deviceId)) return this.stream;
    if (this.opening && this.deviceId === deviceId) return this.opening;
    this.stop();
    this.deviceId = deviceId;
    const opening = this.open(deviceId).then(
      (stream) => {
        if (this.opening === opening) {
          this.stream = stream;
          this.opening = null;
        } else {
          stream.getTracks().forEach((t) => { t.stop(); });
        }
        return stream;
      },
      () => {
        if (this.opening === opening) this.opening = null;
        return null;
      },
    );
    this.opening = opening;
    return opening;
  }

  private async open(deviceId: string): Promise<MediaStream> {
    try {
      return await this.devices.getUserMedia({ audio: audioConstraints(deviceId), video: false });
    } catch (err) {
      // A configured device that is no longer plugged in: fall back to the system default.
      if (deviceId !== '' && err instanceof Error && err.name === 'OverconstrainedError') {
        return this.devices.getUserMedia({ audio: true, video: false });
      }
      throw err;
    }
  }
}
