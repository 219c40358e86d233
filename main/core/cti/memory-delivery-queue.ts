// The webhooks' queue when the history database could not be opened: in memory, so deliveries
// still go out and retry, but a restart loses what waits (the log says so at start).
import type { DeliveryAttempt, DeliveryInsert, StoredDelivery } from '../history/history-store.ts';
import type { DeliveryQueue } from './webhooks.ts';

export class MemoryDeliveryQueue implements DeliveryQueue {
  private rows: StoredDelivery[] = [];
  private nextId = 1;

  queueDeliveries(items: readonly DeliveryInsert[], maxPending: number): Promise<number[]> {
    const ids = items.map((item) => {
      const id = this.nextId++;
      this.rows.push({ ...item, id, state: 'pending', attempts: 0, nextAt: item.createdAt, lastStatus: null, lastError: null, finishedAt: null });
      return id;
    });
    for (const hookId of new Set(items.map((i) => i.hookId))) {
      const waiting = this.rows.filter((r) => r.hookId === hookId && r.state === 'pending');
      for (const row of waiting.slice(0, Math.max(0, waiting.length - maxPending))) {
        Object.assign(row, { state: 'dropped', nextAt: null, lastError: 'queue full', finishedAt: row.createdAt });
      }
    }
    // The log keeps the last thousand finished deliveries.
    const finished = this.rows.filter((r) => r.state !== 'pending');
    if (finished.length > 1000) {
      const gone = new Set(finished.slice(0, finished.length - 1000));
      this.rows = this.rows.filter((r) => !gone.has(r));
    }
    return Promise.resolve(ids);
  }

  pendingHeads(): Promise<StoredDelivery[]> {
    const heads = new Map<string, StoredDelivery>();
    for (const row of this.rows) if (row.state === 'pending' && !heads.has(row.hookId)) heads.set(row.hookId, row);
    return Promise.resolve([...heads.values()].map((r) => ({ ...r })));
  }

  recordAttempt(id: number, attempt: DeliveryAttempt): Promise<void> {
    const row = this.rows.find((r) => r.id === id && r.state === 'pending');
    if (!row) return Promise.reject(new Error(`no waiting delivery ${id}`));
    const state = attempt.delivered ? 'delivered' : attempt.nextAt === null ? 'failed' : 'pending';
    Object.assign(row, {
      state,
      attempts: row.attempts + 1,
      nextAt: state === 'pending' ? attempt.nextAt : null,
      lastStatus: attempt.status,
      lastError: attempt.error,
      finishedAt: state === 'pending' ? null : attempt.at,
    });
    return Promise.resolve();
  }

  retryNow(hookId: string, at: number): Promise<void> {
    const head = this.rows.find((r) => r.hookId === hookId && r.state === 'pending');
    if (head) head.nextAt = at;
    return Promise.resolve();
  }

  dropDeliveries(keepHookIds: readonly string[], at: number): Promise<number> {
    let n = 0;
    for (const row of this.rows) {
      if (row.state !== 'pending' || keepHookIds.includes(row.hookId)) continue;
      Object.assign(row, { state: 'dropped', nextAt: null, lastError: 'webhook removed', finishedAt: at });
      n++;
    }
    return Promise.resolve(n);
  }

  deliveryLog(hookId: string | null, limit: number): Promise<{ deliveries: StoredDelivery[]; pending: Record<string, number> }> {
    const rows = this.rows.filter((r) => hookId === null || r.hookId === hookId).reverse().slice(0, limit);
    const pending: Record<string, number> = {};
    for (const row of this.rows) if (row.state === 'pending') pending[row.hookId] = (pending[row.hookId] ?? 0) + 1;
    return Promise.resolve({ deliveries: rows.map((r) => ({ ...r })), pending });
  }
}
