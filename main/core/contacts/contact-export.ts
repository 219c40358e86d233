// Contacts as CSV that the importer reads back to the same contacts and that Excel opens safely:
// RFC 4180 quoting, CRLF, a UTF-8 BOM (without it Excel reads Chinese names as ANSI), and every
// cell that a spreadsheet would run as a formula defused with a leading apostrophe (OWASP's advice
// on CSV injection; the importer takes the apostrophe off again). Numbers go into Google's paired
// "Phone N - Type" / "Phone N - Value" columns, as many pairs as the contact with most numbers needs.
import type { Contact } from '../../../preload/contract.ts';

export type ExportedContact = Pick<Contact, 'name' | 'company' | 'email' | 'crmId' | 'notes' | 'numbers'>;

/** The fixed columns, in order; the importer maps each of these headers back to its field. */
const EXPORT_COLUMNS = ['Name', 'Company', 'E-mail Address', 'CRM ID', 'Notes'] as const;

// The first characters a spreadsheet reads as a formula, and our own defusing apostrophe before
// one of them (so a value that really starts with `'=` survives the round trip).
const FORMULA_START = /^'?[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: defused, then quoted when it has to be. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function exportContactsCsv(contacts: Iterable<ExportedContact>): string {
  const list = [...contacts];
  const pairs = list.reduce((most, c) => Math.max(most, c.numbers.length), 1);
  const header: string[] = [...EXPORT_COLUMNS];
  for (let i = 1; i <= pairs; i++) header.push(`Phone ${i} - Type`, `Phone ${i} - Value`);
  const lines = [header.map(csvCell).join(',')];
  for (const c of list) {
    const cells = [c.name, c.company, c.email, c.crmId, c.notes];
    for (let i = 0; i < pairs; i++) {
      const n = c.numbers[i];
      cells.push(n?.label ?? '', n?.number ?? '');
    }
    lines.push(cells.map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** `contacts-2025-03-14.csv`, by the local date of `epochMs`. */
export function contactsCsvFileName(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `contacts-${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}.csv`;
}
