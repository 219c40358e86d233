// The state a durability record has after each of its writes, computed the same way by the child
// that writes it and the test that checks it.
import type { CallOutcome } from '../../../preload/contract.ts';

export const STEPS = 5;

export interface RecordState {
  displayName: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  durationS: number | null;
  outcome: CallOutcome;
  notes: string;
}

export function stateAt(callId: string, step: number): RecordState {
  const startedAt = 1_750_000_000_000;
  const state: RecordState = { displayName: `${callId} ringing`, startedAt, answeredAt: null, endedAt: null, durationS: null, outcome: 'in-progress', notes: '' };
  if (step >= 1) state.answeredAt = startedAt + 2000;
  if (step >= 2) state.displayName = `${callId} talking`;
  if (step >= 3) state.notes = `notes of ${callId}`;
  if (step >= 4) {
    state.endedAt = startedAt + 62_000;
    state.durationS = 60;
    state.outcome = 'answered';
  }
  return state;
}
