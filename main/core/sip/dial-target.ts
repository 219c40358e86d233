// What the user typed (or a tel:/sip: link handed to us) turned into a SIP request URI. Numbers
// keep a leading + and *, #; visual separators go. Anything else is refused with invalid-number,
// before it can reach a SIP header.
import { UserAgent } from 'sip.js';
import { AppError } from '../errors.ts';
import { applyDialPlan, DEFAULT_DIAL_PLAN, type NumberContext, type NumberKind } from '../numbers/dial-plan.ts';
import { hasHiddenCharacters } from '../plain-text.ts';

export interface DialTarget {
  /** The request URI, e.g. sip:0030123@pbx.example.com: the number as the dial plan writes it. */
  uri: string;
  /** What the call list shows as the number: as the user gave it (no separators, no outside-line prefix), or the SIP user. */
  number: string;
  /** What kind of number it is (address: a SIP URI or user@host, dialled as it is). */
  kind: NumberKind | 'address';
}

/** No dial plan, no country: numbers go as they are given. */
export const PLAIN_NUMBERS: NumberContext = { plan: DEFAULT_DIAL_PLAN, country: null };

/** Longest input looked at; the contract allows 256 characters. */
export const MAX_DIAL_INPUT = 256;
/** Digits plus *, # and a leading +: E.164 has 15 digits; feature codes and PINs need more. */
export const MAX_NUMBER_LENGTH = 32;

const SEPARATORS = /[ \t\u00a0\-.()]/g;
const NUMBER = /^\+?[0-9*#]+$/;

function refuse(why: string): never {
  throw new AppError('invalid-number', `not a dialable number or SIP address: ${why}`);
}

/** Host (and port) of the account's address of record, where a bare number is sent. */
function accountHostPort(accountSipUri: string): string {
  const aor = UserAgent.makeURI(accountSipUri);
  if (!aor?.host) throw new AppError('not-configured', 'the account has no SIP address to dial numbers through');
  return aor.port === undefined ? aor.host : `${aor.host}:${aor.port}`;
}

function fromUri(text: string): DialTarget {
  // URI headers (?Route=…) would let a link inject SIP headers into our INVITE.
  if (text.includes('?')) refuse('SIP URI with headers');
  const uri = UserAgent.makeURI(text);
  if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) refuse('malformed SIP URI');
  if (!uri.user || !uri.host) refuse('SIP URI without user or host');
  // %0D%0A and the like decode to controls: refused like typed ones.
  if (hasHiddenCharacters(uri.user) || hasHiddenCharacters(uri.host)) refuse('escaped control characters');
  return { uri: uri.toString(), number: uri.user, kind: 'address' };
}

function fromNumber(text: string, accountSipUri: string, context: NumberContext): DialTarget {
  const number = text.replace(SEPARATORS, '');
  if (number === '' || number.length > MAX_NUMBER_LENGTH || !NUMBER.test(number)) refuse('not a phone number');
  const dialled = applyDialPlan(number, context.plan, context.country);
  // '#' is not allowed unescaped in a SIP user part (RFC 3261 25.1); '+' and '*' are.
  const user = dialled.dial.replace(/#/g, '%23');
  const uri = UserAgent.makeURI(`sip:${user}@${accountHostPort(accountSipUri)}`);
  if (!uri) refuse('number does not form a SIP URI');
  return { uri: uri.toString(), number, kind: dialled.kind };
}

/**
 * Accepts a phone number (spaces, dashes, dots and parentheses ignored), a tel: URI, a sip: or
 * sips: URI, or user@host. Numbers go through the dial plan. Throws AppError('invalid-number') for
 * anything else.
 */
export function parseDialTarget(input: string, accountSipUri: string, context: NumberContext = PLAIN_NUMBERS): DialTarget {
  if (input.length > MAX_DIAL_INPUT) refuse('too long');
  if (hasHiddenCharacters(input)) refuse('control or invisible characters');
  const text = input.trim();
  if (text === '') refuse('empty');
  if (/^sips?:/i.test(text)) return fromUri(text);
  if (/^tel:/i.test(text)) {
    // RFC 3966 parameters (;phone-context=…) are not ours to interpret.
    const number = text.slice(4);
    if (number.includes(';')) refuse('tel: URI with parameters');
    return fromNumber(number, accountSipUri, context);
  }
  if (text.includes('@')) {
    if (!/^[^@\s:<>"]+@[^@\s<>"]+$/.test(text)) refuse('malformed user@host');
    return fromUri(`sip:${text}`);
  }
  return fromNumber(text, accountSipUri, context);
}
