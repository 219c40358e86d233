// URL templates (the screen-pop's CRM link; webhooks later): `{name}` placeholders filled with
// URL-encoded values, so a caller's name can never add a parameter, a path or a scheme. The
// template itself must be an http(s) URL once filled.

export const PLACEHOLDERS = ['e164', 'number', 'digits', 'name', 'company', 'crmId', 'direction', 'callId'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const PLACEHOLDER = /\{([^{}]*)\}/g;

export type TemplateProblem = 'unknown-placeholder' | 'not-http' | 'unbalanced';

/** Why the template cannot be used, or null when it can ('' is "no template": fine). */
export function templateProblem(template: string): TemplateProblem | null {
  if (template === '') return null;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(match[1] ?? '')) return 'unknown-placeholder';
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) return 'unbalanced';
  return fillTemplate(template, emptyValues()) === null ? 'not-http' : null;
}

export function emptyValues(): TemplateValues {
  return { e164: '', number: '', digits: '', name: '', company: '', crmId: '', direction: '', callId: '' };
}

/** The filled URL, or null when the template is empty or does not give an http(s) URL. */
export function fillTemplate(template: string, values: TemplateValues): string | null {
  if (template === '') return null;
  const filled = template.replace(PLACEHOLDER, (whole, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? encodeURIComponent(values[name as Placeholder]) : whole,
  );
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
