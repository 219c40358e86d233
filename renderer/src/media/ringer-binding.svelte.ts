// Drives the ringer from the app state, outside any component, so that no view change can start
// or stop the ring.
import type { Ringer } from './ringer.ts';

export interface RingSource {
  /** True while any call is 'incoming'. */
  readonly ringing: boolean;
  readonly ringtoneDeviceId: string;
}

export function bindRinger(ringer: Ringer, source: () => RingSource): () => void {
  return $effect.root(() => {
    $effect(() => {
      const { ringing, ringtoneDeviceId } = source();
      ringer.setDevice(ringtoneDeviceId);
      ringer.setRinging(ringing);
    });
  });
}
