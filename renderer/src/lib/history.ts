// The pure parts of the call history view: rows grouped under day headers and laid out for the
// virtualized list, the name a row shows, day labels, date-range and tag parsing. No DOM, no
// runes, so all of it is unit-tested directly.
import type { CallRecord, HistoryFilter } from '../../../preload/contract.ts';
import { ListLayout } from './virtual-list.ts';

/** Fixed heights (px) of the list's two kinds of items; the CSS uses the same numbers. */
export const ROW_HEIGHT = 56;
export const DAY_HEIGHT = 30;

/** Rows fetched per `history:query`. */
export const PAGE_SIZE = 200;

export type HistoryItem = { kind: 'day'; key: string; at: number } | { kind: 'row'; row: number };

/** The local calendar day of an instant, as `YYYY-MM-DD`. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The rows loaded so far, in the order main returned them (newest first), with a day header
 * before the first row of each day. Rows only ever append (keyset paging), so the layout grows
 * in place instead of being rebuilt per page.
 */
export class HistoryList {
  readonly rows: CallRecord[] = [];
  readonly items: HistoryItem[] = [];
  readonly layout = new ListLayout();
  /** Item index of each row. */
  readonly itemOfRow: number[] = [];
  readonly #rowById = new Map<number, number>();
  #lastDay = '';

  append(rows: readonly CallRecord[]): void {
    for (const record of rows) {
      if (this.#rowById.has(record.id)) continue;
      const day = dayKey(record.startedAt);
      if (day !== this.#lastDay) {
        this.items.push({ kind: 'day', key: day, at: record.startedAt });
        this.layout.push(DAY_HEIGHT);
        this.#lastDay = day;
      }
      const row = this.rows.length;
      this.rows.push(record);
      this.#rowById.set(record.id, row);
      this.itemOfRow.push(this.items.length);
      this.items.push({ kind: 'row', row });
      this.layout.push(ROW_HEIGHT);
    }
  }

  rowIndex(id: number): number {
    return this.#rowById.get(id) ?? -1;
  }

  byId(id: number): CallRecord | undefined {
    const i = this.#rowById.get(id);
    return i === undefined ? undefined : this.rows[i];
  }

  /** Replaces one row in place (same id, so the layout does not move). */
  patch(record: CallRecord): boolean {
    const i = this.#rowById.get(record.id);
    if (i === undefined) return false;
    this.rows[i] = record;
    return true;
  }

  /** The row at or after item index i (a day header gives its first row); -1 past the end. */
  rowAtOrAfter(item: number): number {
    for (let i = Math.max(0, item); i < this.items.length; i++) {
      const it = this.items[i];
      if (it?.kind === 'row') return it.row;
    }
    return -1;
  }

  /** A new list without the rows of these ids. */
  without(ids: readonly number[]): HistoryList {
    const gone = new Set(ids);
    const next = new HistoryList();
    next.append(this.rows.filter((r) => !gone.has(r.id)));
    return next;
  }

  get last(): CallRecord | undefined {
    return this.rows[this.rows.length - 1];
  }
}

/** What a row calls the other party: the contact, else the caller's display name, else the number. */
export function partyName(record: Pick<CallRecord, 'contact' | 'displayName' | 'numberDisplay' | 'number' | 'remoteUri'>): string {
  const contact = record.contact?.name.trim() ?? '';
  if (contact !== '') return contact;
  const display = record.displayName.trim();
  if (display !== '') return display;
  return record.numberDisplay || record.number || record.remoteUri;
}

/** The row's icon and colour: missed and failed calls stand out, the rest say which way they went. */
export type RowTone = 'missed' | 'incoming' | 'outgoing' | 'unanswered' | 'live';

export function rowTone(record: Pick<CallRecord, 'direction' | 'outcome'>): RowTone {
  switch (record.outcome) {
    case 'in-progress':
      return 'live';
    case 'missed':
      return 'missed';
    case 'rejected':
    case 'no-answer':
    case 'busy':
    case 'failed':
      return 'unanswered';
    default:
      return record.direction;
  }
}

export interface DayLabels {
  today: string;
  yesterday: string;
}

// Building an Intl.DateTimeFormat costs about a millisecond, formatting with one microseconds: a
// screen-pop with five past calls built eleven of them while the incoming call's card was drawn.
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, format);
  }
  return format;
}

/**
 * A day header: Today, Yesterday, the weekday within the last week, else the date (with the year
 * only when it is not this year). Localized by Intl for the UI's locale.
 */
export function dayLabel(at: number, now: number, locale: string, words: DayLabels): string {
  const startOf = (ms: number): number => {
    const d = new Date(ms);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  };
  // Calendar days apart; rounding absorbs the 23- and 25-hour days of DST changes.
  const days = Math.round((startOf(now) - startOf(at)) / 86_400_000);
  if (days === 0) return words.today;
  if (days === 1) return words.yesterday;
  if (days > 1 && days < 7) return dateFormat(locale, { weekday: 'long' }).format(at);
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return dateFormat(locale, sameYear ? { weekday: 'short', month: 'long', day: 'numeric' } : { year: 'numeric', month: 'long', day: 'numeric' }).format(at);
}

export function timeOfDay(at: number, locale: string): string {
  return dateFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(at);
}

export function shortDate(at: number, locale: string): string {
  return dateFormat(locale, { dateStyle: 'medium' }).format(at);
}

export function dateTime(at: number, locale: string): string {
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

/** `YYYY-MM-DD` of an <input type=date> to local midnight; null for empty or invalid. */
export function dateInputToMs(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d.getTime();
}

/** The filter's from/to for a date range picked as two inclusive days. */
export function dateRange(fromDay: string, toDay: string): Pick<HistoryFilter, 'from' | 'to'> {
  const from = dateInputToMs(fromDay);
  const toStart = dateInputToMs(toDay);
  let to: number | null = null;
  if (toStart !== null) {
    const d = new Date(toStart);
    to = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  }
  return { from, to };
}

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 40;

/** Tags typed as a comma-separated list: trimmed, no empties, no duplicates, within the limits. */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  const kept = new Set<string>();
  for (const raw of text.split(/[,，;\n]/)) {
    const tag = raw.trim().slice(0, MAX_TAG_LENGTH);
    if (tag === '' || kept.has(tag.toLowerCase()) || out.length >= MAX_TAGS) continue;
    kept.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

/** Wrap-up codes offered in the details panel; any other text the user types is kept as is. */
export const DISPOSITIONS = ['sale', 'support', 'follow-up', 'complaint', 'wrong-number', 'voicemail'] as const;

/** A wrap-up code's catalog text, or the code itself when the user typed one of their own. */
export function dispositionText(t: (key: string) => string, code: string): string {
  const key = `history.dispositions.${code}`;
  const text = t(key);
  return text === key ? code : text;
}
