// Seeded fuzzing of the contact importers with random and mutated CSV and vCard text. For every
// input: nothing throws, every row is a draft or skipped with an error naming it (the counts add
// up), every draft is a valid Contact and every error a valid ImportRowError, and each input
// takes milliseconds.
import { describe, expect, it } from 'vitest';
import { Contact, ImportRowError } from '../../../preload/contract.ts';
import { draftToContact } from '../../../main/core/contacts/contact-draft.ts';
import { exportContactsCsv } from '../../../main/core/contacts/contact-export.ts';
import { importCsv, importVcard, type ContactImport } from '../../../main/core/contacts/contact-import.ts';
import { CHINESE_CSV, FRENCH_CSV, GERMAN_CSV, GOOGLE_CSV_NEW, GOOGLE_CSV_OLD, ICLOUD_VCF, OUTLOOK_CSV, VCARD21_VCF, VCARD4_VCF } from './samples.ts';

/** mulberry32: small, seeded, good enough to spread inputs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Next = () => number;
const int = (next: Next, n: number): number => Math.floor(next() * n);
function pick<T>(items: readonly T[], next: Next): T {
  const item = items[int(next, items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

// Pieces that steer random text towards the parsers' interesting paths.
const CSV_PIECES = [',', ',', ';', '\t', '"', '"', '""', '\r\n', '\n', '\r', ' ', "'", '=', '+', '-', '@', ' ::: ', 'Name', 'Phone', 'Mobile Phone',
  'Phone 1 - Type', 'Phone 1 - Value', 'Company', 'E-mail Address', 'Notes', '姓名', '手机', 'Firma', 'Bob', '+1 555 0100', 'x'.repeat(300),
  '\uFEFF', '\u202E', '\u0000', '\uD83D', '\uDE00', 'é', '５５５'];
const VCARD_PIECES = ['BEGIN:VCARD', 'END:VCARD', 'VERSION:3.0', 'VERSION:2.1', 'FN:', 'N:', 'ORG:', 'TEL', 'TEL;TYPE=cell:', 'TEL;VALUE=uri:tel:',
  ';ext=', 'EMAIL:', 'NOTE:', 'X-CRM-ID:', 'UID:', 'item1.', 'X-ABLabel:', ';', ':', ',', '=', '"', '\\', '\\n', '\\,', '^', ' ', '\t', '\r\n',
  '\n', 'ENCODING=QUOTED-PRINTABLE', 'CHARSET=ISO-8859-1', ';ENCODING=b', '=C3=BC', '=\r\n', 'Bob', '+1 555 0100', 'x'.repeat(600), '\uFEFF', '\uD83D'];

function randomText(pieces: readonly string[], next: Next, maxPieces: number): string {
  let out = '';
  const count = 1 + int(next, maxPieces);
  for (let i = 0; i < count; i++) out += next() < 0.85 ? pick(pieces, next) : String.fromCharCode(int(next, 0x3000));
  return out;
}

const VCARD_NAMES = ['FN', 'N', 'ORG', 'TEL', 'EMAIL', 'NOTE', 'X-CRM-ID', 'UID', 'item1.TEL', 'item1.X-ABLabel', 'PHOTO', 'VERSION', 'tel', 'X-', '1.', ''];
const VCARD_PARAMS = [';TYPE=cell', ';type=WORK;type=pref', ';TYPE="work,voice"', ';PREF=1', ';VALUE=uri', ';CELL', ';ENCODING=QUOTED-PRINTABLE', ';CHARSET=UTF-8',
  ';ENCODING=b', ';X="a:b', ';', ';=', ''];

/** Cards line by line: mostly well-formed properties, with missing ENDs, stray lines and folds. */
function randomVcard(next: Next): string {
  const lines: string[] = [];
  const count = 1 + int(next, 40);
  for (let i = 0; i < count; i++) {
    const r = next();
    if (r < 0.12) lines.push('BEGIN:VCARD');
    else if (r < 0.22) lines.push('END:VCARD');
    else if (r < 0.3) lines.push(randomText(VCARD_PIECES, next, 6));
    else if (r < 0.35) lines.push(` ${randomText(VCARD_PIECES, next, 4)}`);
    else {
      const params = Array.from({ length: int(next, 3) }, () => pick(VCARD_PARAMS, next)).join('');
      lines.push(`${pick(VCARD_NAMES, next)}${params}:${randomText(VCARD_PIECES, next, 5)}`);
    }
  }
  if (next() < 0.8) lines.unshift('BEGIN:VCARD');
  if (next() < 0.8) lines.push('END:VCARD');
  return lines.join(next() < 0.5 ? '\r\n' : '\n');
}

/** One to four edits: overwrite, truncate, insert, delete or duplicate a run. */
function mutate(source: string, pieces: readonly string[], next: Next): string {
  let text = source;
  const at = (): number => int(next, Math.max(1, text.length));
  const edits = 1 + int(next, 4);
  for (let e = 0; e < edits; e++) {
    const op = int(next, 5);
    const i = at();
    if (op === 0) text = text.slice(0, i) + pick(pieces, next) + text.slice(i + 1);
    else if (op === 1) text = text.slice(0, i);
    else if (op === 2) text = text.slice(0, i) + pick(pieces, next) + text.slice(i);
    else if (op === 3) text = text.slice(0, i) + text.slice(i + 1 + int(next, 40));
    else {
      const from = at();
      text = text.slice(0, i) + text.slice(from, from + 1 + int(next, 80)) + text.slice(i);
    }
  }
  return text;
}

interface Outcome {
  inputs: number;
  drafts: number;
  errors: number;
  problems: number;
  slowestMs: number;
  failures: string[];
}

function check(run: (text: string) => ContactImport, text: string, o: Outcome): void {
  o.inputs++;
  const started = performance.now();
  let result: ContactImport;
  try {
    result = run(text);
  } catch (error) {
    o.failures.push(`threw ${String(error)} on ${JSON.stringify(text.slice(0, 300))}`);
    return;
  }
  let ms = performance.now() - started;
  // A slow input is timed again: on a busy machine a pause of the process is not the parser's.
  for (let k = 0; k < 2 && ms > 50; k++) {
    const again = performance.now();
    run(text);
    ms = Math.min(ms, performance.now() - again);
  }
  o.slowestMs = Math.max(o.slowestMs, ms);
  const fail = (why: string): void => {
    if (o.failures.length < 10) o.failures.push(`${why} on ${JSON.stringify(text.slice(0, 300))}`);
  };
  o.drafts += result.drafts.length;
  o.errors += result.errors.length;
  if (result.drafts.length + result.skipped !== result.total) fail('drafts + skipped != total');
  if (result.problem !== null) {
    o.problems++;
    if (result.drafts.length > 0 || result.errors.length > 0) fail('a problem file with rows');
    return;
  }
  const draftRows = new Set<number>();
  let last = 0;
  for (const d of result.drafts) {
    if (d.row <= last) fail('draft rows not increasing');
    last = d.row;
    draftRows.add(d.row);
    if (!Contact.safeParse(draftToContact(d)).success) fail(`invalid draft ${JSON.stringify(d)}`);
  }
  const skippedRows = new Set<number>();
  for (const e of result.errors) {
    if (!ImportRowError.safeParse(e).success) fail(`invalid error ${JSON.stringify(e)}`);
    if (e.row < 1) fail('error row below 1');
    if (!draftRows.has(e.row)) skippedRows.add(e.row);
  }
  if (skippedRows.size !== result.skipped) fail(`${result.skipped} skipped but ${skippedRows.size} rows with errors and no draft`);
}

const CSV_SAMPLES = [
  OUTLOOK_CSV,
  GOOGLE_CSV_OLD,
  GOOGLE_CSV_NEW,
  GERMAN_CSV,
  FRENCH_CSV,
  CHINESE_CSV,
  exportContactsCsv([
    { name: 'A', company: 'B, Inc.', email: 'a@b', crmId: '1', notes: 'x\n"y"', numbers: [{ label: 'work', number: '+1 555 0100' }, { label: 'm', number: '2' }] },
  ]),
];
const VCARD_SAMPLES = [ICLOUD_VCF, VCARD4_VCF, VCARD21_VCF];

function run(count: number, make: (next: Next) => string, parse: (text: string) => ContactImport, seed: number): Outcome {
  const next = random(seed);
  const o: Outcome = { inputs: 0, drafts: 0, errors: 0, problems: 0, slowestMs: 0, failures: [] };
  for (let i = 0; i < count; i++) check(parse, make(next), o);
  return o;
}

describe('fuzzing contact files: 20000 inputs, seeded', () => {
  it('random CSV text: 5000', () => {
    // Half of them under a header we know, so rows get past the column mapping.
    const headers = ['Name,Phone,Company', 'First Name;Last Name;Mobile Phone;Notes', '姓名\t手机\t公司', 'Name,Phone 1 - Type,Phone 1 - Value,E-mail 1 - Value'];
    const o = run(5000, (next) => (next() < 0.5 ? `${pick(headers, next)}\r\n` : '') + randomText(CSV_PIECES, next, 120), (t) => importCsv(t), 0xc5f);
    expect(o.failures).toEqual([]);
    expect(o.inputs).toBe(5000);
    expect(o.drafts).toBeGreaterThan(2000);
    expect(o.errors).toBeGreaterThan(1000);
    expect(o.slowestMs).toBeLessThan(250);
  });

  it('mutated real CSV exports: 5000', () => {
    const o = run(5000, (next) => mutate(pick(CSV_SAMPLES, next), CSV_PIECES, next), (t) => importCsv(t), 0x5eed);
    expect(o.failures).toEqual([]);
    expect(o.drafts).toBeGreaterThan(5000);
    expect(o.errors).toBeGreaterThan(500);
    expect(o.slowestMs).toBeLessThan(250);
  });

  it('random vCard text: 5000', () => {
    const o = run(5000, randomVcard, (t) => importVcard(t), 0xcafe);
    expect(o.failures).toEqual([]);
    expect(o.drafts).toBeGreaterThan(1000);
    expect(o.errors).toBeGreaterThan(5000);
    expect(o.slowestMs).toBeLessThan(250);
  });

  it('mutated real vCards, and CSV text read as vCard and back: 5000', () => {
    const o = run(4000, (next) => mutate(pick(VCARD_SAMPLES, next), VCARD_PIECES, next), (t) => importVcard(t), 0xbeef);
    expect(o.failures).toEqual([]);
    expect(o.drafts).toBeGreaterThan(4000);
    expect(o.errors).toBeGreaterThan(500);
    expect(o.slowestMs).toBeLessThan(250);
    const crossed = run(1000, (next) => (next() < 0.5 ? pick(CSV_SAMPLES, next) : pick(VCARD_SAMPLES, next)), (t) => (t.startsWith('BEGIN') ? importCsv(t) : importVcard(t)), 7);
    expect(crossed.failures).toEqual([]);
    expect(crossed.problems).toBe(1000);
  });
});
