// An RFC 4180 reader that is forgiving where real exports differ from the RFC (LF or CR line ends,
// `;` or tab as the delimiter, a UTF-8 BOM, spaces around quoted fields, blank lines) and strict
// where a mistake would eat other rows: a quoted field that never closes properly makes its record
// malformed, and reading resumes at the line after the one that record started on.

export type CsvDelimiter = ',' | ';' | '\t';

export type CsvItem =
  /** A record and the 1-based line it starts on. */
  | { kind: 'record'; line: number; fields: string[] }
  /** A record whose quotes do not balance; `text` is the first line of it. */
  | { kind: 'malformed'; line: number; text: string };

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const BOM = '\uFEFF';

/** The text without a leading UTF-8 byte order mark. */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/**
 * The delimiter of the first non-blank line: whichever of `,` `;` tab occurs most often outside
 * quotes (German and French Excel write `;`, some tools tab). A tie or none goes to the comma.
 */
export function sniffDelimiter(text: string): CsvDelimiter {
  const body = stripBom(text);
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let inQuotes = false;
  let seen = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) {
      if (seen) break;
    } else if (!inQuotes && (c === ',' || c === ';' || c === '\t')) {
      counts[c]++;
      seen = true;
    } else if (c !== ' ') seen = true;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/**
 * Records one by one, each with the line it starts on. Lines that are entirely empty are no
 * records. Field text is as written (quotes removed, `""` made `"`, line breaks inside quotes kept).
 */
export function* csvItems(text: string, delimiter: CsvDelimiter = sniffDelimiter(text)): Generator<CsvItem> {
  const src = stripBom(text);
  const n = src.length;
  const delim = delimiter.charCodeAt(0);
  let pos = 0;
  let line = 1;

  while (pos < n) {
    const first = src.charCodeAt(pos);
    if (first === LF || first === CR) {
      pos += first === CR && src.charCodeAt(pos + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const start = pos;
    const startLine = line;
    const fields: string[] = [];
    let ok = true;

    record: for (;;) {
      // Spaces before an opening quote are not part of the field (`a, "b"`), unless they are the delimiter.
      let p = pos;
      while (p < n && src.charCodeAt(p) === SPACE && delim !== SPACE) p++;
      if (p < n && src.charCodeAt(p) === QUOTE) {
        pos = p + 1;
        let value = '';
        let from = pos;
        for (;;) {
          if (pos >= n) {
            ok = false;
            break record;
          }
          const c = src.charCodeAt(pos);
          if (c === QUOTE) {
            if (src.charCodeAt(pos + 1) === QUOTE) {
              value += src.slice(from, pos + 1);
              pos += 2;
              from = pos;
              continue;
            }
            value += src.slice(from, pos);
            pos++;
            break;
          }
          if (c === LF) line++;
          else if (c === CR && src.charCodeAt(pos + 1) !== LF) line++;
          pos++;
        }
        fields.push(value);
        while (pos < n && src.charCodeAt(pos) === SPACE && delim !== SPACE) pos++;
        if (pos >= n) break;
        const after = src.charCodeAt(pos);
        if (after === delim) {
          pos++;
          continue;
        }
        if (after === LF || after === CR) {
          pos += after === CR && src.charCodeAt(pos + 1) === LF ? 2 : 1;
          line++;
          break;
        }
        // Text after a closing quote: the quotes do not pair up as the writer meant.
        ok = false;
        break;
      }
      const from = pos;
      let c = 0;
      while (pos < n) {
        c = src.charCodeAt(pos);
        if (c === delim || c === LF || c === CR) break;
        pos++;
      }
      fields.push(src.slice(from, pos));
      if (pos >= n) break;
      if (c === delim) {
        pos++;
        continue;
      }
      pos += c === CR && src.charCodeAt(pos + 1) === LF ? 2 : 1;
      line++;
      break;
    }

    if (ok) {
      yield { kind: 'record', line: startLine, fields };
      continue;
    }
    // Resume on the line after the one the broken record started on.
    let end = start;
    while (end < n) {
      const c = src.charCodeAt(end);
      if (c === LF || c === CR) break;
      end++;
    }
    yield { kind: 'malformed', line: startLine, text: src.slice(start, end) };
    pos = end < n && src.charCodeAt(end) === CR && src.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
    line = startLine + 1;
  }
}

/** Every record of a whole file, and the delimiter it was read with. */
export function readCsv(text: string, delimiter: CsvDelimiter = sniffDelimiter(text)): { delimiter: CsvDelimiter; items: CsvItem[] } {
  return { delimiter, items: [...csvItems(text, delimiter)] };
}
