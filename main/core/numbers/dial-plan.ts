// The dial plan: how a number the user means (+49 30 1234567 from a CRM link, 1003 typed on the
// keypad, 0301234567 from a contact) becomes what the PBX must receive, and back: how a number the
// PBX sends (0 0301234567, with its outside-line prefix) is read for the screen-pop and the history.
//
// - Extensions (at most maxExtensionDigits digits, no +) and service codes (*, #) go as they are.
// - Every other number is an outside number: written the way the plan says (as dialled, E.164, or
//   national inside the default country and with the country's international prefix outside it),
//   after the outside-line prefix ('0' or '9' on many PBXs).
import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/min';
import type { DialPlanSettings, NumberSettings } from '../../../preload/contract.ts';
import { effectiveCountry, normalizeNumber, type NormalizedNumber } from './phone-number.ts';

export type { DialPlanSettings };

/** How numbers are read and written: the dial plan, and the country numbers without a country code are in. */
export interface NumberContext {
  plan: DialPlanSettings;
  country: CountryCode | null;
}

/** The context the number settings give, with the OS locale's region when they name no country. */
export function numberContextOf(settings: NumberSettings, systemLocale: string): NumberContext {
  return { plan: settings.dialPlan, country: effectiveCountry(settings.defaultCountry, systemLocale) };
}

/**
 * extension: an internal number; service: a feature code (*72, #31#); national: a number in the
 * default country; international: a number in another country; unknown: an outside number that is
 * not a possible phone number (libphonenumber) or without a country to read it in.
 */
export type NumberKind = 'extension' | 'service' | 'national' | 'international' | 'unknown';

export interface Dialled {
  /** What the request URI's user part carries. */
  dial: string;
  kind: NumberKind;
  /** The number in E.164, when it is a possible phone number. */
  e164: string | null;
}

export const DEFAULT_DIAL_PLAN: DialPlanSettings = { outsideLinePrefix: '', maxExtensionDigits: 6, format: 'as-dialled' };

function possible(text: string, country: CountryCode | null): PhoneNumber | null {
  const parsed = parsePhoneNumberFromString(text, country ?? undefined);
  return parsed?.isPossible() ? parsed : null;
}

function isExtension(number: string, plan: DialPlanSettings): boolean {
  return !number.startsWith('+') && number.length <= plan.maxExtensionDigits;
}

/** A number as the user means it ('+' and digits, '*' and '#'; separators already gone): its kind. */
export function classifyNumber(number: string, plan: DialPlanSettings, country: CountryCode | null): { kind: NumberKind; parsed: PhoneNumber | null } {
  if (/[*#]/.test(number)) return { kind: 'service', parsed: null };
  if (isExtension(number, plan)) return { kind: 'extension', parsed: null };
  const parsed = possible(number, country);
  if (parsed === null) return { kind: 'unknown', parsed: null };
  if (country === null) return { kind: number.startsWith('+') ? 'international' : 'unknown', parsed };
  const home = parsed.countryCallingCode === getCountryCallingCode(country);
  return { kind: home ? 'national' : 'international', parsed };
}

/** What the PBX receives for this number under the plan. */
export function applyDialPlan(number: string, plan: DialPlanSettings, country: CountryCode | null): Dialled {
  const { kind, parsed } = classifyNumber(number, plan, country);
  if (kind === 'extension' || kind === 'service') return { dial: number, kind, e164: null };
  const e164 = parsed?.number ?? null;
  let written = number;
  if (parsed !== null && plan.format === 'e164') written = parsed.number;
  if (parsed !== null && plan.format === 'national') {
    if (kind === 'national') written = parsed.format('NATIONAL').replace(/\D/g, '');
    else if (country !== null) {
      // libphonenumber gives no IDD form for a country without an international prefix: then E.164.
      const idd = parsed.format('IDD', { fromCountry: country }) as string | undefined;
      written = (idd ?? parsed.number).replace(/[^\d+]/g, '');
    }
  }
  return { dial: `${plan.outsideLinePrefix}${written}`, kind, e164 };
}

/**
 * A number the PBX sent (a caller, a callee answering) as the user knows it: without the outside-line
 * prefix the PBX put in front, when what is left is longer than an extension and a phone number.
 */
export function withoutOutsidePrefix(number: string, plan: DialPlanSettings, country: CountryCode | null): string {
  const prefix = plan.outsideLinePrefix;
  if (prefix === '' || !/^\d+$/.test(number) || !number.startsWith(prefix)) return number;
  const rest = number.slice(prefix.length);
  if (rest.length <= plan.maxExtensionDigits) return number;
  // In Germany "0 030 1234567" read as it is would be +30 (Greece): the prefix decides first.
  if (possible(rest, country) !== null) return rest;
  return number;
}

/**
 * A number the PBX sent, read for display and matching: an extension as it is (never +49 1003),
 * anything else without the outside-line prefix, then normalised.
 */
export function readPbxNumber(number: string, context: NumberContext): NormalizedNumber {
  if (/^\d+$/.test(number) && isExtension(number, context.plan)) return { e164: null, digits: number, display: number };
  return normalizeNumber(withoutOutsidePrefix(number, context.plan, context.country), context.country);
}
