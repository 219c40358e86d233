// What every headset and desk phone should show, derived from the calls alone: the host owns the
// state, so the LEDs are a function of the call list (plus the requests a device made that the
// call side has not confirmed yet, see PendingChange).
import type { Call } from '../../../preload/contract.ts';
import type { ControlValues } from './report-codec.ts';

export interface LedState {
  /** A call is connected or being connected (also while held: clearing it ends calls on Jabra). */
  offHook: boolean;
  /** A call is waiting to be answered. */
  ring: boolean;
  /** Audible ring on the device: only while no call is in the ear. */
  ringer: boolean;
  /** The current call's microphone is muted (only ever while off-hook). */
  mute: boolean;
  /** The current call is held. */
  hold: boolean;
}

/** A change a device asked for, shown at once and kept until the call list agrees or time runs out. */
export type PendingChange =
  | { callId: string; field: 'state'; value: 'answering' | 'ended' }
  | { callId: string; field: 'muted'; value: boolean }
  | { callId: string; field: 'held'; value: boolean };

const CONNECTED: readonly Call['state'][] = ['dialing', 'ringing', 'answering', 'established'];

export function withPending(calls: readonly Call[], pending: Iterable<PendingChange>): Call[] {
  const changes = [...pending];
  return calls.map((call) => {
    let next = call;
    for (const change of changes) {
      if (change.callId !== call.id || call.state === 'ended') continue;
      if (change.field === 'state') next = { ...next, state: change.value };
      else if (change.field === 'muted') next = { ...next, muted: change.value };
      else next = { ...next, held: change.value };
    }
    return next;
  });
}

/** True once the call side's list shows the change (or the call is gone, so it no longer matters). */
export function isSettled(change: PendingChange, real: Call | undefined): boolean {
  if (!real || real.state === 'ended') return true;
  if (change.field === 'state') return change.value === 'answering' ? real.state !== 'incoming' : false;
  if (change.field === 'muted') return real.muted === change.value;
  return real.held === change.value;
}

/** Incoming calls not yet answered, oldest first. */
export function ringingCalls(calls: readonly Call[]): Call[] {
  return calls.filter((c) => c.direction === 'incoming' && c.state === 'incoming');
}

/** Calls that hold the line: outgoing being set up, answered, established (held or not). */
export function connectedCalls(calls: readonly Call[]): Call[] {
  return calls.filter((c) => CONNECTED.includes(c.state));
}

/** The call the hook switch and mute button act on: the connected one not held, else a held one. */
export function currentCall(calls: readonly Call[]): Call | undefined {
  const connected = connectedCalls(calls);
  return connected.find((c) => !c.held) ?? connected[0];
}

export function ledState(calls: readonly Call[]): LedState {
  const current = currentCall(calls);
  const offHook = current !== undefined;
  const ring = ringingCalls(calls).length > 0;
  return {
    offHook,
    ring,
    ringer: ring && !offHook,
    mute: offHook && current.muted,
    hold: offHook && current.held,
  };
}

/** Every LED output a device may have, from the state (Microphone mirrors Mute, On-Line Off-Hook). */
export function outputShadow(state: LedState): ControlValues {
  const bit = (on: boolean): number => (on ? 1 : 0);
  return {
    offHookLed: bit(state.offHook),
    onLineLed: bit(state.offHook),
    ringLed: bit(state.ring),
    ringer: bit(state.ringer),
    muteLed: bit(state.mute),
    microphoneLed: bit(state.mute),
    holdLed: bit(state.hold),
  };
}
