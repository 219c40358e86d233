// Drives the ringer from the app state, outside any component, so that no view change can start
// or stop the ring.
import { afterPaint } from '../lib/after-paint.ts';
import { ringRoute, type RingSource } from './ring-route.ts';
import type { Ringer } from './ringer.ts';

export function bindRinger(ringer: Ringer, source: () => RingSource): () => void {
  return $effect.root(() => {
    $effect(() => {
      const route = ringRoute(source());
      if (route.mode === 'off') {
        ringer.set(route);
        return;
      }
      // Starting the audio elements takes a few milliseconds: after the frame that shows the call.
      return afterPaint(() => {
        ringer.set(route);
      });
    });
  });
}
