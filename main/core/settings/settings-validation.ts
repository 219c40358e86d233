// Validation beyond the schema: what a user can type wrong in the settings form. Each failure is
// a field path mapped to a reason code (the renderer shows catalog text for it).
import { Grammar, UserAgent } from 'sip.js';
import type { URI } from 'sip.js';
import type { AccountSettings, IceServer, Settings, SettingsFieldError } from '../../../preload/contract.ts';
import { isKnownCountry } from '../numbers/phone-number.ts';
import { EVENT_FIELDS, templateProblem } from '../cti/templates.ts';
import { parseAccelerator } from '../cti/accelerator.ts';
import { normalizeOrigin } from '../cti/api-guard.ts';
import { parseDialTarget } from '../sip/dial-target.ts';
import { hasHiddenCharacters } from '../plain-text.ts';

export type FieldErrors = Record<string, string>;

export type { SettingsFieldError };

// Whitespace and hidden characters never belong in an address; the URL parser would silently
// drop some of them, so they are refused before parsing.
const SPACE = /\s/u;

function hasSpaceOrHidden(value: string): boolean {
  return SPACE.test(value) || hasHiddenCharacters(value);
}

/** ws:// or wss:// with a host, no credentials in the URL, and acceptable to sip.js's transport. */
export function isValidWsUrl(value: string): boolean {
  if (value === '' || value.length > 2048 || hasSpaceOrHidden(value)) return false;
  // The URL parser would read ws:///x as host "x"; the host must follow the slashes as typed.
  if (!/^wss?:\/\/[^/?#]/i.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return false;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return false;
  // sip.js's transport throws on what its own grammar refuses; refuse it here instead.
  return Grammar.parse(value, 'absoluteURI') !== -1;
}

/** A sip: or sips: URI with a user and a host, parsed by sip.js; undefined when it is not one. */
export function parseSipUri(value: string): URI | undefined {
  if (value === '' || value.length > 1024 || hasSpaceOrHidden(value)) return undefined;
  const uri = UserAgent.makeURI(value);
  if (!uri) return undefined;
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return undefined;
  if (!uri.user || !uri.host) return undefined;
  return uri;
}

const ICE_URL = /^(stun|stuns|turn|turns):[^\s/?#][^\s]*$/i;

/** stun:, stuns:, turn: or turns: followed by a host (RFC 7064 / 7065). */
export function isValidIceUrl(value: string): boolean {
  return value.length <= 1024 && !hasSpaceOrHidden(value) && ICE_URL.test(value);
}

function iceServerErrors(servers: IceServer[], prefix: string, errors: FieldErrors): void {
  servers.forEach((server, i) => {
    const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
    urls.forEach((url, j) => {
      if (!isValidIceUrl(url)) {
        const path = typeof server.urls === 'string' ? `${prefix}.iceServers.${i}.urls` : `${prefix}.iceServers.${i}.urls.${j}`;
        errors[path] = 'invalid-ice-url' satisfies SettingsFieldError;
      }
    });
  });
}

function accountErrors(account: AccountSettings, prefix: string, errors: FieldErrors): void {
  const wsUrl = account.wsUrl.trim();
  const sipUri = account.sipUri.trim();
  // Anything typed into the account makes it an account: then both addresses are needed.
  const started = [account.wsUrl, account.sipUri, account.authUser, account.displayName].some((v) => v.trim() !== '');
  if (started) {
    if (wsUrl === '') errors[`${prefix}.wsUrl`] = 'required' satisfies SettingsFieldError;
    else if (!isValidWsUrl(account.wsUrl)) errors[`${prefix}.wsUrl`] = 'invalid-ws-url' satisfies SettingsFieldError;
    if (sipUri === '') errors[`${prefix}.sipUri`] = 'required' satisfies SettingsFieldError;
    else if (!parseSipUri(account.sipUri)) errors[`${prefix}.sipUri`] = 'invalid-sip-uri' satisfies SettingsFieldError;
  }
  iceServerErrors(account.iceServers, prefix, errors);
  // Numbers the app dials by itself (forwarding, voicemail) must be dialable, or they fail later.
  const forward = account.forward;
  if (forward.mode !== 'off') {
    if (forward.target.trim() === '') errors[`${prefix}.forward.target`] = 'required' satisfies SettingsFieldError;
    else if (!isDialable(forward.target, sipUri)) errors[`${prefix}.forward.target`] = 'invalid-number' satisfies SettingsFieldError;
  }
  if (account.voicemailNumber.trim() !== '' && !isDialable(account.voicemailNumber, sipUri)) {
    errors[`${prefix}.voicemailNumber`] = 'invalid-number' satisfies SettingsFieldError;
  }
}

function isDialable(target: string, accountSipUri: string): boolean {
  try {
    parseDialTarget(target, accountSipUri);
    return true;
  } catch {
    return false;
  }
}

/** Field path -> reason; empty when the settings may be saved. */
export function validateSettings(settings: Settings): FieldErrors {
  const errors: FieldErrors = {};
  const seen = new Set<string>();
  settings.accounts.forEach((account, i) => {
    const prefix = `accounts.${i}`;
    if (seen.has(account.id)) errors[`${prefix}.id`] = 'duplicate-account' satisfies SettingsFieldError;
    seen.add(account.id);
    accountErrors(account, prefix, errors);
  });
  const country = settings.numbers.defaultCountry;
  if (country !== '' && !isKnownCountry(country)) errors['numbers.defaultCountry'] = 'invalid-country' satisfies SettingsFieldError;
  if (templateProblem(settings.screenPop.crmUrlTemplate.trim(), 'url') !== null) {
    errors['screenPop.crmUrlTemplate'] = 'invalid-crm-template' satisfies SettingsFieldError;
  }
  const shortcut = settings.clickToDial.shortcut.trim();
  if (shortcut !== '' && parseAccelerator(shortcut) === null) errors['clickToDial.shortcut'] = 'invalid-shortcut' satisfies SettingsFieldError;
  const hooks = new Set<string>();
  settings.webhooks.forEach((hook, i) => {
    if (hooks.has(hook.id)) errors[`webhooks.${i}.id`] = 'duplicate-webhook' satisfies SettingsFieldError;
    hooks.add(hook.id);
    if (hook.url.trim() === '' || templateProblem(hook.url.trim(), 'url', EVENT_FIELDS) !== null) errors[`webhooks.${i}.url`] = 'invalid-webhook-url' satisfies SettingsFieldError;
    if (templateProblem(hook.bodyTemplate, 'json', EVENT_FIELDS) !== null) errors[`webhooks.${i}.bodyTemplate`] = 'invalid-webhook-body' satisfies SettingsFieldError;
  });
  settings.api.allowedOrigins.forEach((origin, i) => {
    if (normalizeOrigin(origin.trim()) === null) errors[`api.allowedOrigins.${i}`] = 'invalid-origin' satisfies SettingsFieldError;
  });
  return errors;
}
