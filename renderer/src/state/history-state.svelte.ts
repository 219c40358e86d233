// The call history view's state: the query (text, kind, dates, account), the rows loaded so far
// by keyset paging, the selection and the details panel, the missed-call badge. Main's events say
// when the history changed; the loaded rows are then fetched again without moving the view.
import type { CallRecord, ErrorInfo, HistoryFilter, HistoryPage, HistorySummary } from '../../../preload/contract.ts';
import type { RendererApi, Result } from '../lib/api.ts';
import { dateRange, HistoryList, PAGE_SIZE, type HistoryItem } from '../lib/history.ts';
import { atVersion } from '../lib/virtual-list.ts';

export type HistoryKind = HistoryFilter['kind'];
export const HISTORY_KINDS: readonly HistoryKind[] = ['all', 'missed', 'incoming', 'outgoing'];

/** Search waits this long after the last keystroke, so typing does not send a query per key. */
export const SEARCH_DEBOUNCE_MS = 120;
/** Bursts of `history:changed` (a call's start, answer and end) make one refresh. */
export const REFRESH_DEBOUNCE_MS = 150;
/** A refresh fetches at most this many of the newest rows again; older loaded rows are kept. */
export const REFRESH_MAX_ROWS = 1000;
const MAX_QUERY_LIMIT = 500;

/** Where the list is scrolled to, by the row at the top of the viewport. */
export interface HistoryAnchor {
  id: number;
  /** Pixels from the row's top to the viewport's top (list offset - row top). */
  delta: number;
}

export interface HistoryOptions {
  /** Whether the user can see the window now (missed calls that arrive are then seen). */
  attentive?: () => boolean;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface RecordPatch {
  notes?: string;
  disposition?: string;
  tags?: string[];
}

export class HistoryState {
  summary = $state<HistorySummary>({ unseenMissed: 0, revision: 0 });
  text = $state('');
  kind = $state<HistoryKind>('all');
  /** Inclusive days as <input type=date> gives them; '' for open. */
  fromDay = $state('');
  toDay = $state('');
  account = $state('');

  /**
   * The rows loaded for the current query. The list is mutated in place as pages arrive (a copy
   * per page would be quadratic for long scrolls), so views read `version` to follow it.
   */
  list: HistoryList = new HistoryList();
  version = $state(0);
  hasMore = $state(false);
  loading = $state(false);
  /** The first page of the current query has arrived. */
  loaded = $state(false);
  /** The last query that failed. */
  error = $state<ErrorInfo | null>(null);
  /** Accounts seen in rows, so the account filter shows only when there is more than one. */
  accounts = $state.raw<string[]>([]);

  selectedId = $state<number | null>(null);
  detailsId = $state<number | null>(null);
  /** The last row action (call back, save, delete) that failed. */
  actionError = $state<ErrorInfo | null>(null);
  saving = $state(false);
  /**
   * Set when the list was replaced under the user: the list offset the view should scroll to so
   * the same row stays at the same place. The view applies it and sets it back to null.
   */
  scrollRequest = $state<{ offset: number } | null>(null);

  readonly #api: RendererApi;
  readonly #attentive: () => boolean;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (handle: unknown) => void;
  #active = false;
  /** Bumped per new query; answers to older queries are dropped. */
  #generation = 0;
  /** The history revision the loaded rows reflect; -1 before any load. */
  #loadedRevision = -1;
  #searchTimer: unknown = null;
  #refreshTimer: unknown = null;
  #refreshing = false;
  /** Refreshes asked for; one running refresh runs again if this moved meanwhile. */
  #refreshAsks = 0;
  #anchor: HistoryAnchor | null = null;
  #markingSeen = false;

  constructor(api: RendererApi, options: HistoryOptions = {}) {
    this.#api = api;
    this.#attentive = options.attentive ?? (() => typeof document !== 'undefined' && document.visibilityState === 'visible' && document.hasFocus());
    this.#setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimer ?? ((h) => { clearTimeout(h as ReturnType<typeof setTimeout>); });
  }

  get active(): boolean {
    return this.#active;
  }

  // ------------------------------------------------------------------------------------------
  // The view opens and closes; main's summary moves

  /** The History view opened: the badge clears, and the rows load (or catch up). */
  open(): void {
    this.#active = true;
    if (this.summary.unseenMissed > 0) void this.markSeen();
    if (this.#loadedRevision === -1) void this.reload();
    else if (this.#loadedRevision !== this.summary.revision) this.#scheduleRefresh(0);
  }

  close(): void {
    this.#active = false;
    this.detailsId = null;
  }

  setSummary(summary: HistorySummary): void {
    this.summary = summary;
    if (!this.#active) return;
    if (summary.unseenMissed > 0 && this.#attentive()) void this.markSeen();
    if (summary.revision !== this.#loadedRevision) this.#scheduleRefresh(REFRESH_DEBOUNCE_MS);
  }

  async markSeen(): Promise<void> {
    if (this.#markingSeen) return;
    this.#markingSeen = true;
    try {
      const result = await this.#api.invoke('history:markSeen', undefined);
      if (result.ok) this.summary = { ...result.value, revision: Math.max(result.value.revision, this.summary.revision) };
    } finally {
      this.#markingSeen = false;
    }
  }

  // ------------------------------------------------------------------------------------------
  // The query

  setText(text: string): void {
    this.text = text;
    if (this.#searchTimer !== null) this.#clearTimer(this.#searchTimer);
    this.#searchTimer = this.#setTimer(() => {
      this.#searchTimer = null;
      void this.reload();
    }, SEARCH_DEBOUNCE_MS);
  }

  setKind(kind: HistoryKind): void {
    if (this.kind === kind) return;
    this.kind = kind;
    void this.reload();
  }

  setRange(fromDay: string, toDay: string): void {
    this.fromDay = fromDay;
    this.toDay = toDay;
    void this.reload();
  }

  setAccount(account: string): void {
    this.account = account;
    void this.reload();
  }

  get filter(): HistoryFilter {
    return { kind: this.kind, ...dateRange(this.fromDay, this.toDay), account: this.account };
  }

  /** Whether any filter narrows the list (the empty list then says "no calls match"). */
  get filtered(): boolean {
    return this.text.trim() !== '' || this.kind !== 'all' || this.fromDay !== '' || this.toDay !== '' || this.account !== '';
  }

  /** A new query from the newest row. The old rows stay on screen until the answer arrives. */
  async reload(): Promise<void> {
    if (this.#searchTimer !== null) {
      this.#clearTimer(this.#searchTimer);
      this.#searchTimer = null;
    }
    const generation = ++this.#generation;
    const revision = this.summary.revision;
    this.loading = true;
    const result = await this.#query(null, PAGE_SIZE);
    if (generation !== this.#generation) return;
    this.loading = false;
    if (!result.ok) {
      this.error = result.error;
      // Not "loading" forever: the view shows the error instead of rows.
      this.loaded = true;
      return;
    }
    this.error = null;
    const list = new HistoryList();
    list.append(result.value.rows);
    this.#replace(list, result.value.hasMore, revision, false);
  }

  /** The next page, when the user nears the end of what is loaded. */
  async loadMore(): Promise<void> {
    if (this.loading || !this.hasMore || this.#refreshing) return;
    const last = this.list.last;
    if (!last) return;
    const generation = this.#generation;
    this.loading = true;
    const result = await this.#query(last.id, PAGE_SIZE);
    if (generation !== this.#generation) return;
    this.loading = false;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.error = null;
    this.list.append(result.value.rows);
    this.hasMore = result.value.hasMore && result.value.rows.length > 0;
    this.#noteAccounts(result.value.rows);
    this.version++;
  }

  /** The view reports the row at the top of its viewport as it scrolls. */
  setAnchor(anchor: HistoryAnchor | null): void {
    this.#anchor = anchor;
  }

  /**
   * Fetches the loaded rows again after the history changed (a new call, a note, a delete),
   * keeping the row at the top of the view where it is.
   */
  async refresh(): Promise<void> {
    this.#refreshAsks++;
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      let asked: number;
      do {
        asked = this.#refreshAsks;
        await this.#refreshOnce();
      } while (asked !== this.#refreshAsks);
    } finally {
      this.#refreshing = false;
    }
  }

  async #refreshOnce(): Promise<void> {
    const generation = this.#generation;
    const revision = this.summary.revision;
    const old = this.list;
    const want = Math.min(Math.max(old.rows.length, PAGE_SIZE), REFRESH_MAX_ROWS);
    const rows: CallRecord[] = [];
    let hasMore = true;
    let beforeId: number | null = null;
    while (hasMore && rows.length < want) {
      const result = await this.#query(beforeId, Math.min(MAX_QUERY_LIMIT, want - rows.length));
      if (generation !== this.#generation) return;
      if (!result.ok) {
        this.error = result.error;
        return;
      }
      rows.push(...result.value.rows);
      hasMore = result.value.hasMore && result.value.rows.length > 0;
      beforeId = rows[rows.length - 1]?.id ?? null;
    }
    this.error = null;
    const list = new HistoryList();
    list.append(rows);
    const last = list.last;
    // Rows loaded beyond what was fetched again stay as they were.
    if (hasMore && last && old.rows.length > rows.length) {
      list.append(old.rows.filter((r) => r.id < last.id));
      hasMore = this.hasMore;
    }
    this.#replace(list, hasMore, revision, true);
  }

  #replace(list: HistoryList, hasMore: boolean, revision: number, keepPlace: boolean): void {
    const anchor = keepPlace ? this.#anchor : null;
    this.list = list;
    this.hasMore = hasMore;
    this.loaded = true;
    this.#loadedRevision = revision;
    this.#noteAccounts(list.rows);
    if (this.selectedId !== null && list.rowIndex(this.selectedId) === -1) this.selectedId = null;
    if (this.detailsId !== null && list.rowIndex(this.detailsId) === -1) this.detailsId = null;
    if (anchor) {
      const row = list.rowIndex(anchor.id);
      const item = row === -1 ? undefined : list.itemOfRow[row];
      const top = item === undefined ? undefined : list.layout.tops[item];
      if (top !== undefined) this.scrollRequest = { offset: Math.max(0, top + anchor.delta) };
    } else {
      this.scrollRequest = { offset: 0 };
    }
    this.version++;
  }

  #scheduleRefresh(ms: number): void {
    if (this.#refreshTimer !== null) return;
    this.#refreshTimer = this.#setTimer(() => {
      this.#refreshTimer = null;
      void this.refresh();
    }, ms);
  }

  #query(beforeId: number | null, limit: number): Promise<Result<HistoryPage>> {
    return this.#api.invoke('history:query', { text: this.text.trim(), filter: this.filter, beforeId, limit });
  }

  #noteAccounts(rows: readonly CallRecord[]): void {
    let added: string[] | null = null;
    for (const r of rows) {
      if (r.account !== '' && !this.accounts.includes(r.account) && !(added ?? []).includes(r.account)) (added ??= []).push(r.account);
    }
    if (added) this.accounts = [...this.accounts, ...added].sort();
  }

  // ------------------------------------------------------------------------------------------
  // Selection and row actions

  // Readers for views: each reads `version`, so what shows them follows the in-place list.

  get count(): number {
    return atVersion(this.version, this.list).rows.length;
  }

  itemAt(index: number): HistoryItem | undefined {
    return atVersion(this.version, this.list).items[index];
  }

  rowAt(row: number): CallRecord | undefined {
    return atVersion(this.version, this.list).rows[row];
  }

  byId(id: number): CallRecord | undefined {
    return atVersion(this.version, this.list).byId(id);
  }

  get selected(): CallRecord | undefined {
    return this.selectedId === null ? undefined : this.byId(this.selectedId);
  }

  get details(): CallRecord | undefined {
    return this.detailsId === null ? undefined : this.byId(this.detailsId);
  }

  select(id: number | null): void {
    this.selectedId = id;
  }

  /** Moves the selection by `by` rows (clamped); asks for the next page near the end. */
  move(by: number): void {
    const rows = this.list.rows;
    if (rows.length === 0) return;
    const current = this.selectedId === null ? -1 : this.list.rowIndex(this.selectedId);
    const next = current === -1 ? (by > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, current + by));
    this.selectedId = rows[next]?.id ?? null;
    if (rows.length - next < 20) void this.loadMore();
  }

  moveTo(edge: 'first' | 'last'): void {
    const rows = this.list.rows;
    const row = edge === 'first' ? rows[0] : rows[rows.length - 1];
    this.selectedId = row?.id ?? null;
    if (edge === 'last') void this.loadMore();
  }

  openDetails(id: number): void {
    this.selectedId = id;
    this.detailsId = id;
    this.actionError = null;
  }

  closeDetails(): void {
    this.detailsId = null;
  }

  async callBack(id: number): Promise<boolean> {
    this.actionError = null;
    const result = await this.#api.invoke('history:callBack', { id });
    if (!result.ok) this.actionError = result.error;
    return result.ok;
  }

  async update(id: number, patch: RecordPatch): Promise<boolean> {
    this.saving = true;
    this.actionError = null;
    try {
      const result = await this.#api.invoke('history:update', { id, ...patch });
      if (!result.ok) {
        this.actionError = result.error;
        return false;
      }
      if (this.list.patch(result.value)) this.version++;
      return true;
    } finally {
      this.saving = false;
    }
  }

  async delete(ids: number[]): Promise<boolean> {
    if (ids.length === 0) return true;
    this.actionError = null;
    const result = await this.#api.invoke('history:delete', { ids });
    if (!result.ok) {
      this.actionError = result.error;
      return false;
    }
    // The rows go at once; the refresh that main's event brings confirms it.
    const index = this.selectedId === null ? -1 : this.list.rowIndex(this.selectedId);
    const list = this.list.without(ids);
    if (this.selectedId !== null && list.rowIndex(this.selectedId) === -1) {
      // The selection moves to the row that took the deleted one's place.
      const next = list.rows[Math.min(index, list.rows.length - 1)];
      this.selectedId = next?.id ?? null;
    }
    if (this.detailsId !== null && list.rowIndex(this.detailsId) === -1) this.detailsId = null;
    this.list = list;
    this.summary = { ...result.value, revision: Math.max(result.value.revision, this.summary.revision) };
    this.version++;
    return true;
  }

  async clear(): Promise<boolean> {
    this.actionError = null;
    const result = await this.#api.invoke('history:clear', undefined);
    if (!result.ok) {
      this.actionError = result.error;
      return false;
    }
    this.list = new HistoryList();
    this.hasMore = false;
    this.selectedId = null;
    this.detailsId = null;
    this.summary = result.value;
    this.version++;
    return true;
  }
}
