// Numbers that arrive from outside Hookswitch: a tel:, sip:, sips: or callto: link the system hands
// over (a click in a browser, a CRM, a mail), `hookswitch dial <number>` on a command line, and the
// free text the dial shortcut picks up (the selection or the clipboard). Whatever arrives is
// refused with a reason unless it is plainly a number or SIP address: a link cannot carry SIP
// headers (?), URI parameters (;), characters that hide, digits of other scripts that look like
// ours, or more than a number's length. What passes is dialled as the user would type it, through
// the dial plan and parseDialTarget, which check it again.
import { UserAgent } from 'sip.js';
import { AppError } from '../errors.ts';
import { hasHiddenCharacters } from '../plain-text.ts';
import { MAX_NUMBER_LENGTH } from '../sip/dial-target.ts';
import { classifyNumber, type NumberContext } from '../numbers/dial-plan.ts';
import { LinkScheme } from '../../../preload/contract.ts';

/** The schemes that are phone links (the contract's list, which the settings page shows too). */
export const LINK_SCHEMES: readonly LinkScheme[] = LinkScheme.options;

/** Longest link looked at: a number or SIP address never needs more. */
export const MAX_LINK_LENGTH = 512;
/** Longest free text searched for a number (a selection can be a whole page). */
export const MAX_TEXT_LENGTH = 4096;

export interface OutsideNumber {
  /** What parseDialTarget receives: '+15551234567', '1003', 'sip:alice@example.com'. */
  target: string;
  /** Where it came from: the link's scheme, or 'text'. */
  scheme: LinkScheme | 'text';
}

function refuse(why: string): never {
  throw new AppError('invalid-number', `not a number or SIP address to dial: ${why}`);
}

const VISUAL_SEPARATORS = /[\s\-.()]/g;
const ASCII_NUMBER = /^\+?[0-9*#]+$/;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return refuse('broken percent-encoding');
  }
}

/** A number part of a tel: or callto: link: digits, *, # and a leading +, separators ignored. */
function linkNumber(body: string, scheme: LinkScheme): string {
  const text = decoded(body.replace(/^\/\//, ''));
  if (hasHiddenCharacters(text)) refuse('escaped control or invisible characters');
  if (text.includes(';')) refuse(`${scheme}: link with parameters (;…)`);
  if (text.includes('?')) refuse(`${scheme}: link with headers (?…)`);
  const number = text.replace(VISUAL_SEPARATORS, '');
  if (/\p{Nd}/u.test(number.replace(/[0-9]/g, ''))) refuse('digits of another script');
  if (number === '' || !ASCII_NUMBER.test(number)) refuse(`${scheme}: link without a phone number`);
  if (number.length > MAX_NUMBER_LENGTH) refuse('number too long');
  return number;
}

/** A sip: or sips: link: user@host only; parameters and headers could route or rewrite the call. */
function linkAddress(text: string, scheme: 'sip' | 'sips'): string {
  const body = text.slice(scheme.length + 1);
  if (body.includes('?')) refuse('SIP link with headers (?…)');
  if (body.includes(';')) refuse('SIP link with parameters (;…)');
  if (!/^[^@\s:<>"/]+@[A-Za-z0-9.-]+(:\d{1,5})?$/.test(body)) refuse('SIP link that is not user@host');
  if (hasHiddenCharacters(decoded(body))) refuse('escaped control or invisible characters');
  const uri = UserAgent.makeURI(`${scheme}:${body}`);
  if (!uri?.user || !uri.host) refuse('SIP link that is not user@host');
  return `${scheme}:${body}`;
}

/** A link handed over by the system (or `hookswitch dial` with a link). Throws invalid-number. */
export function parseDialLink(link: string): OutsideNumber {
  if (link.length > MAX_LINK_LENGTH) refuse('link too long');
  if (hasHiddenCharacters(link)) refuse('control or invisible characters');
  const text = link.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) refuse('not a link');
  if (!(LINK_SCHEMES as readonly string[]).includes(scheme)) refuse(`${scheme}: links are not phone numbers`);
  const known = scheme as LinkScheme;
  if (known === 'sip' || known === 'sips') return { target: linkAddress(text.replace(/^sips?/i, known), known), scheme: known };
  return { target: linkNumber(text.slice(known.length + 1), known), scheme: known };
}

/** A number given as an argument (`hookswitch dial +49 30 1234567`), or a link. */
export function parseDialArgument(argument: string): OutsideNumber {
  if (/^[a-z][a-z0-9+.-]*:/i.test(argument.trim())) return parseDialLink(argument);
  if (argument.length > MAX_LINK_LENGTH) refuse('too long');
  if (hasHiddenCharacters(argument)) refuse('control or invisible characters');
  const number = argument.replace(VISUAL_SEPARATORS, '');
  if (/\p{Nd}/u.test(number.replace(/[0-9]/g, ''))) refuse('digits of another script');
  if (number === '' || !ASCII_NUMBER.test(number) || number.length > MAX_NUMBER_LENGTH) refuse('not a phone number');
  return { target: number, scheme: 'text' };
}

// A run that may be a phone number: an optional +, then digits with the separators people write.
const CANDIDATE = /\+?\(?\p{Nd}[\p{Nd}\s\-./()]{0,40}\p{Nd}|\p{Nd}{2,}/gu;
// Dates and times are digit runs too; they are never numbers to call.
const DATE = /^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;
const TIME = /\p{Nd}{1,2}:\p{Nd}{2}(?::\p{Nd}{2})?/gu;
// A SIP address in text is taken as a link; "Tel: 030 1234567" is a label and a number, found below.
const SIP_IN_TEXT = /\bsips?:[^\s<>"']+/i;
/** In free text, a run this short is a quantity ("10 minutes") more often than an extension. */
const MIN_TEXT_EXTENSION = 3;

/** The digits of one candidate in ASCII, or null when they mix scripts (a look-alike trick). */
function asciiDigits(candidate: string): string | null {
  let zero: number | null = null;
  let out = '';
  for (const ch of candidate) {
    if (!/\p{Nd}/u.test(ch)) {
      out += ch;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    // Decimal digits come in runs of ten, U+..0 to U+..9, in every script.
    let first = code;
    while (first > code - 9 && /\p{Nd}/u.test(String.fromCodePoint(first - 1))) first--;
    if (zero !== null && zero !== first) return null;
    zero = first;
    out += String(code - first);
  }
  return out;
}

/** The run as a number to dial, when it is a phone number or an extension (not a date, not a time). */
function dialableRun(run: string, context: NumberContext): string | null {
  const ascii = asciiDigits(run);
  if (ascii === null || DATE.test(ascii)) return null;
  const number = ascii.replace(VISUAL_SEPARATORS, '');
  if (!ASCII_NUMBER.test(number) || number.length > MAX_NUMBER_LENGTH) return null;
  const { kind, parsed } = classifyNumber(number, context.plan, context.country);
  if (kind === 'extension') return number.length >= MIN_TEXT_EXTENSION ? number : null;
  if (kind !== 'national' && kind !== 'international') return null;
  // "+49 (0)30 1234567": the (0) is read away, and the number goes on in E.164.
  return number.startsWith('+') && parsed !== null ? parsed.number : number;
}

/**
 * The first number in free text (a selection, the clipboard): a SIP address in it, else the first run of
 * digits that is a possible phone number in the default country or an extension under the dial
 * plan. Throws invalid-number when there is none.
 */
export function numberInText(text: string, context: NumberContext): OutsideNumber {
  const head = text.slice(0, MAX_TEXT_LENGTH).normalize('NFKC');
  const address = SIP_IN_TEXT.exec(head)?.[0]?.replace(/[.,;:!?)\]]+$/, '');
  if (address !== undefined) return parseDialLink(address);
  const scanned = head.replace(TIME, ' ');
  for (const match of scanned.matchAll(CANDIDATE)) {
    // A run that mixes scripts' digits is a look-alike trick: none of it is taken.
    if (asciiDigits(match[0]) === null) continue;
    // "030 1234567 2026-12-06" is one run of digits and spaces: the longest leading words that make
    // a number win, then the words after them get their turn.
    const words = match[0].trim().split(/\s+/);
    for (let start = 0; start < words.length; start++) {
      for (let end = words.length; end > start; end--) {
        const found = dialableRun(words.slice(start, end).join(' '), context);
        if (found !== null) return { target: found, scheme: 'text' };
      }
    }
  }
  return refuse('no phone number in the text');
}
