// Text from outside (caller names, SIP headers, typed addresses) is checked against one set of
// characters that never belong in it: controls, format characters (bidi overrides, zero-width
// joiners) and line/paragraph separators, which could disguise a name or break a header.

const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
// A separate global copy for replace(): test() on a global regex would carry lastIndex over.
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

/** True when `value` holds a control, an invisible format character or a line separator. */
export function hasHiddenCharacters(value: string): boolean {
  return HIDDEN.test(value);
}

/** Outside text made safe to show or log: hidden characters removed, trimmed, at most `max` long. */
export function plainText(value: string, max: number): string {
  return value.replace(HIDDEN_ALL, '').trim().slice(0, max);
}
