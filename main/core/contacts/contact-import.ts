// Contacts from a file, as drafts plus a report: every row (CSV record, vCard card) is either a
// draft or skipped with at least one error naming its row, so `drafts + skipped = total` always.
// Pure: text in, data out; the core does the I/O, the number normalisation and the writing.
import type { ImportFormat, ImportRowError } from '../../../preload/contract.ts';
import { buildDraft, rowError, type ContactDraft, type DraftOptions, type RawContact } from './contact-draft.ts';
import { canNameContacts, mapColumns, rawFromRecord, type ColumnRole, type ImportColumn } from './csv-columns.ts';
import { csvItems, sniffDelimiter, stripBom } from './csv.ts';
import { rawFromCard, vcardItems } from './vcard.ts';

/**
 * Why a whole file cannot be imported (the preview shows this instead of rows):
 * - `empty`: nothing but blank lines;
 * - `no-columns`: a CSV whose header names no column for a name or a company (a file without a
 *   header, or not a contacts list);
 * - `no-cards`: a vCard file with no BEGIN:VCARD at all.
 */
export type ImportProblem = 'empty' | 'no-columns' | 'no-cards';

export interface ContactImport {
  format: ImportFormat;
  drafts: ContactDraft[];
  /** In file order. A draft's row may have errors too (an unusable number it was imported without). */
  errors: ImportRowError[];
  /** CSV: each header and the field it fills ('' for ignored columns); [] for vCard. */
  columns: ImportColumn[];
  /** Rows (CSV records after the header, blank ones not counted) or cards in the file. */
  total: number;
  /** Rows that gave no draft: total - drafts.length. */
  skipped: number;
  /** Drafts without a phone number: they import, but no call will ever match them. */
  withoutNumber: number;
  problem: ImportProblem | null;
}

export interface ImportOptions {
  /** Skip contacts without a usable phone number (as `no-number`) instead of importing them. */
  requireNumber?: boolean;
}

function draftOptions(options: ImportOptions | undefined): DraftOptions {
  return { requireNumber: options?.requireNumber ?? false };
}

class Collector {
  readonly drafts: ContactDraft[] = [];
  readonly errors: ImportRowError[] = [];
  total = 0;
  skipped = 0;
  withoutNumber = 0;

  constructor(private readonly options: DraftOptions) {}

  add(raw: RawContact): void {
    this.total++;
    const outcome = buildDraft(raw, this.options);
    this.errors.push(...outcome.errors);
    if (outcome.draft === null) {
      this.skipped++;
      return;
    }
    if (outcome.draft.contact.numbers.length === 0) this.withoutNumber++;
    this.drafts.push(outcome.draft);
  }

  /** A row of a file that cannot be imported as a whole (`problem`): counted, not reported. */
  count(): void {
    this.total++;
    this.skipped++;
  }

  skip(error: ImportRowError): void {
    this.total++;
    this.skipped++;
    this.errors.push(error);
  }

  result(format: ImportFormat, columns: ImportColumn[], problem: ImportProblem | null): ContactImport {
    if (problem !== null) {
      return { format, drafts: [], errors: [], columns, total: this.total, skipped: this.total, withoutNumber: 0, problem };
    }
    const { drafts, errors, total, skipped, withoutNumber } = this;
    return { format, drafts, errors, columns, total, skipped, withoutNumber, problem };
  }
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

export function importCsv(text: string, options?: ImportOptions): ContactImport {
  const body = stripBom(text);
  const out = new Collector(draftOptions(options));
  if (!/\S/.test(body)) return out.result('csv', [], 'empty');
  const delimiter = sniffDelimiter(body);
  let roles: ColumnRole[] | null = null;
  let columns: ImportColumn[] = [];
  let problem: ImportProblem | null = null;

  for (const item of csvItems(body, delimiter)) {
    if (item.kind === 'malformed') {
      out.skip(rowError(item.line, 'malformed', item.text));
      continue;
    }
    if (roles === null) {
      roles = mapColumns(item.fields);
      columns = roles.map((r) => ({ header: r.header, field: r.field }));
      if (!canNameContacts(roles)) problem = 'no-columns';
      continue;
    }
    const { fields, line } = item;
    if (isBlank(fields)) continue;
    if (problem !== null) {
      out.count();
      continue;
    }
    const rowText = (): string => fields.join(delimiter);
    // More cells than headers, and text in the extra ones: an unquoted delimiter has shifted the
    // columns, so no cell can be trusted to be what its header says.
    if (fields.length > roles.length && !isBlank(fields.slice(roles.length))) {
      out.skip(rowError(line, 'malformed', rowText()));
      continue;
    }
    out.add(rawFromRecord(roles, fields, line, rowText));
  }
  return out.result('csv', columns, problem);
}

export function importVcard(text: string, options?: ImportOptions): ContactImport {
  const out = new Collector(draftOptions(options));
  if (!/\S/.test(text)) return out.result('vcard', [], 'empty');
  let cards = 0;
  for (const item of vcardItems(text)) {
    if (item.kind === 'garbage') {
      out.skip(rowError(item.number, 'malformed', item.text));
      continue;
    }
    cards++;
    if (!item.complete) {
      out.skip(rowError(item.number, 'malformed', item.text()));
      continue;
    }
    // A line we cannot read is reported; the card still imports what it could read.
    for (const line of item.unreadable) out.errors.push(rowError(item.number, 'malformed', line));
    out.add(rawFromCard(item.properties, item.number, item.text));
  }
  return out.result('vcard', [], cards === 0 ? 'no-cards' : null);
}

/** 'vcard' when the first non-blank line is BEGIN:VCARD, else 'csv'. */
export function detectFormat(text: string): ImportFormat {
  return /^\s*BEGIN:VCARD\s*$/im.test(stripBom(text).trimStart().split(/\r\n|\r|\n/, 1)[0] ?? '') ? 'vcard' : 'csv';
}

/** Either format; fits the core's import parser: `(format, text) => ParsedImport`. */
export function parseContactsFile(format: ImportFormat, text: string, options?: ImportOptions): ContactImport {
  return format === 'vcard' ? importVcard(text, options) : importCsv(text, options);
}
