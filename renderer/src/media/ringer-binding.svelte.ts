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
    // A call that answered by itself beeps once when it connects.
    $effect(() => {
      const { calls, settings } = source();
      for (const call of calls) {
        if (call.autoAnswer && call.state === 'established') ringer.beepOnce(call.id, settings?.audio.outputDeviceId ?? '');
      }
      ringer.forgetBeeps(calls.map((c) => c.id));
    });
  });
}
