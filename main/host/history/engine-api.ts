// The engine methods a store forwards, as one type, so the worker's messages are checked against
// the engine's own signatures.
import type { HistoryEngine } from './history-engine.ts';

export type EngineApi = Pick<
  HistoryEngine,
  | 'open'
  | 'close'
  | 'insertCall'
  | 'updateCall'
  | 'getCall'
  | 'queryCalls'
  | 'wrapUp'
  | 'deleteCalls'
  | 'clearCalls'
  | 'deleteStartedBefore'
  | 'markMissedSeen'
  | 'unseenMissed'
  | 'lookupNumber'
  | 'queryContacts'
  | 'saveContact'
  | 'deleteContact'
  | 'importContactsBatch'
  | 'allContacts'
>;

export type EngineMethod = keyof EngineApi;

/** Contacts written per transaction by an import; progress is reported after each. */
export const IMPORT_BATCH = 2000;

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
