// The call history, the contacts and the screen-pop, on top of the HistoryStore port. Every call
// becomes a record when it appears in the call list and is updated at each change of state, so a
// crash mid-call still leaves it; each live call gets a screen-pop (who it is, what happened last
// time, the CRM link) as soon as the store answers, before the call is answered.
import type {
  Call,
  CallOutcome,
  CallRecord,
  Contact,
  ContactSummary,
  HistoryPage,
  HistoryQuery,
  HistorySummary,
  ScreenPop,
  Settings,
} from '../../../preload/contract.ts';
import { AppError, messageOf } from '../errors.ts';
import { effectiveCountry, looksLikeNumber, normalizeNumber, numberKeys, type NormalizedNumber } from '../numbers/phone-number.ts';
import { numberContextOf, readPbxNumber } from '../numbers/dial-plan.ts';
import { CALL_FIELDS, fillUrl } from '../cti/templates.ts';
import type { Clock, Logger } from '../ports.ts';
import type { CallRecordPatch, ContactWrite, HistoryStore, StoredCallRecord, StoreHistoryQuery } from './history-store.ts';

const DAY_MS = 86_400_000;
/** How often old calls are swept when a retention is set. */
const RETENTION_SWEEP_MS = 6 * 3_600_000;
/** The search indexes are merged this long after the start, then daily (HistoryEngine.mergeSearchIndexes). */
const INDEX_MERGE_FIRST_MS = 2 * 60_000;
const INDEX_MERGE_EVERY_MS = 24 * 3_600_000;
/** Between two merge steps the store serves whatever queued (a screen-pop lookup waits one step at most). */
const INDEX_MERGE_PAUSE_MS = 25;
/** A merge never runs longer than this many steps (64 pages each: far more than a million calls need). */
const INDEX_MERGE_MAX_STEPS = 20_000;

export interface HistoryServiceOptions {
  /** Opened by start(); when it cannot be opened calls still work and history commands say so. */
  store: HistoryStore | null;
  clock: Clock;
  logger: Logger;
  settings: () => Settings;
  systemLocale: string;
  /** An account's address of record, for the records' `account` ('' when unknown). */
  accountAor: (accountId: string) => string;
  onSummary: (summary: HistorySummary) => void;
  onScreenPop: (pop: ScreenPop) => void;
  /** Opens a URL in the system browser; null where the host cannot. */
  openUrl: ((url: string) => Promise<void>) | null;
}

interface Tracked {
  /** The record's id once inserted; null when the insert failed (logged). */
  recordId: Promise<number | null>;
  /** Writes to this record, in order. */
  chain: Promise<void>;
  written: { state: Call['state']; answeredAt: number | null; endedAt: number | null; displayName: string };
  pop: ScreenPop | null;
  /** Settles when the screen-pop has been looked up (found or not). */
  popReady: Promise<void>;
  crmOpened: boolean;
}

/**
 * The store's refusals as the contract's error codes (the store names them by `code`; the core
 * may not import the host's error class). Anything else passes through as it is.
 */
export function fromStoreError(error: unknown): unknown {
  if (error instanceof AppError || typeof error !== 'object' || error === null || !('code' in error)) return error;
  const message = error instanceof Error ? error.message : 'the history store refused';
  const fields = 'field' in error && typeof error.field === 'string' ? { [error.field]: String(error.code) } : undefined;
  switch (error.code) {
    case 'no-such-record':
    case 'no-such-contact':
    case 'history-unavailable':
      return new AppError(error.code, message);
    case 'schema-too-new':
      return new AppError('history-unavailable', message);
    case 'too-long':
    case 'invalid-value':
      return new AppError('invalid-argument', message, fields);
    default:
      return error;
  }
}

/** Runs a store call, turning its refusals into contract errors. */
export async function viaStore<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw fromStoreError(error);
  }
}

/** What a finished call was, from how it ended. */
export function outcomeOf(call: Call): CallOutcome {
  if (call.state !== 'ended') return 'in-progress';
  if (call.endReason === 'transferred') return 'transferred';
  if (call.endReason === 'forwarded') return 'forwarded';
  if (call.answeredAt !== null) return 'answered';
  if (call.direction === 'incoming') return call.endReason === 'rejected-by-user' ? 'rejected' : 'missed';
  switch (call.endReason) {
    case 'busy':
      return 'busy';
    case 'declined':
      return 'rejected';
    case 'local-hangup':
    case 'canceled':
    case null:
      return 'no-answer';
    default:
      return 'failed';
  }
}

/** Free text split the way the store searches: words, and the digits of number-like parts. */
export function splitSearch(text: string): { words: string[]; digits: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { words: [], digits: '' };
  if (looksLikeNumber(trimmed)) return { words: [], digits: normalizeNumber(trimmed, null).digits };
  const words: string[] = [];
  let digits = '';
  for (const token of trimmed.split(/\s+/).slice(0, 8)) {
    if (looksLikeNumber(token)) digits += normalizeNumber(token, null).digits;
    else words.push(token.slice(0, 64));
  }
  return { words, digits };
}

export class HistoryService {
  private readonly options: HistoryServiceOptions;
  /** The store once open; null before, or when it could not be opened. */
  private opened: HistoryStore | null = null;
  private movedAsideTo: string | null = null;
  private readonly tracked = new Map<string, Tracked>();
  /** Writes not yet settled, also of calls that left the list: stop() waits for them. */
  private readonly writes = new Set<Promise<void>>();
  private summaryNow: HistorySummary = { unseenMissed: 0, revision: 0 };
  private sweepTimer: unknown = null;
  private mergeTimer: unknown = null;
  private stopped = false;

  constructor(options: HistoryServiceOptions) {
    this.options = options;
  }

  get available(): boolean {
    return this.opened !== null;
  }

  /** Where a damaged database was moved at start, if it was. */
  movedAside(): string | null {
    return this.movedAsideTo;
  }

  summary(): HistorySummary {
    return this.summaryNow;
  }

  /** Settles when every call in the list has its screen-pop (or its lookup failed); null when they all do. */
  popsReady(calls: readonly Call[]): Promise<void> | null {
    const waiting = calls.flatMap((c) => {
      const tracked = this.tracked.get(c.id);
      return tracked && tracked.pop === null && c.state !== 'ended' ? [tracked.popReady] : [];
    });
    return waiting.length === 0 ? null : Promise.all(waiting).then(() => undefined);
  }

  /** The screen-pop of one call, once its lookup is done. */
  screenPopFor(callId: string): ScreenPop | null {
    return this.tracked.get(callId)?.pop ?? null;
  }

  /** Screen-pops of the calls being followed. */
  screenPops(): ScreenPop[] {
    return [...this.tracked.values()].flatMap((t) => (t.pop ? [t.pop] : []));
  }

  async start(): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    try {
      const result = await store.open();
      this.movedAsideTo = result.movedAside;
      if (result.movedAside !== null) this.options.logger.warn(`history: the database was damaged; moved to ${result.movedAside}; started a new one`);
      if (result.closedStale > 0) this.options.logger.info(`history: ${result.closedStale} calls left open by the last run closed`);
      this.opened = store;
    } catch (error) {
      this.options.logger.error(`history: opening the database failed; history is off for this run: ${messageOf(error)}`);
      return;
    }
    await this.refreshSummary(false);
    await this.sweep();
    this.scheduleSweep();
    this.scheduleIndexMerge(INDEX_MERGE_FIRST_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer !== null) this.options.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    if (this.mergeTimer !== null) this.options.clock.clearTimeout(this.mergeTimer);
    this.mergeTimer = null;
    await Promise.allSettled([...this.tracked.values()].map((t) => t.chain).concat([...this.writes]));
    const store = this.opened;
    this.opened = null;
    await store?.close();
  }

  /** Settings changed: the retention may have shortened. */
  settingsChanged(): void {
    void this.sweep();
  }

  // ------------------------------------------------------------------ calls

  /** The call list as `calls:changed` gives it. */
  updateCalls(calls: readonly Call[]): void {
    const present = new Set<string>();
    for (const call of calls) {
      present.add(call.id);
      const tracked = this.tracked.get(call.id);
      if (!tracked) this.follow(call);
      else this.changed(call, tracked);
    }
    for (const [id, tracked] of this.tracked) {
      if (present.has(id)) continue;
      // The call left the list (it lingered after ending); its last writes still land.
      this.tracked.delete(id);
      this.remember(tracked.chain);
    }
  }

  private country(): ReturnType<typeof effectiveCountry> {
    return effectiveCountry(this.options.settings().numbers.defaultCountry, this.options.systemLocale);
  }

  /** A call's number read the way the PBX sends it (outside-line prefix off), then normalised. */
  private callNumber(number: string): NormalizedNumber {
    return readPbxNumber(number, numberContextOf(this.options.settings().numbers, this.options.systemLocale));
  }

  private follow(call: Call): void {
    const { logger } = this.options;
    const store = this.opened;
    const number = this.callNumber(call.remote.number);
    const tracked: Tracked = {
      recordId: Promise.resolve(null),
      chain: Promise.resolve(),
      written: { state: call.state, answeredAt: null, endedAt: null, displayName: call.remote.displayName },
      pop: null,
      popReady: Promise.resolve(),
      crmOpened: false,
    };
    this.tracked.set(call.id, tracked);
    // The lookup goes to the store first: the insert's durable commit (an fsync) must not hold up
    // the screen-pop behind it.
    tracked.popReady = this.buildPop(call, tracked);
    const recordId: Promise<number | null> = store
      ? store
          .insertCall({
            callId: call.id,
            direction: call.direction,
            account: this.options.accountAor(call.accountId).slice(0, 1024),
            // SIP text never passed the contract's limits: cut it to the store's.
            remoteUri: call.remote.uri.slice(0, 1024),
            number: call.remote.number.slice(0, 256),
            e164: number.e164,
            digits: number.digits.slice(0, 256),
            displayName: call.remote.displayName.slice(0, 512),
            startedAt: call.startedAt,
          })
          .catch((error: unknown) => {
            logger.error(`history: recording call ${call.id} failed: ${messageOf(error)}`);
            return null;
          })
      : Promise.resolve(null);
    tracked.recordId = recordId;
    tracked.chain = recordId.then(() => undefined);
    void recordId.then((id) => {
      if (id !== null) void this.refreshSummary(true);
    });
    // A call seen for the first time may already have moved on (answered or ended at once).
    this.changed(call, tracked);
  }

  private remember(write: Promise<void>): void {
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  private changed(call: Call, tracked: Tracked): void {
    const before = tracked.written;
    const patch: CallRecordPatch = {};
    if (call.answeredAt !== before.answeredAt) patch.answeredAt = call.answeredAt;
    if (call.remote.displayName !== before.displayName && call.remote.displayName !== '') patch.displayName = call.remote.displayName.slice(0, 512);
    if (call.state === 'ended' && before.state !== 'ended') {
      const outcome = outcomeOf(call);
      patch.endedAt = call.endedAt ?? this.options.clock.now();
      patch.outcome = outcome;
      patch.durationS = call.answeredAt !== null ? Math.max(0, Math.round(((call.endedAt ?? this.options.clock.now()) - call.answeredAt) / 1000)) : null;
      if (outcome === 'missed') patch.unseen = true;
      if (call.transfer?.state === 'done') patch.transferTarget = call.transfer.target.slice(0, 1024);
      else if (call.forwardedTo !== null) patch.transferTarget = call.forwardedTo.slice(0, 1024);
    }
    if (call.state === 'established' && before.state !== 'established') this.maybeOpenCrm(call, tracked, 'on-answer');
    tracked.written = { state: call.state, answeredAt: call.answeredAt, endedAt: call.endedAt, displayName: call.remote.displayName };
    if (Object.keys(patch).length === 0) return;
    const ended = patch.outcome !== undefined;
    tracked.chain = tracked.chain.then(async () => {
      const id = await tracked.recordId;
      const store = this.opened;
      if (id === null || !store) return;
      try {
        await store.updateCall(id, patch);
      } catch (error) {
        this.options.logger.error(`history: updating call ${call.id} failed: ${messageOf(error)}`);
        return;
      }
      if (ended) await this.refreshSummary(true);
    });
  }

  // ------------------------------------------------------------------ screen-pop

  private async buildPop(call: Call, tracked: Tracked): Promise<void> {
    const { logger } = this.options;
    const store = this.opened;
    const number = this.callNumber(call.remote.number);
    let lookup = null;
    if (store) {
      try {
        lookup = await store.lookupNumber(number.e164, number.digits, call.id, 5);
      } catch (error) {
        logger.warn(`history: screen-pop lookup for ${call.id} failed: ${messageOf(error)}`);
      }
    }
    if (this.tracked.get(call.id) !== tracked) return;
    const contact = lookup?.contact ?? null;
    const template = this.options.settings().screenPop.crmUrlTemplate;
    const pop: ScreenPop = {
      callId: call.id,
      numberDisplay: number.display,
      e164: number.e164,
      contact,
      recent: (lookup?.recent ?? []).map((r) => this.toRecord(r)),
      totalCalls: lookup?.totalCalls ?? 0,
      lastCallAt: lookup?.lastCallAt ?? null,
      crmUrl: fillUrl(
        template,
        {
          e164: number.e164 ?? '',
          number: call.remote.number,
          digits: number.digits,
          name: contact?.name ?? call.remote.displayName,
          company: contact?.company ?? '',
          crmId: contact?.crmId ?? '',
          direction: call.direction,
          callId: call.id,
        },
        CALL_FIELDS,
      ),
    };
    tracked.pop = pop;
    this.options.onScreenPop(pop);
    if (call.state === 'incoming') this.maybeOpenCrm(call, tracked, 'on-ring');
  }

  private maybeOpenCrm(call: Call, tracked: Tracked, when: 'on-ring' | 'on-answer'): void {
    if (call.direction !== 'incoming' || tracked.crmOpened || !tracked.pop?.crmUrl) return;
    if (this.options.settings().screenPop.crmAutoOpen !== when) return;
    tracked.crmOpened = true;
    this.open(tracked.pop.crmUrl);
  }

  private open(url: string): void {
    const openUrl = this.options.openUrl;
    if (!openUrl) {
      this.options.logger.warn('history: this host cannot open the CRM page');
      return;
    }
    openUrl(url).catch((error: unknown) => {
      this.options.logger.warn(`history: opening the CRM page failed: ${messageOf(error)}`);
    });
  }

  /** `calls:openCrm`. */
  openCrm(callId: string): void {
    const tracked = this.tracked.get(callId);
    if (!tracked) throw new AppError('no-such-call', `no call ${callId}`);
    const url = tracked.pop?.crmUrl ?? null;
    if (url === null) throw new AppError('crm-not-configured', 'no CRM link for this call');
    this.open(url);
  }

  // ------------------------------------------------------------------ history commands

  private need(): HistoryStore {
    const store = this.opened;
    if (!store) throw new AppError('history-unavailable', 'the history database is not open');
    return store;
  }

  toRecord(stored: StoredCallRecord): CallRecord {
    const { digits: _digits, ...rest } = stored;
    return { ...rest, numberDisplay: this.callNumber(stored.number).display };
  }

  async query(query: HistoryQuery): Promise<HistoryPage> {
    const { words, digits } = splitSearch(query.text);
    const storeQuery: StoreHistoryQuery = { words, digits, filter: query.filter, beforeId: query.beforeId, limit: query.limit };
    const page = await viaStore(() => this.need().queryCalls(storeQuery));
    return { rows: page.rows.map((r) => this.toRecord(r)), hasMore: page.hasMore };
  }

  async update(id: number, change: { notes?: string | undefined; disposition?: string | undefined; tags?: string[] | undefined }): Promise<CallRecord> {
    const wrap: { notes?: string; disposition?: string; tags?: string[] } = {};
    if (change.notes !== undefined) wrap.notes = change.notes;
    if (change.disposition !== undefined) wrap.disposition = change.disposition.trim();
    if (change.tags !== undefined) wrap.tags = [...new Set(change.tags.map((t) => t.trim()).filter((t) => t !== ''))];
    const stored = await viaStore(() => this.need().wrapUp(id, wrap));
    if (!stored) throw new AppError('no-such-record', `no call record ${id}`);
    await this.refreshSummary(true);
    return this.toRecord(stored);
  }

  async remove(ids: readonly number[]): Promise<HistorySummary> {
    await viaStore(() => this.need().deleteCalls(ids));
    return this.refreshSummary(true);
  }

  async clear(): Promise<HistorySummary> {
    await viaStore(() => this.need().clearCalls());
    return this.refreshSummary(true);
  }

  async markSeen(): Promise<HistorySummary> {
    await viaStore(() => this.need().markMissedSeen());
    return this.refreshSummary(true);
  }

  /** The contact a number (as the user gives it, not as the PBX sends it) belongs to; null when none or no history. */
  async contactFor(number: string): Promise<ContactSummary | null> {
    const store = this.opened;
    if (!store || this.stopped) return null;
    const { e164, digits } = numberKeys(number, this.country());
    if (e164 === null && digits === '') return null;
    const { contact } = await store.lookupNumber(e164, digits, null, 0);
    return contact === null ? null : { id: contact.id, name: contact.name, company: contact.company, crmId: contact.crmId };
  }

  /** What to dial to call a record back, and the address of record of the account it was on. */
  async callBackTarget(id: number): Promise<{ target: string; account: string }> {
    const stored = await viaStore(() => this.need().getCall(id));
    if (!stored) throw new AppError('no-such-record', `no call record ${id}`);
    return { target: stored.e164 ?? (stored.number !== '' ? stored.number : stored.remoteUri), account: stored.account };
  }

  private async refreshSummary(changed: boolean): Promise<HistorySummary> {
    const store = this.opened;
    if (!store || this.stopped) return this.summaryNow;
    let unseen = this.summaryNow.unseenMissed;
    try {
      unseen = await store.unseenMissed();
    } catch (error) {
      this.options.logger.warn(`history: counting missed calls failed: ${messageOf(error)}`);
    }
    this.summaryNow = { unseenMissed: unseen, revision: this.summaryNow.revision + (changed ? 1 : 0) };
    this.options.onSummary(this.summaryNow);
    return this.summaryNow;
  }

  private scheduleSweep(): void {
    if (this.stopped) return;
    this.sweepTimer = this.options.clock.setTimeout(() => {
      void this.sweep().finally(() => {
        this.scheduleSweep();
      });
    }, RETENTION_SWEEP_MS);
  }

  private hasStopped(): boolean {
    return this.stopped;
  }

  private scheduleIndexMerge(afterMs: number): void {
    if (this.stopped) return;
    this.mergeTimer = this.options.clock.setTimeout(() => {
      this.mergeTimer = null;
      void this.mergeIndexes(true, 1, this.options.clock.now());
    }, afterMs);
  }

  /** One step, then the next after a pause, until the indexes are merged; then the next day's. */
  private async mergeIndexes(begin: boolean, step: number, startedAt: number): Promise<void> {
    const store = this.opened;
    if (!store || this.stopped) return;
    let more: boolean;
    try {
      more = await store.mergeSearchIndexes(begin);
    } catch (error) {
      this.options.logger.warn(`history: merging the search indexes failed: ${messageOf(error)}`);
      more = false;
    }
    // stop() may have come while the step ran.
    if (this.hasStopped()) return;
    if (more && step < INDEX_MERGE_MAX_STEPS) {
      this.mergeTimer = this.options.clock.setTimeout(() => {
        this.mergeTimer = null;
        void this.mergeIndexes(false, step + 1, startedAt);
      }, INDEX_MERGE_PAUSE_MS);
      return;
    }
    if (step > 1) this.options.logger.info(`history: search indexes merged in ${step} steps, ${this.options.clock.now() - startedAt} ms`);
    this.scheduleIndexMerge(INDEX_MERGE_EVERY_MS);
  }

  private async sweep(): Promise<void> {
    const store = this.opened;
    const days = this.options.settings().history.retentionDays;
    if (!store || days <= 0 || this.stopped) return;
    try {
      const deleted = await store.deleteStartedBefore(this.options.clock.now() - days * DAY_MS);
      if (deleted > 0) {
        this.options.logger.info(`history: ${deleted} calls older than ${days} days deleted`);
        await this.refreshSummary(true);
      }
    } catch (error) {
      this.options.logger.warn(`history: deleting old calls failed: ${messageOf(error)}`);
    }
  }

  // ------------------------------------------------------------------ contacts

  /** A contact from the UI or an import, its numbers normalised for matching. */
  contactWrite(contact: Omit<Contact, 'id'> & { id: number | null }): ContactWrite {
    const country = this.country();
    return {
      id: contact.id,
      name: contact.name.trim(),
      company: contact.company.trim(),
      email: contact.email.trim(),
      crmId: contact.crmId.trim(),
      notes: contact.notes,
      numbers: contact.numbers
        .map((n) => ({ label: n.label.trim(), number: n.number.trim() }))
        .filter((n) => n.number !== '')
        .map((n) => {
          const keys = numberKeys(n.number, country);
          return { ...n, e164: keys.e164, digits: keys.digits };
        }),
    };
  }

  store(): HistoryStore {
    return this.need();
  }

  /** The opened store, or null when there is none (not configured, or it could not be opened). */
  openedStore(): HistoryStore | null {
    return this.stopped ? null : this.opened;
  }

}
