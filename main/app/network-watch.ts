// Tells the core when the machine resumed or came back online, so it re-registers at once instead
// of waiting out its backoff (registration lost after sleep is a top complaint about softphones).
import type { PowerMonitor } from 'electron';

export interface NetworkWatchOptions {
  powerMonitor: Pick<PowerMonitor, 'on' | 'off'>;
  isOnline(): boolean;
  onChange(reason: 'resume' | 'online'): void;
  /** How often to poll isOnline(); Electron has no online/offline event in main. */
  intervalMs?: number;
}

/** Starts watching; returns a function that stops it. */
export function watchNetwork(options: NetworkWatchOptions): () => void {
  let online = options.isOnline();
  const check = (): void => {
    const now = options.isOnline();
    if (now && !online) options.onChange('online');
    online = now;
  };
  const onResume = (): void => {
    online = options.isOnline();
    options.onChange('resume');
  };
  // Unlocking often follows a network switch (docking, Wi-Fi to cable): look at once.
  const onUnlock = (): void => {
    check();
  };
  options.powerMonitor.on('resume', onResume);
  options.powerMonitor.on('unlock-screen', onUnlock);
  const timer = setInterval(check, options.intervalMs ?? 5000);
  timer.unref();
  return () => {
    clearInterval(timer);
    options.powerMonitor.off('resume', onResume);
    options.powerMonitor.off('unlock-screen', onUnlock);
  };
}
