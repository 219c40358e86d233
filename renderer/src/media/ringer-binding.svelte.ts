// Drives the ringer from the app state, outside any component, so that no view change can start
// or stop the ring.
import { afterPaint } from '../lib/after-paint.ts';
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
      if (!ringing) {
        ringer.setRinging(false);
        return;
      }
      // Starting the audio element takes a few milliseconds: after the frame that shows the call.
      return afterPaint(() => {
        ringer.setRinging(true);
      });
    });
  });
}
