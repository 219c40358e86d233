// The microphone, open only while a call needs it: the operating system shows its microphone
// indicator for as long as any capture track is live, and a softphone that keeps it on all day is
// rightly distrusted. Each call holds a lease on its input device and gets its own clone of the
// capture track (muting or ending one call never touches another); one getUserMedia serves every
// call on the same device, and the capture stops when the last lease on it is released.

export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  /** Lists devices without opening any; absent where media devices are not available at all. */
  enumerateDevices?(): Promise<MediaDeviceInfo[]>;
  /** 'devicechange': a device was plugged in or out. */
  addEventListener?(type: 'devicechange', listener: () => void): void;
  removeEventListener?(type: 'devicechange', listener: () => void): void;
}

interface Capture {
  /** The settings value it was opened for ('' = system default). */
  deviceId: string;
  holders: Set<string>;
  /** Null until getUserMedia answers. */
  stream: MediaStream | null;
  opening: Promise<MediaStream>;
}

function audioConstraints(deviceId: string): MediaTrackConstraints | true {
  return deviceId === '' ? true : { deviceId: { exact: deviceId } };
}

function stopAll(stream: MediaStream): void {
  stream.getTracks().forEach((t) => { t.stop(); });
}

export class LocalMedia {
  /** The capture in use per device id; a capture whose device went away is replaced here. */
  private readonly captures = new Map<string, Capture>();
  /** Which capture each holder (a call's media id) leases. */
  private readonly leases = new Map<string, Capture>();

  constructor(private readonly devices: MediaDevicesLike) {}

  /**
   * A microphone track of the holder's own for `deviceId` (the system default when that device is
   * gone). Null when the lease was released before the device opened. Replaces any earlier lease
   * of the same holder. Rejects when no microphone can be had.
   */
  async acquire(holder: string, deviceId: string): Promise<MediaStreamTrack | null> {
    this.release(holder);
    let capture = this.captures.get(deviceId);
    if (!capture || this.ended(capture)) {
      capture = this.open(deviceId);
      this.captures.set(deviceId, capture);
    }
    capture.holders.add(holder);
    this.leases.set(holder, capture);
    const stream = await capture.opening;
    if (this.leases.get(holder) !== capture) return null;
    const track = stream.getAudioTracks()[0];
    if (!track) throw new Error('the microphone stream has no audio track');
    return track.clone();
  }

  /** Ends the holder's lease; the capture stops with its last lease. The holder stops its own clone. */
  release(holder: string): void {
    const capture = this.leases.get(holder);
    if (!capture) return;
    this.leases.delete(holder);
    capture.holders.delete(holder);
    if (capture.holders.size > 0) return;
    if (this.captures.get(capture.deviceId) === capture) this.captures.delete(capture.deviceId);
    // Still opening: stopped as soon as it opens (see open()).
    if (capture.stream) stopAll(capture.stream);
  }

  /** Whether any microphone capture is open or opening (the system's indicator is then on). */
  isOpen(): boolean {
    for (const capture of new Set(this.leases.values())) {
      if (!capture.stream || capture.stream.getAudioTracks().some((t) => t.readyState === 'live')) return true;
    }
    return false;
  }

  /** The audio outputs the system lists now (their ids), or null when it cannot say. */
  async outputs(): Promise<string[] | null> {
    if (!this.devices.enumerateDevices) return null;
    try {
      return (await this.devices.enumerateDevices()).filter((d) => d.kind === 'audiooutput').map((d) => d.deviceId);
    } catch {
      return null;
    }
  }

  /** Whether the system lists a microphone, without opening one. */
  async hasMicrophone(): Promise<boolean> {
    if (!this.devices.enumerateDevices) return false;
    try {
      return (await this.devices.enumerateDevices()).some((d) => d.kind === 'audioinput');
    } catch {
      return false;
    }
  }

  stop(): void {
    for (const capture of new Set([...this.captures.values(), ...this.leases.values()])) {
      capture.holders.clear();
      if (capture.stream) stopAll(capture.stream);
    }
    this.captures.clear();
    this.leases.clear();
  }

  private ended(capture: Capture): boolean {
    return capture.stream !== null && !capture.stream.getAudioTracks().some((t) => t.readyState === 'live');
  }

  private open(deviceId: string): Capture {
    const capture: Capture = {
      deviceId,
      holders: new Set(),
      stream: null,
      opening: this.getUserMedia(deviceId).then(
        (stream) => {
          capture.stream = stream;
          // Every holder left while it was opening: close it at once.
          if (capture.holders.size === 0) stopAll(stream);
          return stream;
        },
        (err: unknown) => {
          // Forget a failed capture so the next call asks again.
          if (this.captures.get(deviceId) === capture) this.captures.delete(deviceId);
          for (const holder of capture.holders) this.leases.delete(holder);
          capture.holders.clear();
          throw err;
        },
      ),
    };
    // Its holders see the failure; one that left before it came must not make it unhandled.
    capture.opening.catch(() => undefined);
    return capture;
  }

  private async getUserMedia(deviceId: string): Promise<MediaStream> {
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
