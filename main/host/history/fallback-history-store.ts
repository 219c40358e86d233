// A store that opens in its worker and, should the worker not start (a packaging that cannot load
// the worker file, for one), opens on main's thread instead: the history is slower to query then,
// but never missing because of where it runs. A damaged or newer-version file is not a reason to
// fall back; those answers come from the file, and the second store would give the same.
import type { HistoryStore } from '../../core/history/history-store.ts';
import type { Logger } from '../../core/ports.ts';

const FILE_PROBLEMS = new Set(['schema-too-new']);

export function withFallback(primary: HistoryStore, fallback: () => HistoryStore, logger: Logger): HistoryStore {
  let active = primary;
  const store: HistoryStore = {
    async open() {
      try {
        return await primary.open();
      } catch (error) {
        const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
        if (FILE_PROBLEMS.has(code)) throw error;
        logger.warn(`history: the worker did not open (${error instanceof Error ? error.message : 'unknown error'}); running on main's thread`);
        await primary.close().catch(() => undefined);
        active = fallback();
        return active.open();
      }
    },
    close: () => active.close(),
    insertCall: (record) => active.insertCall(record),
    updateCall: (id, patch) => active.updateCall(id, patch),
    getCall: (id) => active.getCall(id),
    queryCalls: (query) => active.queryCalls(query),
    wrapUp: (id, change) => active.wrapUp(id, change),
    deleteCalls: (ids) => active.deleteCalls(ids),
    clearCalls: () => active.clearCalls(),
    deleteStartedBefore: (epochMs) => active.deleteStartedBefore(epochMs),
    mergeSearchIndexes: (begin) => active.mergeSearchIndexes(begin),
    markMissedSeen: () => active.markMissedSeen(),
    unseenMissed: () => active.unseenMissed(),
    lookupNumber: (e164, digits, excludeCallId, recentLimit) => active.lookupNumber(e164, digits, excludeCallId, recentLimit),
    queryContacts: (query) => active.queryContacts(query),
    saveContact: (contact) => active.saveContact(contact),
    deleteContact: (id) => active.deleteContact(id),
    importContacts: (contacts, onProgress) => active.importContacts(contacts, onProgress),
    allContacts: () => active.allContacts(),
    contactsCsv: () => active.contactsCsv(),
    queueDeliveries: (items, maxPending) => active.queueDeliveries(items, maxPending),
    pendingHeads: () => active.pendingHeads(),
    recordAttempt: (id, attempt) => active.recordAttempt(id, attempt),
    retryNow: (hookId, at) => active.retryNow(hookId, at),
    dropDeliveries: (keep, at) => active.dropDeliveries(keep, at),
    deliveryLog: (hookId, limit) => active.deliveryLog(hookId, limit),
  };
  return store;
}
