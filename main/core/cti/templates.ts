// One templating module for everything a user or IT writes with `{placeholder}`s: the screen-pop's
// CRM link, a webhook's URL and a webhook's JSON body. A value is encoded for where it lands, so a
// caller's name can never add a URL parameter, a path, a scheme or a JSON key:
// - url: placeholders may stand only after the host (in the path, query or fragment), every value
//   is percent-encoded (encodeURIComponent), a value of dots alone ('..', which URL parsers resolve
//   as a path step) is left out, and the result must be an http(s) URL without credentials;
// - json: every value is escaped as the inside of a JSON string, placeholders may stand only inside
//   strings, and the result must parse as JSON.
// These rules hold whenever a template is filled, not only when the settings are saved: a settings
// file edited by hand gets no further.
import { wellFormed } from '../plain-text.ts';

/** What a call gives a template (the screen-pop, and every call event). */
export const CALL_FIELDS = ['e164', 'number', 'digits', 'name', 'company', 'crmId', 'direction', 'callId'] as const;
/** What a call event adds (webhooks). */
export const EVENT_FIELDS = [...CALL_FIELDS, 'event', 'timestamp', 'account', 'cause'] as const;

export type CallField = (typeof CALL_FIELDS)[number];
export type EventField = (typeof EVENT_FIELDS)[number];
export type TemplateValues<F extends string = CallField> = Record<F, string>;

export type TemplateKind = 'url' | 'json';

export type TemplateProblem =
  | 'unknown-placeholder' // {phone}: not a field this template can use
  | 'unbalanced' // a lone { or }
  | 'not-http' // a URL template that does not give an http(s) URL (or carries credentials)
  | 'placeholder-in-host' // a URL placeholder before the path: a value could pick the server
  | 'not-json' // a body template that does not give JSON
  | 'placeholder-outside-string'; // a body placeholder outside a JSON string: a value could add keys

/** In a URL any brace pair is a placeholder; JSON has braces of its own, so there only `{word}` is. */
const PLACEHOLDERS: Record<TemplateKind, RegExp> = { url: /\{([^{}]*)\}/g, json: /\{([A-Za-z][A-Za-z0-9]*)\}/g };

export function emptyValues<F extends string>(fields: readonly F[]): TemplateValues<F> {
  return Object.fromEntries(fields.map((f) => [f, ''])) as TemplateValues<F>;
}

/** Why the template cannot be used, or null when it can ('' is "no template": fine). */
export function templateProblem(template: string, kind: TemplateKind, fields: readonly string[] = CALL_FIELDS): TemplateProblem | null {
  if (template === '') return null;
  for (const match of template.matchAll(PLACEHOLDERS[kind])) {
    if (!fields.includes(match[1] ?? '')) return 'unknown-placeholder';
  }
  if (kind === 'url' && /[{}]/.test(template.replace(PLACEHOLDERS.url, ''))) return 'unbalanced';
  if (kind === 'url' && !hostIsFixed(template)) return /^https?:\/\//i.test(template) ? 'placeholder-in-host' : 'not-http';
  if (kind === 'url') return fillUrl(template, emptyValues(fields), fields) === null ? 'not-http' : null;
  if (placeholdersInStrings(template, fields)) return null;
  return parses(fill(template, 'json', fields, () => '0')) ? 'placeholder-outside-string' : 'not-json';
}

/** True when scheme://host[:port] is written out before the first placeholder. */
function hostIsFixed(template: string): boolean {
  const first = template.search(/[{}]/);
  return first === -1 || /^[a-z][a-z0-9+.-]*:\/\/[^/?#{}]+[/?#]/i.test(template.slice(0, first));
}

function parses(json: string): boolean {
  try {
    JSON.parse(json);
    return true;
  } catch {
    return false;
  }
}

/** A quote in a value is escaped: inside a string that is still JSON, outside one it is not. */
function placeholdersInStrings(template: string, fields: readonly string[]): boolean {
  return parses(fill(template, 'json', fields, () => jsonStringContent('"')));
}

/** A value as it goes into a URL: percent-encoded, and nothing for dots alone ('.', '..'). */
function urlValue(value: string): string {
  const text = wellFormed(value);
  return /^\.+$/.test(text) ? '' : encodeURIComponent(text);
}

function fill(template: string, kind: TemplateKind, fields: readonly string[], encode: (name: string) => string): string {
  return template.replace(PLACEHOLDERS[kind], (whole, name: string) => (fields.includes(name) ? encode(name) : whole));
}

/** The filled URL, or null when the template is empty or does not give an http(s) URL. */
export function fillUrl<F extends string>(template: string, values: TemplateValues<F>, fields: readonly F[]): string | null {
  if (template === '' || !hostIsFixed(template)) return null;
  const filled = fill(template, 'url', fields, (name) => urlValue(values[name as F]));
  let url: URL;
  try {
    url = new URL(filled);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url.toString();
}

/** A value as the inside of a JSON string; <, > and & escaped too, so no HTML sniffer sees markup. */
function jsonStringContent(value: string): string {
  return JSON.stringify(wellFormed(value))
    .slice(1, -1)
    .replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The filled JSON text, or null when the template is empty or does not give JSON. */
export function fillJson<F extends string>(template: string, values: TemplateValues<F>, fields: readonly F[]): string | null {
  if (template === '' || !placeholdersInStrings(template, fields)) return null;
  const filled = fill(template, 'json', fields, (name) => jsonStringContent(values[name as F]));
  return parses(filled) ? filled : null;
}
