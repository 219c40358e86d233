// A small scanner for .svelte markup: finds literal text a user would see (text nodes, and the
// attributes that browsers show) that is not inside a {…} expression. A heuristic, not a parser:
// it is enough to keep every user-visible string in the message catalogs.

/** Attributes whose values are shown to users (tooltips, placeholders, screen readers). */
const VISIBLE_ATTRIBUTES = new Set(['placeholder', 'title', 'aria-label', 'alt', 'label', 'aria-description']);

export interface LiteralText {
  line: number;
  text: string;
}

function stripBlocks(source: string): string {
  // Keep line numbers: replace removed blocks by as many newlines as they had.
  const blank = (m: string): string => m.replace(/[^\n]/g, ' ');
  return source
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, blank)
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, blank)
    .replace(/<!--[\s\S]*?-->/g, blank);
}

/** Index just past the `}` that closes the `{` at start (strings and nested braces skipped). */
function skipExpression(s: string, start: number): number {
  let depth = 0;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      const quote = c;
      for (i++; i < s.length && s[i] !== quote; i++) if (s[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return s.length;
}

const HAS_LETTER = /\p{L}/u;

export function findLiteralText(source: string): LiteralText[] {
  const s = stripBlocks(source);
  const found: LiteralText[] = [];
  const lineOf = (i: number): number => s.slice(0, i).split('\n').length;
  let text = '';
  let textStart = 0;
  const flush = (): void => {
    if (HAS_LETTER.test(text)) found.push({ line: lineOf(textStart), text: text.trim() });
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? '';
    if (c === '{') {
      flush();
      i = skipExpression(s, i);
      textStart = i;
    } else if (c === '<' && /[A-Za-z/!]/.test(s[i + 1] ?? '')) {
      flush();
      i = scanTag(s, i + 1, (name, value, at) => {
        if (VISIBLE_ATTRIBUTES.has(name.toLowerCase()) && HAS_LETTER.test(value)) found.push({ line: lineOf(at), text: `${name}="${value}"` });
      });
      textStart = i;
    } else {
      if (text === '') textStart = i;
      text += c;
      i++;
    }
  }
  flush();
  return found;
}

/** Reads a tag from after its `<` to after its `>`, reporting quoted literal attribute values. */
function scanTag(s: string, start: number, onAttribute: (name: string, literal: string, at: number) => void): number {
  let i = start;
  while (i < s.length && s[i] !== '>') {
    const c = s[i] ?? '';
    if (c === '{') {
      i = skipExpression(s, i);
      continue;
    }
    const attr = /^([A-Za-z_:@][\w:.-]*)\s*=\s*(["'])/.exec(s.slice(i));
    if (attr) {
      const name = attr[1] ?? '';
      const quote = attr[2] ?? '"';
      let j = i + attr[0].length;
      let literal = '';
      while (j < s.length && s[j] !== quote) {
        if (s[j] === '{') {
          j = skipExpression(s, j);
          continue;
        }
        literal += s[j] ?? '';
        j++;
      }
      onAttribute(name, literal, i);
      i = j + 1;
      continue;
    }
    i++;
  }
  return i + 1;
}
