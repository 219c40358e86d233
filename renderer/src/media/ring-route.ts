// What should sound for the calls there are: pure, so it is tested without a browser.
import type { Call, Ringtone, SettingsView } from '../../../preload/contract.ts';

export type RingMode = 'off' | 'ring' | 'waiting';

export interface RingRoute {
  mode: RingMode;
  /** Outputs the ringtone plays on ('' is the system default). */
  ringDeviceIds: readonly string[];
  tone: Ringtone;
  /** The calls' output: where the call-waiting tone plays. */
  callDeviceId: string;
}

/** For support and end-to-end tests: what the user should hear, and where. */
export interface RingerState {
  mode: RingMode;
  /** True while ringing (mode 'ring'), kept for callers that only ask that. */
  ringing: boolean;
  /** True when every player that should sound is playing. */
  playing: boolean;
  tone: Ringtone;
  /** The output of each player that is sounding now. */
  sinkIds: string[];
  /** The first of them ('' when silent), as with one output. */
  sinkId: string;
  /** Answer beeps played so far (calls answered by themselves). */
  beeps: number;
}

export interface RingSource {
  calls: readonly Call[];
  settings: SettingsView | null;
}

/**
 * What should sound for these calls: nothing without an incoming call; the call-waiting tone when
 * the user is talking on another call (and the setting is on); the ringtone of the newest
 * incoming call's account otherwise.
 */
export function ringRoute({ calls, settings }: RingSource): RingRoute {
  const incoming = calls.filter((c) => c.state === 'incoming').sort((a, b) => b.startedAt - a.startedAt);
  // Only a conversation the user is in (not one on hold) is protected from the ring.
  const talking = calls.some((c) => (c.state === 'established' && !c.held) || c.state === 'answering');
  const newest = incoming[0];
  const mode: RingMode = !newest ? 'off' : talking && (settings?.calls.callWaitingTone ?? true) ? 'waiting' : 'ring';
  const tone: Ringtone = settings?.accounts.find((a) => a.id === newest?.accountId)?.ringtone ?? 'classic';
  return {
    mode,
    ringDeviceIds: settings?.audio.ringDeviceIds ?? [''],
    tone,
    callDeviceId: settings?.audio.outputDeviceId ?? '',
  };
}

