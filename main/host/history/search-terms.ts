// Turning the core's words and digits into FTS5 query strings and LIKE patterns. User text only
// ever reaches SQLite as a bound parameter; inside an FTS5 expression each word is a quoted string
// (quotes doubled), so no word can be read as FTS5 syntax (AND, NEAR, column filters, *).

/** Characters, not UTF-16 units: the trigram tokenizer counts characters. */
export function charLength(word: string): number {
  let n = 0;
  for (const _ of word) n += 1;
  return n;
}

function quoted(word: string): string {
  return `"${word.replaceAll('"', '""')}"`;
}

/** Substring matches (trigram) of every word in the call's words column and the digits in theirs. */
export function callMatch(longWords: readonly string[], digits: string): string {
  const parts = longWords.map((w) => `body : ${quoted(w)}`);
  if (digits !== '') parts.push(`digits : ${quoted(digits)}`);
  return parts.join(' AND ');
}

/** Whether unicode61 would find at least one token in the word (letters or digits). */
export function hasToken(word: string): boolean {
  return /[\p{L}\p{N}]/u.test(word);
}

/** Word prefixes over contacts' names and companies; words without a letter or digit are left out. */
export function contactMatch(words: readonly string[]): string {
  return words
    .filter(hasToken)
    .map((w) => `${quoted(w)} *`)
    .join(' AND ');
}

/** A LIKE pattern (with ESCAPE '\') that finds the word anywhere. */
export function likeAnywhere(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The words of a query, trimmed, empty ones dropped. */
export function cleanWords(words: readonly string[]): string[] {
  return words.map((w) => w.trim()).filter((w) => w !== '');
}
