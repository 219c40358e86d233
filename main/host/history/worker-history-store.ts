// The store in a worker thread: every method is a message to history-worker.ts and a reply, so
// no query, import, integrity check or migration ever holds up main's event loop (see
// create-history-store.ts for the measurements behind this).
import { existsSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HistoryStore } from '../../core/history/history-store.ts';
import type { Logger } from '../../core/ports.ts';
import { batches, IMPORT_BATCH, importBatch, type EngineApi, type EngineMethod } from './engine-api.ts';
import { HistoryStoreError, isHistoryErrorCode } from './history-errors.ts';
import { checkContacts } from './history-limits.ts';
import type { WireError, WorkerData, WorkerReply } from './worker-protocol.ts';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

function fromWire(error: WireError): Error {
  if (error.code !== null && isHistoryErrorCode(error.code)) return new HistoryStoreError(error.code, error.message, error.field ?? undefined);
  const err = new Error(error.message);
  err.name = error.name;
  return err;
}

export class WorkerHistoryStore implements HistoryStore {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Why the worker is gone, once it is. */
  private failure: Error | null = null;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly workerUrl: URL,
  ) {}

  private start(): Worker {
    const path = fileURLToPath(this.workerUrl);
    if (!existsSync(path)) {
      throw new HistoryStoreError('history-unavailable', `the history worker ${path} is missing (built by esbuild.config.mjs)`);
    }
    const data: WorkerData = { file: this.file };
    const worker = new Worker(this.workerUrl, { workerData: data, name: 'history' });
    worker.on('message', (reply: WorkerReply) => {
      this.onReply(reply);
    });
    worker.on('error', (err) => {
      this.logger.error(`history: the worker failed: ${err.message}`);
      this.fail(new HistoryStoreError('history-unavailable', `the history worker failed: ${err.message}`));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.fail(new HistoryStoreError('history-unavailable', `the history worker exited (code ${code})`));
    });
    this.failure = null;
    this.worker = worker;
    return worker;
  }

  private onReply(reply: WorkerReply): void {
    if (reply.kind === 'log') {
      this.logger[reply.level](reply.message);
      return;
    }
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(fromWire(reply.error));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }

  private call<M extends EngineMethod>(method: M, ...args: Parameters<EngineApi[M]>): Promise<ReturnType<EngineApi[M]>> {
    const worker = this.worker;
    if (worker === null) return Promise.reject(this.failure ?? new HistoryStoreError('history-unavailable', 'the history is not open'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args });
    });
  }

  async open(): Promise<Awaited<ReturnType<HistoryStore['open']>>> {
    if (this.worker !== null) throw new HistoryStoreError('history-unavailable', 'the history is already open');
    const worker = this.start();
    try {
      return await this.call('open');
    } catch (err) {
      await worker.terminate();
      throw err;
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    try {
      await this.call('close');
    } finally {
      this.worker = null;
      await worker.terminate();
    }
  }

  insertCall: HistoryStore['insertCall'] = (record) => this.call('insertCall', record);
  updateCall: HistoryStore['updateCall'] = (id, patch) => this.call('updateCall', id, patch);
  getCall: HistoryStore['getCall'] = (id) => this.call('getCall', id);
  queryCalls: HistoryStore['queryCalls'] = (query) => this.call('queryCalls', query);
  wrapUp: HistoryStore['wrapUp'] = (id, change) => this.call('wrapUp', id, change);
  deleteCalls: HistoryStore['deleteCalls'] = (ids) => this.call('deleteCalls', ids);
  clearCalls: HistoryStore['clearCalls'] = () => this.call('clearCalls');
  deleteStartedBefore: HistoryStore['deleteStartedBefore'] = (epochMs) => this.call('deleteStartedBefore', epochMs);
  mergeSearchIndexes: HistoryStore['mergeSearchIndexes'] = (begin) => this.call('mergeSearchIndexes', begin);
  markMissedSeen: HistoryStore['markMissedSeen'] = () => this.call('markMissedSeen');
  unseenMissed: HistoryStore['unseenMissed'] = () => this.call('unseenMissed');
  lookupNumber: HistoryStore['lookupNumber'] = (e164, digits, excludeCallId, recentLimit) =>
    this.call('lookupNumber', e164, digits, excludeCallId, recentLimit);
  queryContacts: HistoryStore['queryContacts'] = (query) => this.call('queryContacts', query);
  saveContact: HistoryStore['saveContact'] = (contact) => this.call('saveContact', contact);
  deleteContact: HistoryStore['deleteContact'] = (id) => this.call('deleteContact', id);
  allContacts: HistoryStore['allContacts'] = () => this.call('allContacts');
  contactsCsv: HistoryStore['contactsCsv'] = () => this.call('contactsCsv');
  queueDeliveries: HistoryStore['queueDeliveries'] = (items, maxPending) => this.call('queueDeliveries', items, maxPending);
  pendingHeads: HistoryStore['pendingHeads'] = () => this.call('pendingHeads');
  recordAttempt: HistoryStore['recordAttempt'] = (id, attempt) => this.call('recordAttempt', id, attempt);
  retryNow: HistoryStore['retryNow'] = (hookId, at) => this.call('retryNow', hookId, at);
  dropDeliveries: HistoryStore['dropDeliveries'] = (keep, at) => this.call('dropDeliveries', keep, at);
  deliveryLog: HistoryStore['deliveryLog'] = (hookId, limit) => this.call('deliveryLog', hookId, limit);

  async importContacts(contacts: Parameters<HistoryStore['importContacts']>[0], onProgress: (done: number) => void): Promise<number> {
    const parts = batches(contacts, IMPORT_BATCH);
    // Checked here, a batch per turn, before the first is sent: a bad contact refuses the import.
    for (const [i, part] of parts.entries()) {
      checkContacts(part, i * IMPORT_BATCH);
      await nextTurn();
    }
    let done = 0;
    for (const part of parts) {
      done += await this.call('importContactsBatch', importBatch(part));
      onProgress(done);
    }
    return done;
  }
}
