// A vCard reader for 2.1, 3.0 and 4.0 (RFC 2425/2426, RFC 6350): unfolding, groups, parameters
// (TYPE lists, quoted values, 2.1's bare types, RFC 6868 ^-escapes), escaped text, and
// QUOTED-PRINTABLE with a CHARSET from 2.1. Cards are numbered in file order; text between cards
// that is no card takes a number too, so every part of the file is either read or reported.
import { canonicalLabel, emptyRawContact, type RawContact, type RawNumber, type SourcedValue } from './contact-draft.ts';

export interface VcardProperty {
  /** `item1` of `item1.TEL`, lower case; '' without a group. */
  group: string;
  /** Upper case: TEL, FN, X-ABLABEL. */
  name: string;
  /** Parameter names upper case; values as written, quotes removed, lists split at commas. */
  params: Map<string, string[]>;
  /** The raw value (still escaped). */
  value: string;
}

export type VcardItem =
  | {
      kind: 'card';
      /** 1-based position among cards and unreadable blocks. */
      number: number;
      /** The properties a contact is made of (FN, N, ORG, EMAIL, TEL, NOTE, X-CRM-ID, UID, X-ABLABEL). */
      properties: VcardProperty[];
      /** Property lines that could not be read. */
      unreadable: string[];
      /** False when the card never reached END:VCARD. */
      complete: boolean;
      /** The first lines of the card, for reports. */
      text: () => string;
    }
  | { kind: 'garbage'; number: number; text: string };

const BEGIN = /^BEGIN:VCARD$/i;
const END = /^END:VCARD$/i;
const NAME = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)$/;

function isQuotedPrintable(line: string): boolean {
  const colon = line.indexOf(':');
  return colon > 0 && /QUOTED-PRINTABLE/i.test(line.slice(0, colon));
}

/** Physical lines joined back into logical ones (folding, and 2.1's soft line breaks), one by one. */
function* logicalLines(text: string): Generator<string> {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const n = src.length;
  let current: string | null = null;
  let pos = 0;
  while (pos <= n) {
    let end = pos;
    while (end < n) {
      const c = src.charCodeAt(end);
      if (c === 0x0a || c === 0x0d) break;
      end++;
    }
    const line = src.slice(pos, end);
    pos = src.charCodeAt(end) === 0x0d && src.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
    if (current !== null && current.endsWith('=') && isQuotedPrintable(current)) {
      current = current.slice(0, -1) + line;
      continue;
    }
    if (current !== null && (line.startsWith(' ') || line.startsWith('\t'))) {
      current += line.slice(1);
      continue;
    }
    if (current !== null) yield current;
    current = line;
  }
  if (current !== null) yield current;
}

function cardText(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) {
    if (out.length > 400) break;
    out += (out === '' ? '' : ' | ') + line.slice(0, 400);
  }
  return out;
}

function lazyText(lines: readonly string[]): () => string {
  return () => cardText(lines);
}

const BASE64 = /^(?:B|BASE64)$/i;
const USED: ReadonlySet<string> = new Set(['FN', 'N', 'ORG', 'EMAIL', 'TEL', 'NOTE', 'X-CRM-ID', 'UID', 'X-ABLABEL']);

/** Cards and unreadable blocks, in file order. */
export function* vcardItems(text: string): Generator<VcardItem> {
  let number = 0;
  let card: { lines: string[]; properties: VcardProperty[]; unreadable: string[]; base64: boolean } | null = null;
  let garbage: string[] = [];

  const flushGarbage = function* (): Generator<VcardItem> {
    if (garbage.length === 0) return;
    yield { kind: 'garbage', number: ++number, text: cardText(garbage) };
    garbage = [];
  };

  for (const raw of logicalLines(text)) {
    const line = raw.trim();
    if (card === null) {
      if (line === '') continue;
      if (BEGIN.test(line)) {
        yield* flushGarbage();
        card = { lines: [], properties: [], unreadable: [], base64: false };
        number++;
      } else garbage.push(line);
      continue;
    }
    if (END.test(line) || BEGIN.test(line)) {
      const complete = END.test(line);
      yield { kind: 'card', number, properties: card.properties, unreadable: card.unreadable, complete, text: lazyText(card.lines) };
      card = null;
      if (!complete) {
        card = { lines: [], properties: [], unreadable: [], base64: false };
        number++;
      }
      continue;
    }
    if (line === '') {
      card.base64 = false;
      continue;
    }
    if (card.lines.length < 8) card.lines.push(line);
    const property = parseProperty(line);
    if (property) {
      // Only what a contact is made of stays in memory; a file can hold 100,000 cards.
      if (USED.has(property.name)) card.properties.push(property);
      card.base64 = (property.params.get('ENCODING') ?? []).some((e) => BASE64.test(e));
    } else if (!card.base64) card.unreadable.push(line);
    // else: 2.1 writes base64 data (PHOTO) on unindented lines up to a blank line.
  }
  if (card !== null) yield { kind: 'card', number, properties: card.properties, unreadable: card.unreadable, complete: false, text: lazyText(card.lines) };
  yield* flushGarbage();
}

// 2.1 lets a parameter be a bare value: `TEL;WORK;VOICE:` or `NOTE;QUOTED-PRINTABLE:`.
const BARE_ENCODINGS = /^(?:QUOTED-PRINTABLE|BASE64|B|8BIT|7BIT)$/i;

/** `[group.]NAME[;param...]:value`, or null when the line is not a property. */
export function parseProperty(line: string): VcardProperty | null {
  let i = 0;
  while (i < line.length && line[i] !== ';' && line[i] !== ':') i++;
  if (i >= line.length) return null;
  const head = NAME.exec(line.slice(0, i));
  if (!head) return null;
  const params = new Map<string, string[]>();
  while (line[i] === ';') {
    i++;
    const start = i;
    let inQuotes = false;
    while (i < line.length && (inQuotes || (line[i] !== ';' && line[i] !== ':'))) {
      if (line[i] === '"') inQuotes = !inQuotes;
      i++;
    }
    if (i >= line.length) return null;
    addParam(params, line.slice(start, i));
  }
  return { group: (head[1] ?? '').toLowerCase(), name: (head[2] ?? '').toUpperCase(), params, value: line.slice(i + 1) };
}

function addParam(params: Map<string, string[]>, text: string): void {
  const eq = text.indexOf('=');
  let key: string;
  let values: string[];
  if (eq < 0) {
    const bare = text.trim();
    if (bare === '') return;
    key = BARE_ENCODINGS.test(bare) ? 'ENCODING' : 'TYPE';
    values = [bare];
  } else {
    key = text.slice(0, eq).trim().toUpperCase();
    values = splitParamValue(text.slice(eq + 1));
  }
  params.set(key, [...(params.get(key) ?? []), ...values]);
}

function splitParamValue(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const unquoted = part.trim().replace(/^"|"$/g, '');
    // RFC 6868: ^n newline, ^' double quote, ^^ caret.
    const value = unquoted.replace(/\^(n|N|'|\^)/g, (_m, c: string) => (c === '^' ? '^' : c === "'" ? '"' : '\n'));
    if (value !== '') out.push(value);
  }
  return out;
}

function param(property: VcardProperty, key: string): string[] {
  return property.params.get(key) ?? [];
}

function decodeQuotedPrintable(text: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else bytes.push(...new TextEncoder().encode(text[i]));
  }
  try {
    return new TextDecoder(charset).decode(Uint8Array.from(bytes));
  } catch {
    // A charset this runtime does not know: UTF-8 is what 2.1 files mostly turn out to be.
    return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
  }
}

/** The value with its transfer encoding undone (still escaped), or null for binary data. */
function transferDecoded(property: VcardProperty): string | null {
  const encoding = param(property, 'ENCODING').map((e) => e.toUpperCase());
  if (encoding.some((e) => BASE64.test(e))) return null;
  if (encoding.includes('QUOTED-PRINTABLE')) return decodeQuotedPrintable(property.value, param(property, 'CHARSET')[0] ?? 'utf-8');
  return property.value;
}

/** Splits at unescaped `separator`, leaving escapes in place. */
function splitUnescaped(text: string, separator: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === separator) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

function unescapeText(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(.)/gs, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** A text value: decoded and unescaped. */
function textValue(property: VcardProperty): string | null {
  const decoded = transferDecoded(property);
  return decoded === null ? null : unescapeText(decoded);
}

/**
 * A structured value's components (split at `;`). For N, a component's list items (`,`) are joined
 * by a space; ORG has no lists, and a bare comma there ("Acme, Inc.") is part of the name.
 */
function structuredValue(property: VcardProperty, lists: boolean): string[] | null {
  const decoded = transferDecoded(property);
  if (decoded === null) return null;
  return splitUnescaped(decoded, ';').map((component) =>
    (lists ? splitUnescaped(component, ',') : [component])
      .map((item) => unescapeText(item).trim())
      .filter((item) => item !== '')
      .join(' '),
  );
}

/** A TEL value as a number text: `tel:` URIs (4.0) read, an extension kept as " ext. N". */
function telValue(property: VcardProperty): string | null {
  const decoded = transferDecoded(property);
  if (decoded === null) return null;
  const trimmed = decoded.trim();
  if (!/^tel:/i.test(trimmed)) return unescapeText(trimmed);
  const [number = '', ...uriParams] = trimmed.slice(4).split(';');
  const ext = uriParams.find((p) => /^ext=/i.test(p))?.slice(4) ?? '';
  let text = number;
  try {
    text = decodeURIComponent(number);
  } catch {
    // Keep it as written when the URI escapes are broken.
  }
  return ext === '' ? text : `${text} ext. ${ext}`;
}

const TYPE_LABELS: readonly [string, string][] = [
  ['fax', 'fax'],
  ['cell', 'mobile'],
  ['mobile', 'mobile'],
  ['iphone', 'mobile'],
  ['car', 'mobile'],
  ['pager', 'pager'],
  ['main', 'main'],
  ['work', 'work'],
  ['home', 'home'],
];

function telLabel(property: VcardProperty, groupLabels: ReadonlyMap<string, string>): string {
  const custom = property.group === '' ? undefined : groupLabels.get(property.group);
  if (custom !== undefined) return canonicalLabel(custom);
  const types = new Set(param(property, 'TYPE').map((t) => t.toLowerCase().replace(/^x-/, '')));
  for (const [type, label] of TYPE_LABELS) if (types.has(type)) return label;
  return 'other';
}

function isPreferred(property: VcardProperty): boolean {
  return param(property, 'PREF').length > 0 || param(property, 'TYPE').some((t) => t.toLowerCase() === 'pref');
}

/** What a card says about a contact. */
export function rawFromCard(properties: readonly VcardProperty[], row: number, text: () => string): RawContact {
  const raw = emptyRawContact(row, text);
  const groupLabels = new Map<string, string>();
  for (const p of properties) {
    if (p.name === 'X-ABLABEL' && p.group !== '') {
      const label = textValue(p);
      if (label !== null && label.trim() !== '') groupLabels.set(p.group, label);
    }
  }
  const notes: string[] = [];
  const emails: { value: string; preferred: boolean }[] = [];
  let crmId: SourcedValue | undefined;
  let uid: SourcedValue | undefined;
  const numbers: RawNumber[] = [];
  for (const p of properties) {
    switch (p.name) {
      case 'FN': {
        const value = textValue(p);
        if (raw.name === undefined && value !== null && value.trim() !== '') raw.name = { source: 'FN', value };
        break;
      }
      case 'N': {
        const parts = structuredValue(p, true);
        if (parts === null || raw.lastName !== undefined || raw.firstName !== undefined) break;
        const [family = '', given = '', additional = ''] = parts;
        if (family !== '') raw.lastName = { source: 'N', value: family };
        if (given !== '') raw.firstName = { source: 'N', value: given };
        if (additional !== '') raw.middleName = { source: 'N', value: additional };
        break;
      }
      case 'ORG': {
        const value = structuredValue(p, false)?.[0] ?? '';
        if (raw.company === undefined && value !== '') raw.company = { source: 'ORG', value };
        break;
      }
      case 'EMAIL': {
        const value = textValue(p);
        if (value !== null && value.trim() !== '') emails.push({ value, preferred: isPreferred(p) });
        break;
      }
      case 'TEL': {
        const value = telValue(p);
        if (value !== null && value.trim() !== '') numbers.push({ source: 'TEL', label: telLabel(p, groupLabels), value });
        break;
      }
      case 'NOTE': {
        const value = textValue(p);
        if (value !== null && value.trim() !== '') notes.push(value.trim());
        break;
      }
      case 'X-CRM-ID': {
        const value = textValue(p);
        if (crmId === undefined && value !== null && value.trim() !== '') crmId = { source: 'X-CRM-ID', value };
        break;
      }
      case 'UID': {
        const value = textValue(p);
        if (uid === undefined && value !== null && value.trim() !== '') uid = { source: 'UID', value };
        break;
      }
    }
  }
  const email = emails.find((e) => e.preferred) ?? emails[0];
  if (email) raw.email = { source: 'EMAIL', value: email.value };
  if (notes.length > 0) raw.notes = { source: 'NOTE', value: notes.join('\n') };
  const id = crmId ?? uid;
  if (id) raw.crmId = id;
  raw.numbers = numbers;
  return raw;
}
