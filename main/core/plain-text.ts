// Text from outside (caller names, SIP headers, typed addresses) is checked against one set of
// characters that never belong in it: controls, format characters (bidi overrides, zero-width
// joiners) and line/paragraph separators, which could disguise a name or break a header.

// Lone surrogates (\p{Cs}: half of a character, from a cut or a bad decoder) too: they cannot be
// encoded as UTF-8 or in a URL.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
// A separate global copy for replace(): test() on a global regex would carry lastIndex over.
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

/** True when `value` holds a control, an invisible format character or a line separator. */
export function hasHiddenCharacters(value: string): boolean {
  return HIDDEN.test(value);
}

/** Outside text made safe to show or log: hidden characters removed, trimmed, at most `max` long. */
export function plainText(value: string, max: number): string {
  return cut(value.replace(HIDDEN_ALL, '').trim(), max);
}

/** At most `max` UTF-16 units, never ending in half a character (an emoji cut in two). */
export function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  const last = value.charCodeAt(max - 1);
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** Text with every lone surrogate replaced by U+FFFD, so it can be encoded (UTF-8, URLs). */
export function wellFormed(value: string): string {
  return value.replace(/\p{Cs}/gu, '\uFFFD');
}
