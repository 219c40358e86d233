// Phone numbers as the history, the contacts and the screen-pop compare them: E.164 when the text
// is a possible phone number (libphonenumber-js, read with the default country), and always the
// plain digits, so "4567" and "(555) 123-4567" both find +1 555 123 4567. "Possible", not "valid":
// a number the metadata does not know yet (new ranges, fictional 555 numbers) must still match.
import { getCountries, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

export interface NormalizedNumber {
  /** +15551234567, or null for extensions, SIP names and text that is no phone number. */
  e164: string | null;
  /** Every ASCII digit of the text, after mapping other scripts' digits (٣, ３) to ASCII. */
  digits: string;
  /** National format in the default country, international elsewhere, the text as given otherwise. */
  display: string;
}

const COUNTRIES: ReadonlySet<string> = new Set(getCountries());

export function isKnownCountry(code: string): code is CountryCode {
  return COUNTRIES.has(code);
}

/** The region of a BCP 47 tag ('zh-CN' → 'CN', 'en-Latn-US' → 'US'), when it is a known country. */
export function countryOfLocale(locale: string): CountryCode | null {
  for (const part of locale.split(/[-_]/).slice(1)) {
    const upper = part.toUpperCase();
    if (/^[A-Z]{2}$/.test(upper) && isKnownCountry(upper)) return upper;
  }
  return null;
}

/** The setting when it names a country, else the OS locale's region, else none. */
export function effectiveCountry(setting: string, systemLocale: string): CountryCode | null {
  if (setting !== '' && isKnownCountry(setting)) return setting;
  return countryOfLocale(systemLocale);
}

// Printable ASCII and the usual whitespace: nothing another script could hide in.
const ASCII_ONLY = /^[\t\n\r\x20-\x7e]*$/;

/** Any Unicode decimal digit as ASCII; everything else dropped. */
export function digitsOf(text: string): string {
  const head = text.slice(0, 512);
  // The common case, and the one a 100,000-contact import runs through: no script to convert.
  if (ASCII_ONLY.test(head)) return head.replace(/\D+/g, '');
  let out = '';
  for (const ch of head) {
    if (ch >= '0' && ch <= '9') {
      out += ch;
      continue;
    }
    if (/\p{Nd}/u.test(ch)) {
      // Decimal digits come in runs of ten from U+..0 to U+..9 in every script.
      const code = ch.codePointAt(0) ?? 0;
      let zero = code;
      while (zero > code - 9 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
      out += String(code - zero);
    }
  }
  return out;
}

const PHONE_TEXT = /^[\s\p{Nd}+().\-/]*$/u;

/** True when the text looks like a phone number typed or read aloud (digits and separators only). */
export function looksLikeNumber(text: string): boolean {
  const folded = text.slice(0, 512).normalize('NFKC');
  return PHONE_TEXT.test(folded) && digitsOf(folded).length > 0;
}

/** "+1 418 555 0101 ext. 102", "x123", ";ext=102": the number, and the extension (dropped for matching). */
const EXTENSION = /^(.*?\d[\s\d()./-]*?)\s*(?:;\s*ext=|,|\bext\.?|\bextension\b|\bx|#)\s*\d{1,7}\s*$/i;

const MAYBE_EXTENSION = /[a-z;,#]/i;

export function normalizeNumber(text: string, country: CountryCode | null): NormalizedNumber {
  return normalized(text, country, true);
}

/**
 * What matching needs, without the display text: formatting costs a third of the time, and a
 * 100,000-contact import normalises every number.
 */
export function numberKeys(text: string, country: CountryCode | null): Pick<NormalizedNumber, 'e164' | 'digits'> {
  const { e164, digits } = normalized(text, country, false);
  return { e164, digits };
}

function normalized(text: string, country: CountryCode | null, withDisplay: boolean): NormalizedNumber {
  // NFKC folds full-width digits and plus signs (＋１ ５５５) to ASCII.
  const head = text.slice(0, 256);
  const folded = (ASCII_ONLY.test(head) ? head : head.normalize('NFKC')).trim();
  const trimmed = MAYBE_EXTENSION.test(folded) ? (EXTENSION.exec(folded)?.[1] ?? folded).trim() : folded;
  if (trimmed !== folded) {
    // An extension reaches the same line: match and show the main number, keep the text as given.
    const main = normalized(trimmed, country, withDisplay);
    return { ...main, display: main.e164 !== null ? `${main.display} ${folded.slice(trimmed.length).trim()}` : folded };
  }
  const digits = digitsOf(trimmed);
  const bare = trimmed.replace(/^tel:/i, '');
  if (digits.length === 0 || !PHONE_TEXT.test(bare)) return { e164: null, digits, display: trimmed };
  const ascii = ASCII_ONLY.test(bare) ? bare : bare.replace(/\p{Nd}/gu, (d) => digitsOf(d));
  const parsed = parsePhoneNumberFromString(ascii, country ?? undefined);
  if (!parsed?.isPossible()) return { e164: null, digits, display: trimmed };
  if (!withDisplay) return { e164: parsed.number, digits, display: trimmed };
  const display = country !== null && parsed.country === country ? parsed.formatNational() : parsed.formatInternational();
  return { e164: parsed.number, digits, display };
}
