// What every import format shares: a contact as read from one row or card (raw text, each value
// with the column or property it came from), and the one place that turns it into a draft the
// store can take, or into the errors that say why the row cannot be imported. Numbers stay text:
// the core normalises them (E.164) when it writes.
import { Contact, ContactNumber, type ImportRowError } from '../../../preload/contract.ts';
import { plainText } from '../plain-text.ts';

/** A contact ready to be written, and the row (CSV line or vCard card number) it came from. */
export interface ContactDraft {
  row: number;
  contact: Omit<Contact, 'id'>;
}

/** One value and where it came from (a column header, a vCard property), for error texts. */
export interface SourcedValue {
  source: string;
  value: string;
}

export interface RawNumber extends SourcedValue {
  /** Already canonical ('mobile', 'work', ...) or a custom label. */
  label: string;
}

export interface RawContact {
  row: number;
  /** The row or card as text, for errors about the whole of it (built only when needed). */
  text: () => string;
  name?: SourcedValue;
  firstName?: SourcedValue;
  middleName?: SourcedValue;
  lastName?: SourcedValue;
  company?: SourcedValue;
  email?: SourcedValue;
  crmId?: SourcedValue;
  notes?: SourcedValue;
  numbers: RawNumber[];
}

/**
 * A raw contact with every field present (undefined until read), so all of them share one shape
 * and reading 100,000 of them stays fast.
 */
export function emptyRawContact(row: number, text: () => string): RawContact {
  return {
    row,
    text,
    name: undefined,
    firstName: undefined,
    middleName: undefined,
    lastName: undefined,
    company: undefined,
    email: undefined,
    crmId: undefined,
    notes: undefined,
    numbers: [],
  };
}

export interface DraftOptions {
  /** Contacts without a usable number become `no-number` errors instead of drafts. */
  requireNumber: boolean;
}

export type DraftOutcome =
  | { draft: ContactDraft; errors: ImportRowError[] }
  | { draft: null; errors: [ImportRowError, ...ImportRowError[]] };

function maxOf(schema: { maxLength: number | null }, fallback: number): number {
  return schema.maxLength ?? fallback;
}

/** The contract's limits, read from its schemas so the two cannot drift. */
export const LIMITS = {
  name: maxOf(Contact.shape.name, 512),
  company: maxOf(Contact.shape.company, 512),
  email: maxOf(Contact.shape.email, 512),
  crmId: maxOf(Contact.shape.crmId, 256),
  notes: maxOf(Contact.shape.notes, 10_000),
  label: maxOf(ContactNumber.shape.label, 64),
  number: maxOf(ContactNumber.shape.number, 256),
  /** Contact.numbers is `.max(32)`; zod keeps an array's maximum only inside its checks. */
  numbers: 32,
  /** ImportRowError.text */
  errorText: 200,
} as const;

const EXCERPT_SPACES = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s]+/gu;

/** Text for an error report: one line, hidden characters gone, at most 200 characters. */
function excerpt(text: string): string {
  let out = text.slice(0, LIMITS.errorText * 4).replace(EXCERPT_SPACES, ' ').trim();
  if (out.length > LIMITS.errorText) {
    out = out.slice(0, LIMITS.errorText);
    // Never end on half a surrogate pair.
    if (/[\uD800-\uDBFF]$/.test(out)) out = out.slice(0, -1);
  }
  return out;
}

export function rowError(row: number, code: ImportRowError['code'], text: string): ImportRowError {
  return { row, code, text: excerpt(text) };
}

const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** True when every character is printable ASCII: nothing hidden, no regex needed. */
function printableAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** A one-line value: hidden characters removed and trimmed, never shortened. */
export function cleanLine(value: string): string {
  // Most values have nothing hidden; checking first spares a copy of each.
  if (printableAscii(value) || !HIDDEN.test(value)) return value.trim();
  return plainText(value, Number.MAX_SAFE_INTEGER);
}

const NOTE_HIDDEN = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Notes keep their line breaks (as \n), tabs and the first line's indent; other hidden characters,
 * leading blank lines and trailing white space go.
 */
function cleanNotes(value: string): string {
  if (value === '') return value;
  return value
    .replace(/\r\n?/g, '\n')
    .replace(NOTE_HIDDEN, '')
    .replace(/^(?:[ \t]*\n)+/, '')
    .trimEnd();
}

const LABELS = new Map<string, string>([
  ['mobile', 'mobile'],
  ['cell', 'mobile'],
  ['cellular', 'mobile'],
  ['iphone', 'mobile'],
  ['car', 'mobile'],
  ['work', 'work'],
  ['business', 'work'],
  ['office', 'work'],
  ['home', 'home'],
  ['private', 'home'],
  ['main', 'main'],
  ['primary', 'main'],
  ['fax', 'fax'],
  ['workfax', 'fax'],
  ['homefax', 'fax'],
  ['otherfax', 'fax'],
  ['pager', 'pager'],
  ['other', 'other'],
  ['voice', 'other'],
]);

/**
 * The label a number is stored with: the common words of Google, Apple and Outlook as one of
 * work, mobile, home, main, fax, pager, other; anything else kept as the user wrote it.
 */
export function canonicalLabel(text: string): string {
  // Google marks the primary number "* Mobile"; Apple wraps its own labels as _$!<Mobile>!$_.
  const bare = cleanLine(text.replace(/^\s*\*\s*/, '').replace(/^_\$!<(.*)>!\$_$/, '$1'));
  if (bare === '') return 'other';
  return LABELS.get(bare.toLowerCase().replace(/[\s_-]+/g, '')) ?? bare;
}

const SIP_URI = /^sips?:/i;
const DIGIT = /\p{Nd}/u;
const CJK_ONLY = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+$/u;

/** The contact's name: the full-name column, else the parts, else ''. */
function nameFrom(raw: RawContact): string {
  const full = cleanLine(raw.name?.value ?? '');
  if (full !== '') return full;
  const first = cleanLine(raw.firstName?.value ?? '');
  const middle = cleanLine(raw.middleName?.value ?? '');
  const last = cleanLine(raw.lastName?.value ?? '');
  // Chinese, Japanese and Korean names put the family name first, without a space.
  if (middle === '' && first !== '' && last !== '' && CJK_ONLY.test(first) && CJK_ONLY.test(last)) return last + first;
  let out = first;
  if (middle !== '') out = out === '' ? middle : `${out} ${middle}`;
  if (last !== '') out = out === '' ? last : `${out} ${last}`;
  return out;
}

/** Where the name came from, for a report. */
function nameSource(raw: RawContact): string {
  if (raw.name !== undefined && cleanLine(raw.name.value) !== '') return raw.name.source;
  return [raw.firstName, raw.middleName, raw.lastName]
    .filter((f) => f !== undefined)
    .map((f) => f.source)
    .join(' + ');
}

function describe(source: string, value: string): string {
  return source === '' ? value : `${source}: ${value}`;
}

/** A row or card as a draft, or the errors that keep it out. Never cuts a value short. */
export function buildDraft(raw: RawContact, options: DraftOptions): DraftOutcome {
  const errors: ImportRowError[] = [];
  let skip = false;
  const tooLong = (source: string, value: string): void => {
    errors.push(rowError(raw.row, 'too-long', describe(source, value)));
    skip = true;
  };
  const checked = (field: SourcedValue | undefined, max: number): string => {
    const value = cleanLine(field?.value ?? '');
    if (value.length > max) tooLong(field?.source ?? '', value);
    return value;
  };

  const company = checked(raw.company, LIMITS.company);
  let name = nameFrom(raw);
  let source = '';
  if (name === '' && company !== '') {
    name = company;
    source = raw.company?.source ?? '';
  } else if (name.length > LIMITS.name) source = nameSource(raw);
  if (name === '') {
    errors.push(rowError(raw.row, 'no-name', raw.text()));
    skip = true;
  } else if (name.length > LIMITS.name) tooLong(source, name);
  const email = checked(raw.email, LIMITS.email);
  const crmId = checked(raw.crmId, LIMITS.crmId);
  const notes = cleanNotes(raw.notes?.value ?? '');
  if (notes.length > LIMITS.notes) tooLong(raw.notes?.source ?? '', notes);

  const numbers: { label: string; number: string }[] = [];
  for (const n of raw.numbers) {
    const number = cleanLine(n.value);
    if (number === '') continue;
    if (!DIGIT.test(number) && !SIP_URI.test(number)) {
      // Not a number at all ("n/a", "see notes"): reported, and the contact imports without it.
      errors.push(rowError(raw.row, 'invalid-number', describe(n.source, number)));
      continue;
    }
    if (number.length > LIMITS.number) tooLong(n.source, number);
    const label = cleanLine(n.label);
    if (label.length > LIMITS.label) tooLong(n.source, label);
    numbers.push({ label, number });
  }
  if (numbers.length > LIMITS.numbers) tooLong(`${numbers.length} numbers`, numbers.map((n) => n.number).join(', '));
  if (!skip && numbers.length === 0 && options.requireNumber) {
    errors.push(rowError(raw.row, 'no-number', raw.text()));
    skip = true;
  }

  if (skip && isNonEmpty(errors)) return { draft: null, errors };
  return { draft: { row: raw.row, contact: { name, company, email, crmId, notes, numbers } }, errors };
}

function isNonEmpty<T>(list: T[]): list is [T, ...T[]] {
  return list.length > 0;
}

/** A draft as the contract's Contact (the preview's sample). */
export function draftToContact(draft: ContactDraft): Contact {
  return { id: null, ...draft.contact };
}
