// The history port: call records and contacts in a database the host provides (SQLite through
// better-sqlite3 in main/host/history; the core never imports a native module). Numbers arrive
// here already normalised by the core (main/core/numbers): `e164` for phone numbers, `digits` for
// every number (all its digits, for "4567 finds +1 555 123 4567" searches).
import type { CallDirection, CallOutcome, CallRecord, Contact, ContactSummary, HistoryFilter, WebhookDelivery } from '../../../preload/contract.ts';

/** A call record as stored: what CallRecord has minus what the core adds for display. */
export type StoredCallRecord = Omit<CallRecord, 'numberDisplay' | 'contact'> & {
  digits: string;
  /** The contact whose number equals this record's e164 (or, without e164, its digits). */
  contact: ContactSummary | null;
};

export interface CallRecordInsert {
  callId: string;
  direction: CallDirection;
  account: string;
  remoteUri: string;
  number: string;
  e164: string | null;
  digits: string;
  displayName: string;
  startedAt: number;
}

export interface CallRecordPatch {
  displayName?: string;
  answeredAt?: number | null;
  endedAt?: number | null;
  durationS?: number | null;
  outcome?: CallOutcome;
  transferTarget?: string | null;
  unseen?: boolean;
}

export interface WrapUp {
  notes?: string;
  disposition?: string;
  tags?: string[];
}

export interface StoreHistoryQuery {
  /** Words to find in names, notes, tags and the contact's company (3+ characters match anywhere). */
  words: string[];
  /** Digits to find anywhere in the number ('' for none): "(555) 123-4567" arrives as 5551234567. */
  digits: string;
  filter: HistoryFilter;
  beforeId: number | null;
  limit: number;
}

/** A contact's number as stored. */
export interface StoredContactNumber {
  label: string;
  number: string;
  e164: string | null;
  digits: string;
}

export interface ContactWrite {
  id: number | null;
  name: string;
  company: string;
  email: string;
  crmId: string;
  notes: string;
  numbers: StoredContactNumber[];
}

export interface StoreContactQuery {
  /** Word prefixes over names and companies. */
  words: string[];
  /** Digits anywhere in any of the contact's numbers ('' for none). */
  digits: string;
  after: { name: string; id: number } | null;
  limit: number;
}

export interface NumberLookup {
  /** Exact E.164 match first; else the contact whose number shares the longest digit suffix (at least 7 digits). */
  contact: (ContactSummary & { notes: string; email: string }) | null;
  /** Newest first, at most `recentLimit`, not counting `excludeCallId`. */
  recent: StoredCallRecord[];
  totalCalls: number;
  lastCallAt: number | null;
}

export interface HistoryOpenResult {
  /** The file was unreadable or corrupt: where it was moved (with its -wal and -shm). */
  movedAside: string | null;
  /** The schema version found before migrating; null for a new file. */
  migratedFrom: number | null;
  /** Records left 'in-progress' by a previous run that stopped mid-call, now closed. */
  closedStale: number;
}

/**
 * A webhook delivery as queued: the event itself (its JSON); the URL and the body are built from
 * the webhook's settings at each attempt, so a corrected URL or template reaches waiting ones.
 */
export interface DeliveryInsert {
  hookId: string;
  eventId: string;
  eventType: string;
  callId: string;
  event: string;
  createdAt: number;
}

export type StoredDelivery = WebhookDelivery & { eventId: string; event: string };

/** The outcome of one attempt: delivered, to be retried at nextAt, or given up (nextAt null). */
export interface DeliveryAttempt {
  at: number;
  delivered: boolean;
  status: number | null;
  error: string | null;
  nextAt: number | null;
}

export interface HistoryStore {
  /** Opens or creates the database; migrates (after a backup copy); sets a corrupt one aside. */
  open(): Promise<HistoryOpenResult>;
  close(): Promise<void>;

  insertCall(record: CallRecordInsert): Promise<number>;
  updateCall(id: number, patch: CallRecordPatch): Promise<void>;
  getCall(id: number): Promise<StoredCallRecord | null>;
  queryCalls(query: StoreHistoryQuery): Promise<{ rows: StoredCallRecord[]; hasMore: boolean }>;
  wrapUp(id: number, change: WrapUp): Promise<StoredCallRecord | null>;
  deleteCalls(ids: readonly number[]): Promise<number>;
  clearCalls(): Promise<number>;
  /** Deletes calls that started before `epochMs`; returns how many. */
  deleteStartedBefore(epochMs: number): Promise<number>;
  /** One bounded step of compacting the search indexes (`begin` starts a full merge); true while work remains. */
  mergeSearchIndexes(begin: boolean): Promise<boolean>;
  markMissedSeen(): Promise<void>;
  unseenMissed(): Promise<number>;

  lookupNumber(e164: string | null, digits: string, excludeCallId: string | null, recentLimit: number): Promise<NumberLookup>;

  queryContacts(query: StoreContactQuery): Promise<{ contacts: Contact[]; hasMore: boolean }>;
  saveContact(contact: ContactWrite): Promise<Contact>;
  deleteContact(id: number): Promise<boolean>;
  /** Writes contacts in batches inside transactions; reports progress after each batch. */
  importContacts(contacts: readonly ContactWrite[], onProgress: (done: number) => void): Promise<number>;
  /** Every contact, by name. */
  allContacts(): Promise<Contact[]>;
  /** Every contact, by name, as the CSV the export gives (exportContactsCsv). */
  contactsCsv(): Promise<string>;

  // Webhook deliveries: the durable queue of main/core/cti/webhooks.ts.
  /**
   * Queues deliveries in order; returns their ids. A webhook with more than `maxPending` waiting
   * loses its oldest (marked dropped, kept in the log). Finished deliveries older than a week go.
   */
  queueDeliveries(items: readonly DeliveryInsert[], maxPending: number): Promise<number[]>;
  /** The oldest waiting delivery of each webhook: each webhook's deliveries go out in order, one at a time. */
  pendingHeads(): Promise<StoredDelivery[]>;
  recordAttempt(id: number, attempt: DeliveryAttempt): Promise<void>;
  /** The waiting delivery of a webhook is due now. */
  retryNow(hookId: string, at: number): Promise<void>;
  /** Waiting deliveries of webhooks not in `keepHookIds` are dropped; returns how many. */
  dropDeliveries(keepHookIds: readonly string[], at: number): Promise<number>;
  /** Newest first; and how many wait per webhook. */
  deliveryLog(hookId: string | null, limit: number): Promise<{ deliveries: StoredDelivery[]; pending: Record<string, number> }>;
}
