// The audio devices the settings offer, from navigator.mediaDevices; refreshed when devices are
// plugged in or out. Ids are what the media engine uses; '' is the system default.
export interface DeviceOption {
  id: string;
  label: string;
}

export class DevicesState {
  inputs = $state<DeviceOption[]>([]);
  outputs = $state<DeviceOption[]>([]);

  async refresh(): Promise<void> {
    const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!md) return;
    let list: MediaDeviceInfo[];
    try {
      list = await md.enumerateDevices();
    } catch {
      return;
    }
    // 'default' and 'communications' are Chromium's aliases of the system choice, which '' covers.
    const usable = (d: MediaDeviceInfo): boolean => d.deviceId !== '' && d.deviceId !== 'default' && d.deviceId !== 'communications';
    this.inputs = list.filter((d) => d.kind === 'audioinput' && usable(d)).map((d) => ({ id: d.deviceId, label: d.label }));
    this.outputs = list.filter((d) => d.kind === 'audiooutput' && usable(d)).map((d) => ({ id: d.deviceId, label: d.label }));
  }

  /** Starts following device changes; returns the function that stops it. */
  watch(): () => void {
    const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    void this.refresh();
    if (!md) return () => {};
    const onChange = (): void => void this.refresh();
    md.addEventListener('devicechange', onChange);
    // Without microphone permission the browser names no device; list them again once it is given.
    let permission: PermissionStatus | undefined;
    let stopped = false;
    navigator.permissions
      .query({ name: 'microphone' })
      .then((status) => {
        if (stopped) return;
        permission = status;
        status.addEventListener('change', onChange);
      })
      .catch(() => undefined);
    return () => {
      stopped = true;
      md.removeEventListener('devicechange', onChange);
      permission?.removeEventListener('change', onChange);
    };
  }
}
