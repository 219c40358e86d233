// The store on the caller's thread: each method runs the engine synchronously and returns a
// settled promise. An import yields to the event loop between batches.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { HistoryStore } from '../../core/history/history-store.ts';
import type { Logger } from '../../core/ports.ts';
import { batches, IMPORT_BATCH, importBatch } from './engine-api.ts';
import { HistoryEngine } from './history-engine.ts';
import { checkContacts } from './history-limits.ts';


export class InThreadHistoryStore implements HistoryStore {
  private readonly engine: HistoryEngine;

  constructor(file: string, logger: Logger) {
    this.engine = new HistoryEngine(file, logger);
  }

  /** Runs now; a throw becomes a rejection, as it would across the worker. */
  private settle<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      this.engine.noteError(err);
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  open: HistoryStore['open'] = () => this.settle(() => this.engine.open());
  close: HistoryStore['close'] = () => this.settle(() => { this.engine.close(); });
  insertCall: HistoryStore['insertCall'] = (record) => this.settle(() => this.engine.insertCall(record));
  updateCall: HistoryStore['updateCall'] = (id, patch) => this.settle(() => { this.engine.updateCall(id, patch); });
  getCall: HistoryStore['getCall'] = (id) => this.settle(() => this.engine.getCall(id));
  queryCalls: HistoryStore['queryCalls'] = (query) => this.settle(() => this.engine.queryCalls(query));
  wrapUp: HistoryStore['wrapUp'] = (id, change) => this.settle(() => this.engine.wrapUp(id, change));
  deleteCalls: HistoryStore['deleteCalls'] = (ids) => this.settle(() => this.engine.deleteCalls(ids));
  clearCalls: HistoryStore['clearCalls'] = () => this.settle(() => this.engine.clearCalls());
  deleteStartedBefore: HistoryStore['deleteStartedBefore'] = (epochMs) => this.settle(() => this.engine.deleteStartedBefore(epochMs));
  mergeSearchIndexes: HistoryStore['mergeSearchIndexes'] = (begin) => this.settle(() => this.engine.mergeSearchIndexes(begin));
  markMissedSeen: HistoryStore['markMissedSeen'] = () => this.settle(() => { this.engine.markMissedSeen(); });
  unseenMissed: HistoryStore['unseenMissed'] = () => this.settle(() => this.engine.unseenMissed());
  lookupNumber: HistoryStore['lookupNumber'] = (e164, digits, excludeCallId, recentLimit) =>
    this.settle(() => this.engine.lookupNumber(e164, digits, excludeCallId, recentLimit));
  queryContacts: HistoryStore['queryContacts'] = (query) => this.settle(() => this.engine.queryContacts(query));
  saveContact: HistoryStore['saveContact'] = (contact) => this.settle(() => this.engine.saveContact(contact));
  deleteContact: HistoryStore['deleteContact'] = (id) => this.settle(() => this.engine.deleteContact(id));
  allContacts: HistoryStore['allContacts'] = () => this.settle(() => this.engine.allContacts());
  contactsCsv: HistoryStore['contactsCsv'] = () => this.settle(() => this.engine.contactsCsv());
  queueDeliveries: HistoryStore['queueDeliveries'] = (items, maxPending) => this.settle(() => this.engine.queueDeliveries(items, maxPending));
  pendingHeads: HistoryStore['pendingHeads'] = () => this.settle(() => this.engine.pendingHeads());
  recordAttempt: HistoryStore['recordAttempt'] = (id, attempt) => this.settle(() => { this.engine.recordAttempt(id, attempt); });
  retryNow: HistoryStore['retryNow'] = (hookId, at) => this.settle(() => { this.engine.retryNow(hookId, at); });
  dropDeliveries: HistoryStore['dropDeliveries'] = (keep, at) => this.settle(() => this.engine.dropDeliveries(keep, at));
  deliveryLog: HistoryStore['deliveryLog'] = (hookId, limit) => this.settle(() => this.engine.deliveryLog(hookId, limit));

  async importContacts(contacts: Parameters<HistoryStore['importContacts']>[0], onProgress: (done: number) => void): Promise<number> {
    const parts = batches(contacts, IMPORT_BATCH);
    // Every contact is checked before the first is written: a bad one refuses the whole import.
    for (const [i, part] of parts.entries()) {
      checkContacts(part, i * IMPORT_BATCH);
      await nextTurn();
    }
    let done = 0;
    for (const part of parts) {
      done += this.engine.importContactsBatch(importBatch(part));
      onProgress(done);
      await nextTurn();
    }
    return done;
  }
}
